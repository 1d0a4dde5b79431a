"""What a server serves and how: the options of ``heron server``, as one value.

The CLI builds :class:`ServerSettings` from its options; worker processes (``--workers``
above 1) receive them through ``HERON_SERVER_*`` environment variables
(:meth:`ServerSettings.to_env` / :meth:`ServerSettings.from_env`).
"""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

from heron import config

ENV_PREFIX = "HERON_SERVER_"
PROXIED_ARTIFACT_ROOT = "mlflow-artifacts:/"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "0.0.0.0")
WILDCARD_BINDS = ("0.0.0.0", "::", "[::]")
PRIVATE_HOSTS = (
    "10.*",
    "192.168.*",
    *(f"172.{i}.*" for i in range(16, 32)),
    "fc00:*",
    "fd00:*",
)


@dataclass(frozen=True)
class ServerSettings:
    """A server's configuration.

    Attributes:
        backend_store_uri: The tracking store (``sqlite:///heron.db`` by default).
        registry_store_uri: The model registry's store; None means the backend store.
        default_artifact_root: Artifact root of new experiments; by default
            ``mlflow-artifacts:/`` when serving artifacts, else ``./heron-artifacts``.
        serve_artifacts: Serve the artifact proxy (``/api/2.0/mlflow-artifacts/...``).
        artifacts_destination: Where proxied artifacts are stored (a path or URI).
        artifacts_only: Serve only the artifact proxy; tracking routes answer 503.
        static_prefix: A path prefix for every route, e.g. ``/heron``.
        host: The address the server binds (allowed as a Host header).
        port: The port the server listens on (None when not known: an embedded app).
        allowed_hosts: Host header patterns accepted; empty means localhost names,
            private addresses and ``host``. ``*`` accepts any.
        cors_allowed_origins: Origins allowed to make state-changing cross-origin
            requests, besides localhost ones; ``*`` allows any.
        app_name: ``basic-auth`` turns on authentication and permissions
            (:mod:`heron.auth`); empty serves everyone.
        x_frame_options: The ``X-Frame-Options`` header of every response (``SAMEORIGIN``,
            ``DENY``); ``NONE`` sends none.
        security_middleware: False drops the Host check, the cross-origin checks and the
            security headers (``--disable-security-middleware``; for testing only).
    """

    backend_store_uri: str = config.DEFAULT_TRACKING_URI
    registry_store_uri: str | None = None
    default_artifact_root: str | None = None
    serve_artifacts: bool = True
    artifacts_destination: str = config.DEFAULT_ARTIFACT_ROOT
    artifacts_only: bool = False
    static_prefix: str = ""
    host: str = "127.0.0.1"
    port: int | None = None
    allowed_hosts: tuple[str, ...] = ()
    cors_allowed_origins: tuple[str, ...] = ()
    app_name: str = ""
    x_frame_options: str = "SAMEORIGIN"
    security_middleware: bool = True

    def __post_init__(self) -> None:
        prefix = self.static_prefix.strip()
        if prefix:
            prefix = "/" + prefix.strip("/")
        object.__setattr__(self, "static_prefix", prefix)

    @property
    def artifact_root(self) -> str:
        """The default artifact root new experiments get."""
        if self.default_artifact_root:
            return self.default_artifact_root
        if self.serve_artifacts:
            return PROXIED_ARTIFACT_ROOT
        return config.DEFAULT_ARTIFACT_ROOT

    def host_patterns(self) -> tuple[str, ...]:
        """The Host header patterns accepted: exact names, or fnmatch patterns with ``*``."""
        if self.allowed_hosts:
            return self.allowed_hosts
        names = [*LOCAL_HOSTS, _bracketed(self.host)]
        if self.host in WILDCARD_BINDS:
            names.append(socket.gethostname())
        with_port = [name.replace("[", "[[]", 1) + ":*" for name in names]
        return tuple(dict.fromkeys([*names, *with_port, *PRIVATE_HOSTS]))

    def to_env(self) -> dict[str, str]:
        """These settings as ``HERON_SERVER_*`` environment variables."""
        env: dict[str, str] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if value is None:
                continue
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, tuple):
                text = ",".join(value)
            else:
                text = str(value)
            env[ENV_PREFIX + item.name.upper()] = text
        return env

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        """Settings from ``HERON_SERVER_*`` variables (defaults for those unset)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for item in dataclasses.fields(cls):
            text = environ.get(ENV_PREFIX + item.name.upper())
            if text is None:
                continue
            default = item.default
            if isinstance(default, bool):
                values[item.name] = text.strip().lower() in ("1", "true", "yes", "on")
            elif item.name == "port":
                values[item.name] = int(text) if text.strip().isdigit() else None
            elif isinstance(default, tuple):
                values[item.name] = split_list(text)
            else:
                values[item.name] = text
        return cls(**values)  # type: ignore[arg-type]


def _bracketed(host: str) -> str:
    """An IPv6 address as it appears in a Host header: ``[::1]``."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def split_list(text: str | None) -> tuple[str, ...]:
    """``"a, b,,c"`` as ``("a", "b", "c")``."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())
