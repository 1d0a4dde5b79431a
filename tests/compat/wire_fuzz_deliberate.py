"""The reviewed differences between Heron's and MLflow 3.17.2's answers to generated calls.

Each rule names the calls it covers (label patterns), what MLflow answered and what Heron
answers instead, and why Heron's answer is the better one. Any difference no rule covers
fails the test; a rule that no longer covers any difference fails it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from wire_replay import Answer

Check = Callable[[Answer], bool]


def answers(status: int, code: str | None = None) -> Check:
    """An answer with this status (and error code, if given)."""
    return lambda answer: answer.status == status and (code is None or answer.error_code == code)


def crashed(answer: Answer) -> bool:
    """MLflow failed on its own bug: a 500, or a database error passed on as BAD_REQUEST."""
    return answer.status >= 500 or b"sqlite3." in answer.content


def clean(answer: Answer) -> bool:
    """Heron answered without failing: a success or an error of the caller's."""
    return answer.status < 500


REFUSED = answers(400, "INVALID_PARAMETER_VALUE")
# Fields Heron's answers may have that MLflow's lack: what MLflow's SQL store drops, not
# what a client should miss. A version's model_id (MLflow has no column for it); the
# description after an update that sends none (PATCH semantics; MLflow blanks it); the model
# and dataset of a run's latest metric (MLflow's latest_metrics has no such columns); a
# run's model inputs and a logged model's metrics in search results (MLflow loads them in
# get-run and get-logged-model only); an end_time of 0 (MLflow omits it).
# Writes both servers accept but store differently, excluded from the read-backs.
STORED_DIFFERENTLY = dict.fromkeys(
    (
        "runs/log-metric value=nan-lower",
        "runs/log-metric value=NaN-literal",
        "runs/log-metric value=Infinity-literal",
        "runs/log-metric value=-Infinity-literal",
    ),
    "MLflow stores 0.0 when protobuf refuses a bare NaN/Infinity literal or 'nan' "
    "(its fallback parser keeps the field's default); Heron stores the value the client sent",
)

EXTRA_FIELDS = (
    ".model_version.model_id:",
    ".model_versions[].model_id:",
    ".model_version.description:",
    ".run.data.metrics[].model_id:",
    ".runs[].data.metrics[].model_id:",
    ".runs[].data.metrics[].dataset_",
    ".run.data.metrics[].dataset_",
    ".runs[].inputs.model_inputs[]",
    ".models[].data.metrics[]",
    ".run_info.end_time:",
)
OK = answers(200)


@dataclass(frozen=True)
class Deliberate:
    """One reviewed difference."""

    reason: str
    labels: tuple[str, ...]
    mlflow: Check
    heron: Check

    def covers(self, label: str, expected: Answer, got: Answer) -> bool:
        """Whether this rule explains Heron's ``got`` where MLflow answered ``expected``."""
        matched = any(fnmatchcase(label, pattern) for pattern in self.labels)
        return matched and self.mlflow(expected) and self.heron(got)


