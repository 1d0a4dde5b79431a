"""Replaying a corpus of raw REST calls against one server, and normalising its answers.

Shared by the hand-written corpus (``test_wire.py``) and the generated one
(``test_wire_fuzz.py``): both send the same calls to MLflow 3.17.2 and to Heron and compare
what :class:`Answer` holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from processes import ServerProcess
from wire_calls import Call

_AS_INT = re.compile(r"^\{(\w+)\}#int$")


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
    """``value`` with ``{exp}``-style placeholders in its strings replaced from ``context``.

    A string that is exactly ``{exp}#int`` becomes the saved id as a JSON number.
    """
    if isinstance(value, str):
        typed = _AS_INT.match(value)
        if typed and typed.group(1) in context:
            return int(context[typed.group(1)])
        for key, item in context.items():
            value = value.replace(f"{{{key}}}", item)
        return value
    if isinstance(value, dict):
        return {key: fill(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, context) for item in value]
    return value


def replay(
    server: ServerProcess, calls: Iterable[Call], context: dict[str, str]
) -> dict[str, Answer]:
    """Send ``calls`` to ``server`` in order; answers by label.

    JSON bodies are serialised here (``NaN``/``Infinity`` literals and lone surrogates
    allowed, as a Python client would send them), not by httpx, which refuses both.
    """
    context = dict(context)
    answers = {}
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for call in calls:
            headers = dict(call.headers)
            content = call.raw
            if call.raw is None and call.body is not None:
                content = json.dumps(fill(call.body, context)).encode()
                headers.setdefault("Content-Type", "application/json")
            response = client.request(
                call.method,
                fill(call.path, context),
                params=fill(call.params, context),
                content=content,
                headers=headers,
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


def paths(value: Any, prefix: str = "") -> set[str]:
    """Every leaf of a JSON value as ``.key[].key:type`` (lists merged over their items,
    numbers as ``number``), so two answers compare by structure whatever their order."""
    if isinstance(value, dict):
        return set().union(*(paths(item, f"{prefix}.{key}") for key, item in value.items()))
    if isinstance(value, list):
        return set().union(*(paths(item, f"{prefix}[]") for item in value))
    kind = (
        "number"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else type(value).__name__
    )
    return {f"{prefix}:{kind}"}
