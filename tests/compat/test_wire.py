"""Differential wire test: the same raw requests to MLflow 3.17.2 and to Heron, answers compared.

Compared per call: the HTTP status, the ``error_code`` of error bodies, the key structure
of JSON answers (which fields, nested, and their JSON types) and, where a call says so,
values (metric histories with NaN/inf, listings, search results) or exact bytes.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from processes import ServerProcess
from wire_calls import CALLS, Call

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("compat")]


@dataclass(frozen=True)
class Answer:
    """What a server answered to one call."""

    status: int
    content: bytes
    document: Any  # the parsed JSON body, or None

    @property
    def error_code(self) -> str | None:
        """The MLflow error code of an error body, if it is one."""
        if self.status >= 400 and isinstance(self.document, dict):
            return self.document.get("error_code")
        return None


def fill(value: Any, context: dict[str, str]) -> Any:
    """``value`` with ``{exp}``-style placeholders in its strings replaced from ``context``."""
    if isinstance(value, str):
        for key, item in context.items():
            value = value.replace(f"{{{key}}}", item)
        return value
    if isinstance(value, dict):
        return {key: fill(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, context) for item in value]
    return value


def replay(server: ServerProcess, name: str) -> dict[str, Answer]:
    """Send every call of the corpus to ``server``, in order; answers by label.

    ``name`` names the experiment the calls make (the same on both servers).
    """
    context = {"name": name, "exp": "0", "run": "", "art": "", "model": ""}
    answers = {}
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for call in CALLS:
            response = client.request(
                call.method,
                fill(call.path, context),
                params=fill(call.params, context),
                json=fill(call.body, context) if call.raw is None else None,
                content=call.raw,
                headers=call.headers,
            )
            answers[call.label] = answer = Answer(
                response.status_code, response.content, _json(response)
            )
            if call.save is not None and answer.status == 200:
                call.save(context, answer.document)
    return answers


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def shape(value: Any) -> Any:
    """The key structure of a JSON value: object keys, nested; lists by their first item."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    return type(value).__name__


@pytest.fixture(scope="session")
def transcripts(mlflow_server: ServerProcess, heron_compat_server: ServerProcess) -> dict[str, Any]:
    """The corpus replayed against both servers."""
    name = f"wire-{uuid.uuid4().hex[:8]}"
    return {"mlflow": replay(mlflow_server, name), "heron": replay(heron_compat_server, name)}


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
