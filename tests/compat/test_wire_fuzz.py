"""Generated differential wire test: hostile variants of valid requests to every classic REST
endpoint, sent to MLflow 3.17.2 and to Heron, answers compared.

Compared per call: the HTTP status, the ``error_code``, the key structure of a JSON answer
and, where a call says so, values (search results in order, read-backs of what the fuzzed
writes left). ``DELIBERATE`` lists the few places where Heron answers differently on
purpose, each with its reason; any other difference fails the endpoint's test.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import wire_fuzz_registry
import wire_fuzz_runs
import wire_fuzz_search
import wire_fuzz_tracking
from processes import ServerProcess
from wire_calls import Call
from wire_fuzz import Corpus
from wire_replay import Answer, paths, replay

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("compat")]


def _corpus() -> list[Call]:
    corpus = Corpus()
    wire_fuzz_tracking.setup(corpus)
    wire_fuzz_registry.setup(corpus)
    for make in (
        wire_fuzz_tracking.experiments,
        wire_fuzz_tracking.runs,
        wire_fuzz_tracking.run_data,
        wire_fuzz_tracking.log_batch,
        wire_fuzz_runs.inputs_outputs,
        wire_fuzz_runs.histories,
        wire_fuzz_runs.logged_models,
        wire_fuzz_registry.registered_models,
        wire_fuzz_registry.versions,
        wire_fuzz_registry.aliases,
        wire_fuzz_search.build,
        wire_fuzz_runs.read_back,
    ):
        make(corpus)
    return corpus.calls


CALLS = _corpus()

from wire_fuzz_deliberate import (  # noqa: E402
    DELIBERATE,
    EXTRA_FIELDS,
    STORED_DIFFERENTLY,
    deliberate,
)


def _group(call: Call) -> str:
    return call.label.split(" ")[0]


GROUPS = sorted({_group(call) for call in CALLS})


def differences(
    calls: list[Call], mlflow: dict[str, Answer], heron: dict[str, Answer]
) -> list[str]:
    """Every call whose Heron answer differs from MLflow's, described.

    Values are compared without the entries that calls the servers answered differently
    wrote (named by the call's token), so one deliberate difference is reported once.
    """
    disagreed = {
        f"{index:04d}"
        for index, call in enumerate(CALLS)
        if mlflow[call.label].status != heron[call.label].status or call.label in STORED_DIFFERENTLY
    }
    found = []
    for call in calls:
        expected, got = mlflow[call.label], heron[call.label]
        problem = _difference(call, expected, got, disagreed)
        if problem is None:
            continue
        if deliberate(call.label, expected, got) is None:
            found.append(
                f"{call.label}: {problem}\n  mlflow: {expected.content[:300]!r}"
                f"\n  heron:  {got.content[:300]!r}"
            )
    return found


def _difference(
    call: Call,
    expected: Answer,
    got: Answer,
    disagreed: set[str] = frozenset(),  # type: ignore[assignment]
) -> str | None:
    if got.status != expected.status:
        return f"status {got.status} != {expected.status}"
    if got.error_code != expected.error_code:
        return f"error_code {got.error_code} != {expected.error_code}"
    if expected.status != 200 or call.compare != "shape":
        return None
    heron, mlflow = paths(got.document), paths(expected.document)
    extra = {path for path in heron - mlflow if not path.startswith(EXTRA_FIELDS)}
    lacking = mlflow - heron
    if (extra | lacking) - {".next_page_token:str"}:  # paging is compared by values
        return f"shape: heron has {sorted(extra)}, lacks {sorted(lacking)}"
    if call.values is not None:
        heron, mlflow = (_agreed(call.values(a.document), disagreed) for a in (got, expected))
        if heron != mlflow:
            return f"values {heron!r} != {mlflow!r}"
    return None


_TOKEN = re.compile(r"(?<!\d)\d{4}(?!\d)")


def _agreed(value: Any, disagreed: set[str]) -> Any:
    """``value`` without the list entries (strings, or tuples led by a string) that name
    the token of a call the servers answered differently."""
    if isinstance(value, dict):
        return {key: _agreed(item, disagreed) for key, item in value.items()}
    if isinstance(value, tuple) and any(isinstance(item, list | dict) for item in value):
        return tuple(_agreed(item, disagreed) for item in value)
    if not isinstance(value, list):
        return value
    kept = []
    for item in value:
        text = item if isinstance(item, str) else item[0] if isinstance(item, tuple) else ""
        if isinstance(text, str) and (set(_TOKEN.findall(text)) & disagreed or text == ""):
            continue  # written by a call one server refused (an empty key: MLflow only)
        kept.append(item)
    return kept


@pytest.fixture(scope="module")
def fuzz_transcripts(
    mlflow_server: ServerProcess, heron_compat_server: ServerProcess
) -> dict[str, dict[str, Answer]]:
    """The generated corpus replayed against both servers."""
    context = {"name": f"fuzz-{uuid.uuid4().hex[:8]}"}
    return {
        "mlflow": replay(mlflow_server, CALLS, context),
        "heron": replay(heron_compat_server, CALLS, context),
    }


def test_corpus_is_large_and_deterministic() -> None:
    assert 800 <= len(CALLS) <= 2500
    assert [call.label for call in _corpus()] == [call.label for call in CALLS]
    assert len({call.label for call in CALLS}) == len(CALLS)


@pytest.mark.parametrize("group", GROUPS)
def test_heron_answers_generated_calls_like_mlflow(
    group: str, fuzz_transcripts: dict[str, dict[str, Answer]]
) -> None:
    calls = [call for call in CALLS if _group(call) == group]
    found = differences(calls, fuzz_transcripts["mlflow"], fuzz_transcripts["heron"])
    assert not found, f"{len(found)} of {len(calls)} calls differ:\n" + "\n".join(found)


def test_deliberate_differences_still_happen(
    fuzz_transcripts: dict[str, dict[str, Answer]],
) -> None:
    """Each listed difference still excuses at least one call (no stale entries)."""
    used = set()
    for call in CALLS:
        expected, got = (
            fuzz_transcripts["mlflow"][call.label],
            fuzz_transcripts["heron"][call.label],
        )
        if _difference(call, expected, got) is not None:
            used.add(deliberate(call.label, expected, got))
    assert [rule.reason for rule in DELIBERATE if rule not in used] == []
