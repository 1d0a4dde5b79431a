"""search_registered_models: filters, order, paging, limits."""

from __future__ import annotations

import time

import pytest

from heron.entities.registry import RegisteredModel, RegisteredModelTag
from heron.exceptions import InvalidParameter
from heron.store.registry.base import RegistryStore

PROMPT_TAG = "mlflow.prompt.is_prompt"


@pytest.fixture
def models(registry: RegistryStore) -> list[str]:
    """Five models (created in this order) and one prompt; returns the models' names."""
    specs = [
        ("beta", {"team": "Risk", "tier": "1"}),
        ("Alpha", {"team": "risk"}),
        ("gamma_1", {"team": "vision"}),
        ("gamma-2", {}),
        ("delta", {"tier": "2"}),
    ]
    for name, tags in specs:
        registry.create_registered_model(name, [RegisteredModelTag(k, v) for k, v in tags.items()])
    registry.create_registered_model("a-prompt", [RegisteredModelTag(PROMPT_TAG, "true")])
    return [name for name, _ in specs]


def _names(found: list[RegisteredModel]) -> list[str]:
    return [model.name for model in found]


FILTERS: list[tuple[str, set[str]]] = [
    ("name = 'beta'", {"beta"}),
    ("name = 'BETA'", set()),
    ("name != 'beta'", {"Alpha", "gamma_1", "gamma-2", "delta"}),
    ("name LIKE 'gamma%'", {"gamma_1", "gamma-2"}),
    ("name LIKE 'gamma_1'", {"gamma_1"}),
    ("name LIKE 'alpha'", set()),
    ("name LIKE '%ta'", {"beta", "delta"}),
    ("name ILIKE 'alpha'", {"Alpha"}),
    ("name ILIKE '%A%'", {"beta", "Alpha", "gamma_1", "gamma-2", "delta"}),
    ("name IN ('beta', 'delta', 'nope')", {"beta", "delta"}),
    ("name NOT IN ('beta', 'delta')", {"Alpha", "gamma_1", "gamma-2"}),
    ("attributes.name = 'beta'", {"beta"}),
    ("tags.team = 'risk'", {"Alpha"}),
    ("tag.team != 'risk'", {"beta", "gamma_1"}),
    ("tags.team LIKE 'R%'", {"beta"}),
    ("tags.team ILIKE 'r%'", {"beta", "Alpha"}),
    ("tags.`tier` = '1' AND tags.team = 'Risk'", {"beta"}),
    ("tags.team ILIKE 'risk' AND name LIKE 'A%'", {"Alpha"}),
    ("name = 'delta' OR tags.team = 'vision'", {"delta", "gamma_1"}),
]


@pytest.mark.parametrize(("filter_string", "expected"), FILTERS)
def test_filters(
    registry: RegistryStore, models: list[str], filter_string: str, expected: set[str]
) -> None:
    assert set(_names(registry.search_registered_models(filter_string))) == expected


def test_everything_in_name_order(registry: RegistryStore, models: list[str]) -> None:
    found = registry.search_registered_models()
    assert _names(found) == sorted(models)
    assert found.token is None


def test_prompts(registry: RegistryStore, models: list[str]) -> None:
    prompt_filter = f"tags.`{PROMPT_TAG}` = 'true'"
    assert _names(registry.search_registered_models(prompt_filter)) == ["a-prompt"]
    # What MLflow's client appends to every search of models.
    not_prompts = f"name LIKE '%a%' AND tag.`{PROMPT_TAG}` != 'true'"
    assert set(_names(registry.search_registered_models(not_prompts))) == set(models)
    assert "a-prompt" not in _names(registry.search_registered_models("name LIKE '%'"))


@pytest.mark.parametrize(
    "bad",
    [
        "name > 'a'",
        "description = 'x'",
        "tags.team IS NULL",
        "name = ",
        "name = beta",
        "metrics.x > 1",
        "name LIKE 'a' AND",
    ],
)
def test_bad_filters(registry: RegistryStore, bad: str) -> None:
    with pytest.raises(InvalidParameter):
        registry.search_registered_models(bad)