DELIBERATE = (
    Deliberate(
        "MLflow fails on its own bug (500, or an SQLite integrity/type error passed on as "
        "BAD_REQUEST or RESOURCE_ALREADY_EXISTS: duplicate tag keys in one request, a "
        "missing default experiment, tuples bound as values, unparsable page tokens, ids "
        "past int64); Heron answers a clean 4xx or does the write",
        ("*",),
        crashed,
        clean,
    ),
    Deliberate(
        "Strings with NUL or a lone UTF-16 surrogate are refused: PostgreSQL cannot store "
        "NUL in text and a lone surrogate has no UTF-8 encoding (MLflow stores them in "
        "SQLite, and its PostgreSQL/MySQL stores then fail with 500)",
        ("*=nul", "*=control", "*=lone-surrogate", "*-control", "*-lone-surrogate"),
        lambda answer: True,
        REFUSED,
    ),
    Deliberate(
        "A value of the wrong JSON type is refused with the field's name (MLflow's "
        "permissive parser stores Python reprs such as '5' or \"['a']\" for strings, "
        "truncates 1.5 to 1, and takes null or key-less list elements)",
        (
            "*=int",
            "*=float",
            "*=bool",
            "*=list",
            "*=object",
            "*=string",
            "*=int-value",
            "*=null-element",
            "*=string-element",
            "*=empty-element",
            "*=no-key",
            "*=bool-value",
            "*=float-step",
            "*=float-integral",
            "*=exponent",
            "*=atomic-bad-metric",
        ),
        OK,
        REFUSED,
    ),
    Deliberate(
        "Integers beyond int64 are refused (MLflow stores them in SQLite as floats or "
        "text; PostgreSQL's BIGINT refuses them with 500)",
        ("*=over-max", "*=huge"),
        OK,
        REFUSED,
    ),
    Deliberate(
        "An unknown enum name or number is refused (MLflow silently keeps the old status "
        "or reads it as the default)",
        ("*status=unknown", "*status=empty", "*status=out-of-range-number", "*view_type=*"),
        OK,
        REFUSED,
    ),
    Deliberate(
        "Lengths past the database columns are refused up front (MLflow does not check "
        "them; SQLite ignores VARCHAR sizes, PostgreSQL and MySQL then fail with 500): "
        "run names over 250, model names over 256/500, source run ids over 32, empty "
        "model ids and dataset names",
        (
            "*run_name=len-251",
            "*run-name-len-251",
            "*name=over-limit",
            "*source_run_id=*",
            "*model_id=empty",
            "*dataset_name=empty",
        ),
        OK,
        REFUSED,
    ),
    Deliberate(
        "Blank names are refused (MLflow takes an experiment or logged model named '   ')",
        ("*name=blank", "*name=empty"),
        lambda answer: answer.status in (200, 400),
        REFUSED,
    ),
    Deliberate(
        "Keys are checked wherever they are written (MLflow checks run tag keys in set-tag "
        "and log-batch but not in create-run, logged-model params and tags, or artifact "
        "paths with backslashes)",
        ("runs/create tags=bad-key", "logged-models * *=bad-key", "artifacts/list path=backslash"),
        OK,
        REFUSED,
    ),
    Deliberate(
        "Required fields of nested messages are required (MLflow takes a dataset input "
        "without dataset, name, digest or source, a tag without value, a model input "
        "without model_id, an empty outputs list, a logged-model search without experiments)",
        (
            "runs/log-inputs datasets=no-*",
            "runs/log-inputs datasets=input-tag-no-value",
            "runs/log-inputs models=no-id",
            "runs/outputs models=empty-list",
            "logged-models/search experiment_ids=empty",
        ),
        OK,
        REFUSED,
    ),
    Deliberate(
        "Heron accepts what MLflow refuses for no reason a client would want: an experiment "
        "id with surrounding spaces in delete/restore (MLflow's get/update read it with "
        "int()), the logged-model id from the URL path when the body lacks it, "
        "'attributes.' and creation_timestamp in order_by (MLflow's file store takes "
        "the latter), a backticked entity, search-experiments without max_results (the "
        "default page, as the client always sends one), and the page token of MLflow's "
        "simpler offset format (tokens are opaque), and 'true'/'false' strings for a "
        "boolean in a JSON body (as in a query string)",
        (
            "experiments/* experiment_id=spaces",
            "logged-models params without model_id*",
            "experiments/search order_by=*",
            "registered-models/search order_by=*",
            "model-versions/search filter=*",
            "experiments/search filter=*",
            "experiments/search* max_results=*",
            "logged-models/search page_token=*",
            "*archive_existing_versions=string-true",
        ),
        lambda answer: answer.status in (400, 404),
        OK,
    ),
    Deliberate(
        'A logged model created without model_type has none (SQL NULL, shown as "" as '
        "MLflow shows it); MLflow's server stores the empty string its proto parser "
        "leaves, so its `model_type != 'x'` also matches models without a type",
        ("logged-models/search filter=*",),
        OK,
        OK,
    ),
    Deliberate(
        "At most 16 order_by clauses (each is a join and a sort term; hundreds of them "
        "crash SQLite's expression-depth limit), a limit MLflow does not have",
        ("runs/search order_by=17-keys",),
        OK,
        REFUSED,
    ),
    Deliberate(
        "Broken filters and order_by clauses are refused where MLflow's tokenizer drops "
        "what it does not understand (a trailing AND, a second clause without AND, a "
        "key-less 'metrics.') and answers as if they were not there",
        ("*search filter=*", "*search order_by=*"),
        OK,
        REFUSED,
    ),
    Deliberate(
        "max_results and page tokens are checked on every search (MLflow's registry and "
        "logged-model searches take 0, negative, fractional or oversized max_results and "
        "negative offsets, and return odd pages)",
        ("*search* max_results=*", "*search* page_token=*", "metrics/get-history max_results=*"),
        OK,
        REFUSED,
    ),
    Deliberate(
        "A reference to a run or logged model that does not exist is a 404 (MLflow "
        "returns an empty history for a missing run and links a missing model)",
        (
            "metrics/get-history run_id=*",
            "get-history-bulk-interval run_ids=*",
            "runs/log-inputs models=unknown",
            "runs/outputs models=unknown",
            "runs/log-metric model_id=*",
        ),
        lambda answer: answer.status == 200 or crashed(answer),
        answers(404, "RESOURCE_DOES_NOT_EXIST"),
    ),
)


def deliberate(label: str, expected: Answer, got: Answer) -> Deliberate | None:
    """The rule explaining this difference, if one does."""
    return next((rule for rule in DELIBERATE if rule.covers(label, expected, got)), None)
