"""Differential wire test: the same raw requests to MLflow 3.17.2 and to Heron, answers compared.

Compared per call: the HTTP status, the ``error_code`` of error bodies, the key structure
of JSON answers (which fields, nested, and their JSON types) and, where a call says so,
values (metric histories with NaN/inf, listings, search results) or exact bytes.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from processes import ServerProcess
from wire_calls import CALLS, Call
from wire_replay import Answer, replay, shape

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("compat")]


@pytest.fixture(scope="session")
def transcripts(mlflow_server: ServerProcess, heron_compat_server: ServerProcess) -> dict[str, Any]:
    """The corpus replayed against both servers."""
    name = f"wire-{uuid.uuid4().hex[:8]}"
    context = {"name": name, "exp": "0", "run": "", "art": "", "model": ""}
    return {
        "mlflow": replay(mlflow_server, CALLS, context),
        "heron": replay(heron_compat_server, CALLS, context),
    }


@pytest.mark.parametrize("call", CALLS, ids=[call.label for call in CALLS])
def test_heron_answers_like_mlflow(call: Call, transcripts: dict[str, Any]) -> None:
    expected: Answer = transcripts["mlflow"][call.label]
    got: Answer = transcripts["heron"][call.label]
    detail = f"\nmlflow: {expected.content[:600]!r}\nheron:  {got.content[:600]!r}"
    if call.heron_may is not None and (got.status, got.error_code) == call.heron_may:
        return
    assert got.status == expected.status, f"status {got.status} != {expected.status}{detail}"
    assert got.error_code == expected.error_code, detail
    if call.compare == "body":
        assert got.content == expected.content, detail
    elif call.compare == "shape" and expected.status == 200:
        assert shape(got.document) == shape(expected.document), _shape_diff(expected, got)
    if call.values is not None and expected.status == 200:
        assert call.values(got.document) == call.values(expected.document), detail


def _shape_diff(expected: Answer, got: Answer) -> str:
    return (
        f"\nmlflow shape: {json.dumps(shape(expected.document))}"
        f"\nheron shape:  {json.dumps(shape(got.document))}"
    )