def test_order_by_name(registry: RegistryStore, models: list[str]) -> None:
    found = registry.search_registered_models(order_by=["name DESC"])
    assert _names(found) == sorted(models, reverse=True)


def test_order_by_times(registry: RegistryStore) -> None:
    for name in ("c", "a", "b"):
        registry.create_registered_model(name)
        time.sleep(0.002)
    registry.update_registered_model("c", "touched")  # c is now the most recently updated
    newest = registry.search_registered_models(order_by=["last_updated_timestamp DESC"])
    assert _names(newest) == ["c", "b", "a"]
    assert _names(registry.search_registered_models(order_by=["timestamp DESC"])) == [
        "c",
        "b",
        "a",
    ]
    oldest = registry.search_registered_models(order_by=["creation_timestamp ASC"])
    assert _names(oldest) == ["c", "a", "b"]


def test_order_ties_break_by_name(registry: RegistryStore, models: list[str]) -> None:
    found = registry.search_registered_models(order_by=["timestamp ASC"])
    stamps = [(m.last_updated_timestamp or 0, m.name) for m in found]
    assert stamps == sorted(stamps)


@pytest.mark.parametrize("bad", [["version DESC"], ["name sideways"], ["name", "name DESC"]])
def test_bad_order_by(registry: RegistryStore, bad: list[str]) -> None:
    with pytest.raises(InvalidParameter):
        registry.search_registered_models(order_by=bad)


def test_paging(registry: RegistryStore, models: list[str]) -> None:
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = registry.search_registered_models(max_results=2, page_token=token)
        seen += _names(page)
        pages += 1
        token = page.token
        if token is None:
            break
    assert (seen, pages) == (sorted(models), 3)


def test_paging_with_filter_and_order(registry: RegistryStore, models: list[str]) -> None:
    kwargs = {"filter_string": "name LIKE '%a%'", "order_by": ["name DESC"]}
    first = registry.search_registered_models(max_results=3, **kwargs)  # type: ignore[arg-type]
    rest = registry.search_registered_models(max_results=3, page_token=first.token, **kwargs)  # type: ignore[arg-type]
    assert _names(first) + _names(rest) == ["gamma_1", "gamma-2", "delta", "beta", "Alpha"]
    assert rest.token is None


def test_exact_last_page_has_no_token(registry: RegistryStore, models: list[str]) -> None:
    assert registry.search_registered_models(max_results=5).token is None
    assert registry.search_registered_models(max_results=4).token is not None


def test_default_page_size(registry: RegistryStore) -> None:
    for index in range(101):
        registry.create_registered_model(f"m{index:03d}")
    page = registry.search_registered_models()
    assert len(page) == 100
    assert page.token is not None
    assert _names(registry.search_registered_models(page_token=page.token)) == ["m100"]
    assert len(registry.search_registered_models(max_results=1000)) == 101


@pytest.mark.parametrize("max_results", [0, -1, 1001])
def test_max_results_limits(registry: RegistryStore, max_results: int) -> None:
    with pytest.raises(InvalidParameter, match="max_results"):
        registry.search_registered_models(max_results=max_results)


def test_bad_page_token(registry: RegistryStore) -> None:
    with pytest.raises(InvalidParameter):
        registry.search_registered_models(page_token="not a token")


def test_results_are_whole_models(registry: RegistryStore) -> None:
    registry.create_registered_model("m", [RegisteredModelTag("k", "v")], "desc")
    registry.create_model_version("m", "s3://b/1")
    registry.create_model_version("m", "s3://b/2")
    registry.transition_model_version_stage("m", 1, "Production")
    registry.set_registered_model_alias("m", "champion", 1)
    (found,) = registry.search_registered_models("name = 'm'")
    assert found == registry.get_registered_model("m")
    assert (found.tags, found.aliases, found.description) == ({"k": "v"}, {"champion": 1}, "desc")
    assert sorted((v.version, v.current_stage) for v in found.latest_versions) == [
        (1, "Production"),
        (2, "None"),
    ]
