"""Generated search calls: random filters from the grammar (valid and broken), order_by,
page_token and max_results variants, for runs, experiments, registered models, model
versions and logged models.

The filters come from a seeded generator, so they are the same on every run. Results are
compared by value (names, in order) where the order is deterministic.
"""

from __future__ import annotations

import random
import re
from typing import Any

import wire_variants as v
from wire_fuzz import API, Corpus

SEED = 20261208

RUN_ENTITIES = [
    "metrics",
    "metric",
    "params",
    "param",
    "parameter",
    "tags",
    "tag",
    "attributes",
    "attribute",
    "attr",
    "run",
    "datasets",
    "dataset",
    "`metrics`",
    "bogus",
    "",
]
RUN_KEYS = [
    "m",
    "n",
    "p",
    "q",
    "t",
    "u",
    "absent",
    "`m`",
    '"m"',
    "`a b`",
    "run_id",
    "run_name",
    "status",
    "user_id",
    "start_time",
    "end_time",
    "created",
    "artifact_uri",
    "name",
    "digest",
    "context",
    "lifecycle_stage",
    "`Run name`",
]
COMPARATORS = [
    "=",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "LIKE",
    "ILIKE",
    "like",
    "ilike",
    "IN",
    "NOT IN",
    "not in",
    "IS NULL",
    "IS NOT NULL",
    "==",
    "<>",
    "~",
    "RLIKE",
]
VALUES = [
    "'a'",
    '"b"',
    "'a%'",
    "'%'",
    "'_'",
    "'A'",
    "'x'",
    "'Y'",
    "1",
    "2.5",
    "-4",
    "1e3",
    "0",
    "'1'",
    "a",
    "('a', 'b')",
    "('a')",
    "()",
    "(1, 2)",
    "'FINISHED'",
    "'RUNNING'",
    "'r-a'",
    "'uR-b'",
    "1700000000002",
    "'1700000000002'",
    "'{run}'",
    "('{run}', '{run3}')",
    "''",
    "'wine'",
    "'training'",
    "NULL",
    "true",
    "'it''s'",
    "'unterminated",
]
JOINS = [" AND ", " and ", " OR ", " AND NOT ", " ", " && "]


def _filter(rng: random.Random, entities: list[str], keys: list[str]) -> str:
    clauses = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        entity = rng.choice(entities)
        key = rng.choice(keys)
        identifier = f"{entity}.{key}" if entity else key
        comparator = rng.choice(COMPARATORS)
        if comparator.endswith("NULL"):
            clauses.append(f"{identifier} {comparator}")
        else:
            clauses.append(f"{identifier} {comparator} {rng.choice(VALUES)}")
    text = clauses[0]
    for clause in clauses[1:]:
        text += (rng.choice(JOINS) if rng.random() < 0.3 else " AND ") + clause
    return text


def _run_names(body: Any) -> Any:
    return [run["info"].get("run_name") for run in body.get("runs", [])], "next_page_token" in body


def _names(key: str) -> Any:
    def names(body: Any) -> Any:
        return [item.get("name") for item in body.get(key, [])], "next_page_token" in body

    return names


def _versions(body: Any) -> Any:
    # By source (it holds the creating call's token): version numbers shift when the
    # servers disagreed on an earlier create.
    sources = (item.get("source", "") for item in body.get("model_versions", []))
    return [re.sub(r"^runs:/\w+/", "runs:/<run>/", source) for source in sources]


def _orderings(rng: random.Random, keys: list[str], count: int) -> list[tuple[str, list[str]]]:
    fixed = [
        ("empty-list", []),
        ("blank", [""]),
        ("bogus-direction", [f"{keys[0]} SIDEWAYS"]),
        ("duplicate", [keys[0], keys[0]]),
        ("lower-desc", [f"{keys[0]} desc"]),
        ("three-words", [f"{keys[0]} ASC DESC"]),
    ]
    drawn = []
    for index in range(count):
        picked = [
            f"{rng.choice(keys)}{rng.choice(['', ' ASC', ' DESC', ' asc'])}"
            for _ in range(rng.choice((1, 1, 2)))
        ]
        drawn.append((f"random-{index}", picked))
    return fixed + drawn


PAGING = {
    "max_results": [
        ("one", 1),
        ("zero", 0),
        ("negative", -1),
        ("string", "2"),
        ("float", 1.5),
        ("word", "x"),
        ("null", None),
        ("50000", 50000),
        ("50001", 50001),
        ("huge", 2**40),
    ],
    "page_token": [
        ("garbage", "garbage"),
        ("empty", ""),
        ("offset-1", "eyJvZmZzZXQiOiAxfQ=="),
        ("offset-negative", "eyJvZmZzZXQiOiAtMX0="),
        ("offset-string", "eyJvZmZzZXQiOiAieCJ9"),
        ("list", "W10="),
        ("int", 5),
        ("null", None),
    ],
}


