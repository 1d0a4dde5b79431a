"""The generated wire corpus: variants of valid requests to every classic REST endpoint.

:class:`Corpus` turns a valid request into one call per hostile variant of one of its fields
(``wire_variants``); ``wire_fuzz_tracking``, ``wire_fuzz_registry`` and ``wire_fuzz_search``
describe the endpoints. Everything is deterministic (the search filters come from a seeded
generator), so both servers receive byte-identical requests, in the same order, and a label
names the same call on every run.

Placeholders filled at replay time: ``{name}`` (a fresh prefix), ``{exp}``/``{exp2}``
(experiments; ``exp2`` takes the destructive calls), ``{run}``/``{run2}``/``{run3}`` (runs
searched and read back), ``{runv}`` (a run in ``exp2`` for destructive calls), ``{art}``
(``run``'s artifact directory under the proxy), ``{model}``/``{model2}`` (logged models).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from wire_calls import Call
from wire_variants import MISSING, Variants

API = "/api/2.0/mlflow"
ART = "/api/2.0/mlflow-artifacts/artifacts"
T0 = 1_700_000_000_000
MISSING_RUN = "0" * 32
MISSING_MODEL = "m-" + "0" * 32

Template = dict[str, Any] | Callable[[str], dict[str, Any]]


def saver(slot: str, *path: str) -> Callable[[dict[str, str], Any], None]:
    """A ``save`` hook storing ``body[path...]`` in the replay context as ``slot``."""

    def save(context: dict[str, str], body: Any) -> None:
        for part in path:
            body = body[part]
        context[slot] = str(body)

    return save


def save_main_run(context: dict[str, str], body: Any) -> None:
    """Saves the main run's id and its artifact directory under the proxy."""
    info = body["run"]["info"]
    context["run"] = info["run_id"]
    context["art"] = urlsplit(info["artifact_uri"]).path.lstrip("/")


def _substitute(value: Any, token: str) -> Any:
    if isinstance(value, str):
        return value.replace("{u}", token)
    if isinstance(value, dict):
        return {key: _substitute(item, token) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, token) for item in value]
    return value


class Corpus:
    """The calls generated so far, in replay order."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._labels: set[str] = set()

    def token(self) -> str:
        """A 4-character token unique to the next call."""
        return f"{len(self.calls):04d}"

    def add(self, call: Call) -> None:
        """Append one call (``{u}`` in its body and params becomes its token)."""
        token = self.token()
        if call.label in self._labels:
            raise ValueError(f"duplicate label {call.label!r}")
        self._labels.add(call.label)
        self.calls.append(
            replace(
                call,
                body=_substitute(call.body, token),
                params=_substitute(call.params, token),
            )
        )

    def vary(
        self,
        label: str,
        method: str,
        path: str,
        template: Template,
        field: str,
        variants: Variants,
        *,
        in_query: bool = False,
        values: Callable[[Any], Any] | None = None,
    ) -> None:
        """One call per variant of ``field`` in the valid request ``template``.

        Args:
            label: The endpoint's label; calls are labelled ``<label> <field>=<variant>``.
            method: The HTTP method.
            path: The URL path (placeholders allowed).
            template: The valid request (or a function of the call's token making it).
            field: The field replaced (or dropped, for ``MISSING``).
            variants: ``(label, value)`` pairs.
            in_query: Send the fields as query parameters instead of a JSON body.
            values: What of a 200 answer must match by value.
        """
        for variant, value in variants:
            fields = dict(template(self.token()) if callable(template) else template)
            if value is MISSING:
                fields.pop(field, None)
            else:
                fields[field] = value
            self.add(
                Call(
                    f"{label} {field}={variant}",
                    method,
                    path,
                    body=None if in_query else fields,
                    params=fields if in_query else None,
                    values=values,
                )
            )

    def once(self, label: str, method: str, path: str, body: Any = None, **kwargs: Any) -> None:
        """One call; ``params`` in ``kwargs`` go to the query string."""
        self.add(Call(label, method, path, body=body, **kwargs))
