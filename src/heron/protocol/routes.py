"""A route of the REST contract: one RPC, its HTTP method(s) and path, request and response.

The server serves every route at ``/api/<version>.0<path>`` and ``/ajax-api/<version>.0<path>``;
clients call ``/api/<version>.0<path>`` with ``methods[0]``. ``{name}`` segments of a path
are path parameters: request fields taken from the URL.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from heron.protocol.schema import Field, Message

_PATH_PARAM = re.compile(r"\{(\w+)\}")

MLFLOW_VERSION = "3.17.2"
"""The MLflow release whose REST API this contract follows; a server's ``/version`` says so,
because MLflow's client gates features on that version."""


class Retry(enum.Enum):
    """Whether a client may send a call again after a failure.

    SAFE calls (reads, searches and writes the stores de-duplicate) are retried on
    connection errors, 429 and 5xx; ONCE calls (creates and writes whose repetition would
    answer differently) only when the connection was refused, so nothing was sent.
    """

    SAFE = "safe"
    ONCE = "once"


@dataclass(frozen=True)
class Route:
    """One RPC of the REST API.

    Attributes:
        name: The RPC's name, e.g. ``CreateExperiment``.
        methods: HTTP methods served; clients use the first.
        path: The path under ``/api/<version>.0``, e.g. ``/mlflow/experiments/create``.
        request: The request message (query parameters for GET, a JSON body otherwise).
        response: The response message.
        version: The API major version in the URL prefix (2 for classic tracking).
        retry: The client's retry policy.
        tag: The OpenAPI tag grouping this route.
        summary: One line for the OpenAPI document.
    """

    name: str
    methods: tuple[str, ...]
    path: str
    request: Message
    response: Message
    version: int = 2
    retry: Retry = Retry.SAFE
    tag: str = "Tracking"
    summary: str = ""

    @property
    def method(self) -> str:
        """The method clients send."""
        return self.methods[0]

    @property
    def url(self) -> str:
        """The path clients call: ``/api/<version>.0<path>``."""
        return f"/api/{self.version}.0{self.path}"

    @property
    def path_params(self) -> tuple[str, ...]:
        """Names of the fields carried in the URL path."""
        return tuple(_PATH_PARAM.findall(self.path))

    def url_for(self, values: dict[str, object]) -> str:
        """The URL with path parameters filled in from ``values`` (percent-encoded)."""
        from urllib.parse import quote

        return _PATH_PARAM.sub(lambda m: quote(str(values[m.group(1)]), safe=""), self.url)


def rpc(
    name: str,
    methods: str | tuple[str, ...],
    path: str,
    request: tuple[Field, ...] = (),
    response: tuple[Field, ...] = (),
    *,
    version: int = 2,
    retry: Retry = Retry.SAFE,
    tag: str = "Tracking",
    summary: str = "",
) -> Route:
    """A route whose request and response messages are made from field lists."""
    return Route(
        name=name,
        methods=(methods,) if isinstance(methods, str) else methods,
        path=path,
        request=Message(f"{name}Request", request),
        response=Message(f"{name}Response", response),
        version=version,
        retry=retry,
        tag=tag,
        summary=summary,
    )