def runs(corpus: Corpus, rng: random.Random, count: int) -> None:
    """search-runs in the main experiment (three runs with distinct start times)."""
    path = f"{API}/runs/search"
    base = {"experiment_ids": ["{exp}"]}
    filters = [(f"random-{index}", _filter(rng, RUN_ENTITIES, RUN_KEYS)) for index in range(count)]
    fixed = [
        ("empty", ""),
        ("null", None),
        ("int", 5),
        ("timestamp", "attributes.start_time > 1700000000001"),
        ("like", "params.p LIKE 'a%'"),
        ("ilike", "tags.t ILIKE 'y'"),
        ("in", "attributes.run_id IN ('{run}', '{run2}')"),
        ("dataset", "datasets.name = 'wine'"),
        ("backticks", "`tags`.`t` = 'x'"),
        ("nan", "metrics.m > 0"),
        ("unbalanced", "params.p = 'a"),
        ("trailing-and", "params.p = 'a' AND"),
    ]
    corpus.vary("runs/search", "POST", path, base, "filter", fixed + filters, values=_run_names)
    # not run_id or artifact_uri: run ids are random, so their order differs between servers
    keys = [
        "metrics.m",
        "metrics.n",
        "params.p",
        "tags.t",
        "attributes.start_time",
        "start_time",
        "run_name",
        "status",
        "end_time",
        "created",
        "user_id",
        "metrics.`m`",
        "params.absent",
        "bogus",
        "metrics.",
        "datasets.name",
    ]
    orders = _orderings(rng, keys, count // 3)
    corpus.vary(
        "runs/search",
        "POST",
        path,
        base,
        "order_by",
        [
            *orders,
            ("string", "run_name"),
            ("null", None),
            ("16-keys", [f"params.o{index}" for index in range(16)]),
            ("17-keys", [f"params.o{index}" for index in range(17)]),
        ],
        values=_run_names,
    )
    corpus.vary(
        "runs/search",
        "POST",
        path,
        {**base, "max_results": 1},
        "page_token",
        PAGING["page_token"],
        values=_run_names,
    )
    corpus.vary(
        "runs/search", "POST", path, base, "max_results", PAGING["max_results"], values=_run_names
    )
    views = v.enum("ACTIVE_ONLY", "DELETED_ONLY", "ALL", 2, 3)
    corpus.vary("runs/search", "POST", path, base, "run_view_type", views, values=_run_names)
    ids = [
        ("missing", v.MISSING),
        ("empty", []),
        ("unknown", ["987654321"]),
        ("word", ["abc"]),
        ("string", "{exp}"),
        ("int", ["{exp}#int"]),
        ("duplicate", ["{exp}", "{exp}"]),
        ("null-element", [None]),
    ]
    corpus.vary("runs/search", "POST", path, {}, "experiment_ids", ids, values=_run_names)


def experiments(corpus: Corpus, rng: random.Random, count: int) -> None:
    """search-experiments, restricted to this corpus's experiments by name."""
    path = f"{API}/experiments/search"
    scope = "name LIKE '{name}%'"
    entities = ["", "attribute", "attributes", "tag", "tags", "metrics", "run", "`tags`"]
    keys = [
        "name",
        "experiment_id",
        "creation_time",
        "last_update_time",
        "lifecycle_stage",
        "k0001",
        "`k 1`",
        "absent",
        "artifact_location",
    ]
    filters = [
        (f"random-{index}", f"{scope} AND {_filter(rng, entities, keys)}") for index in range(count)
    ]
    fixed = [
        ("scope-only", scope),
        ("ilike", "name ILIKE '{name}%'"),
        ("id-in", "experiment_id IN ('{exp}', '{exp2}')"),
        ("id-in-int", "experiment_id IN (1, 2)"),
        ("timestamp", f"{scope} AND creation_time > 0"),
        ("tag-null", f"{scope} AND tags.absent IS NULL"),
    ]
    base = {"max_results": 100, "filter": scope}
    corpus.vary(
        "experiments/search",
        "POST",
        path,
        base,
        "filter",
        fixed + filters,
        values=_names("experiments"),
    )
    orders = _orderings(
        rng,
        [
            "name",
            "experiment_id",
            "creation_time",
            "last_update_time",
            "attributes.name",
            "tags.k",
            "lifecycle_stage",
        ],
        count // 4,
    )
    corpus.vary("experiments/search", "POST", path, base, "order_by", orders)
    paging = {"max_results": PAGING["max_results"], "page_token": PAGING["page_token"]}
    for field, variants in paging.items():
        corpus.vary("experiments/search", "POST", path, {**base, "max_results": 1}, field, variants)
    views = v.enum("ACTIVE_ONLY", "DELETED_ONLY", "ALL", 2, 3)
    corpus.vary(
        "experiments/search", "POST", path, base, "view_type", views, values=_names("experiments")
    )
    query = {"max_results": "100", "filter": scope}
    corpus.vary(
        "experiments/search GET",
        "GET",
        path,
        query,
        "max_results",
        [("valid", "5"), ("missing", v.MISSING), ("word", "x")],
        in_query=True,
    )


def registry(corpus: Corpus, rng: random.Random, count: int) -> None:
    """search registered models and model versions, restricted to this corpus's models."""
    scope = "name LIKE '{name}%'"
    entities = ["", "tag", "tags", "attributes", "metrics", "`tags`"]
    keys = [
        "name",
        "k",
        "absent",
        "run_id",
        "source_path",
        "version_number",
        "creation_timestamp",
        "`mlflow.prompt.is_prompt`",
        "description",
    ]
    for label, path, answer in (
        ("registered-models/search", f"{API}/registered-models/search", "registered_models"),
        ("model-versions/search", f"{API}/model-versions/search", "model_versions"),
    ):
        values = _versions if answer == "model_versions" else _names(answer)
        filters = [
            (f"random-{index}", f"{scope} AND {_filter(rng, entities, keys)}")
            for index in range(count)
        ]
        fixed = [
            ("scope-only", scope),
            ("name-in", "name IN ('{name}-rm', 'x')"),
            ("run-in", "run_id IN ('{run}')"),
            ("version", f"{scope} AND version_number >= 2"),
        ]
        base = {"filter": scope, "max_results": "100"}
        corpus.vary(
            label, "GET", path, base, "filter", fixed + filters, in_query=True, values=values
        )
        order_keys = [
            "name",
            "version_number",
            "creation_timestamp",
            "last_updated_timestamp",
            "timestamp",
            "tags.k",
            "source_path",
        ]
        orders = v.query(
            [(name, order) for name, order in _orderings(rng, order_keys, count // 4) if order]
        )
        corpus.vary(label, "GET", path, base, "order_by", orders, in_query=True)
        for field, variants in PAGING.items():
            corpus.vary(
                label,
                "GET",
                path,
                {**base, "max_results": "1"},
                field,
                v.query(variants),
                in_query=True,
            )


def logged_models(corpus: Corpus, rng: random.Random, count: int) -> None:
    """search-logged-models in the main experiment."""
    path = f"{API}/logged-models/search"
    entities = ["", "attributes", "metrics", "params", "tags", "bogus"]  # one page holds all
    keys = [
        "name",
        "model_id",
        "model_type",
        "status",
        "source_run_id",
        "creation_timestamp",
        "creation_time",
        "last_updated_timestamp",
        "alpha",
        "k",
        "absent",
    ]
    base = {"experiment_ids": ["{exp}"], "max_results": 200}
    filters = [(f"random-{index}", _filter(rng, entities, keys)) for index in range(count)]
    fixed = [
        ("empty", ""),
        ("name", "name = 'wm'"),
        ("params", "params.alpha = '1'"),
        ("status", "status = 'LOGGED_MODEL_READY'"),
    ]
    corpus.vary(
        "logged-models/search",
        "POST",
        path,
        base,
        "filter",
        fixed + filters,
        values=_names_of_models,
    )
    orders = [
        ("valid", [{"field_name": "name"}]),
        ("descending", [{"field_name": "name", "ascending": False}]),
        ("unknown-field", [{"field_name": "bogus"}]),
        ("no-field", [{"ascending": True}]),
        ("string", ["name"]),
        ("metric", [{"field_name": "metrics.x"}]),
        ("dataset", [{"field_name": "metrics.x", "dataset_name": "d"}]),
        ("null", None),
        ("object", {"field_name": "name"}),
    ]
    corpus.vary(
        "logged-models/search", "POST", path, base, "order_by", orders, values=_names_of_models
    )
    for field, variants in PAGING.items():
        corpus.vary(
            "logged-models/search", "POST", path, {**base, "max_results": 1}, field, variants
        )
    ids = [
        ("missing", v.MISSING),
        ("empty", []),
        ("unknown", ["987654321"]),
        ("word", ["abc"]),
        ("string", "{exp}"),
    ]
    corpus.vary("logged-models/search", "POST", path, {}, "experiment_ids", ids)
    datasets = [
        ("valid", [{"dataset_name": "d"}]),
        ("no-name", [{"dataset_digest": "x"}]),
        ("string", "d"),
    ]
    corpus.vary("logged-models/search", "POST", path, base, "datasets", datasets)


def _names_of_models(body: Any) -> Any:
    # Names the calls gave (a model created without one gets a random name).
    names = (model["info"]["name"] for model in body.get("models", []))
    return sorted(name for name in names if name in ("wm", "wm2") or re.search(r"\d{4}", name))


def build(corpus: Corpus, count: int = 60) -> None:
    """All the search calls, ``count`` random filters per searchable entity."""
    rng = random.Random(SEED)
    runs(corpus, rng, count)
    experiments(corpus, rng, count // 2)
    registry(corpus, rng, count // 2)
    logged_models(corpus, rng, count // 2)
