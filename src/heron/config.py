"""Every setting Heron reads, typed, in one place.

A setting's value comes from, in order: the argument a caller passes, the ``HERON_<NAME>``
environment variable, the ``MLFLOW_<NAME>`` variable (so an MLflow user's environment keeps
working), then the default here. Read settings through :meth:`Setting.get` at the moment
they are needed, never at import time, so tests and users can change the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T", str, int, float, bool)

_TRUE = {"1", "true", "yes", "on"}

# Settings are read on hot paths (every fluent log_metric reads a few), and a miss through
# ``os.environ.get`` raises and catches a KeyError inside ``os``: reading the environment's
# own dictionary is ~10x cheaper and sees every change made through ``os.environ``.
_ENV_DATA: dict[object, object] | None = getattr(os.environ, "_data", None)
_ENV_ENCODE = getattr(os.environ, "encodekey", None)
_ENV_DECODE = getattr(os.environ, "decodevalue", None)


def _getenv(name: str) -> str | None:
    if _ENV_DATA is None or _ENV_ENCODE is None or _ENV_DECODE is None:
        return os.environ.get(name)
    value = _ENV_DATA.get(_ENV_ENCODE(name))
    return None if value is None else str(_ENV_DECODE(value))


_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: read from an argument, ``HERON_<name>``, ``MLFLOW_<name>``, or default."""

    name: str
    default: T | None
    kind: type[T]
    doc: str

    @property
    def env_names(self) -> tuple[str, str]:
        """The two environment variables that can set this, the Heron one first."""
        return f"HERON_{self.name}", f"MLFLOW_{self.name}"

    def raw(self) -> str | None:
        """The environment's text for this setting, or None when neither variable is set."""
        for env in self.env_names:
            value = _getenv(env)
            if value is not None:
                return value
        return None

    def is_set(self) -> bool:
        """Whether either environment variable is set."""
        return self.raw() is not None

    def get(self, argument: T | None = None) -> T | None:
        """The effective value: ``argument`` if given, else the environment, else default."""
        if argument is not None:
            return argument
        text = self.raw()
        if text is None:
            return self.default
        return self._convert(text)

    def _convert(self, text: str) -> T:
        from heron.exceptions import InvalidParameter

        kind: type = self.kind
        try:
            if kind is bool:
                lowered = text.strip().lower()
                if lowered in _TRUE:
                    return True  # type: ignore[return-value]
                if lowered in _FALSE:
                    return False  # type: ignore[return-value]
                raise ValueError(text)
            return kind(text)  # type: ignore[no-any-return]
        except ValueError:
            raise InvalidParameter(
                f"Environment variable {self.env_names[0]} / {self.env_names[1]} must be "
                f"a {kind.__name__}, got {text!r}"
            ) from None


def _s(name: str, default: T | None, kind: type[T], doc: str) -> Setting[T]:
    setting = Setting(name, default, kind, doc)
    ALL[name] = setting
    return setting


ALL: dict[str, Setting] = {}  # type: ignore[type-arg]

DEFAULT_TRACKING_URI = "sqlite:///heron.db"
DEFAULT_ARTIFACT_ROOT = "./heron-artifacts"
DEFAULT_AWAIT_MAX_SLEEP_SECONDS = 300
"""How long ``create_model_version`` waits for a version to become READY by default (here,
not in the registry client, so that ``log_model`` signatures cost no registry imports)."""

TRACKING_URI = _s("TRACKING_URI", None, str, "Where runs are stored (default sqlite:///heron.db).")
REGISTRY_URI = _s("REGISTRY_URI", None, str, "Model registry store; defaults to TRACKING_URI.")
DEFAULT_ARTIFACT_ROOT_SETTING = _s(
    "DEFAULT_ARTIFACT_ROOT",
    DEFAULT_ARTIFACT_ROOT,
    str,
    "Root under which new experiments keep artifacts when the store is a database.",
)
EXPERIMENT_NAME = _s("EXPERIMENT_NAME", None, str, "Experiment the fluent API uses by default.")
EXPERIMENT_ID = _s("EXPERIMENT_ID", None, str, "Experiment id the fluent API uses by default.")
RUN_ID = _s("RUN_ID", None, str, "Run that start_run() resumes.")
RUN_CONTEXT = _s("RUN_CONTEXT", None, str, "JSON object of tags every new run gets.")
TRACKING_USERNAME = _s("TRACKING_USERNAME", None, str, "HTTP basic auth user.")
TRACKING_PASSWORD = _s("TRACKING_PASSWORD", None, str, "HTTP basic auth password.")
TRACKING_TOKEN = _s("TRACKING_TOKEN", None, str, "Bearer token for a tracking server.")
TRACKING_INSECURE_TLS = _s("TRACKING_INSECURE_TLS", False, bool, "Skip TLS verification.")
TRACKING_SERVER_CERT_PATH = _s("TRACKING_SERVER_CERT_PATH", None, str, "CA bundle path.")
HTTP_REQUEST_MAX_RETRIES = _s("HTTP_REQUEST_MAX_RETRIES", 7, int, "Retries of safe calls.")
HTTP_REQUEST_BACKOFF_FACTOR = _s("HTTP_REQUEST_BACKOFF_FACTOR", 2.0, float, "Backoff factor.")
HTTP_REQUEST_TIMEOUT = _s("HTTP_REQUEST_TIMEOUT", 120.0, float, "Seconds per HTTP request.")
TRUNCATE_LONG_VALUES = _s(
    "TRUNCATE_LONG_VALUES", True, bool, "Truncate over-long param/tag values instead of failing."
)
ENABLE_ASYNC_LOGGING = _s("ENABLE_ASYNC_LOGGING", False, bool, "Log metrics asynchronously.")
SUPPRESS_PRINTING_URL_TO_STDOUT = _s(
    "SUPPRESS_PRINTING_URL_TO_STDOUT",
    False,
    bool,
    "Do not print a run's and its experiment's UI links when it ends on a tracking server.",
)
SQLITE_BUSY_TIMEOUT = _s(
    "SQLITE_BUSY_TIMEOUT", 60.0, float, "Seconds a SQLite writer waits for another to finish."
)
SQLALCHEMYSTORE_POOL_SIZE = _s("SQLALCHEMYSTORE_POOL_SIZE", 5, int, "SQL connection pool size.")
S3_ENDPOINT_URL = _s(
    "S3_ENDPOINT_URL", None, str, "Endpoint of an S3-compatible store (MinIO, moto, ...)."
)
S3_IGNORE_TLS = _s("S3_IGNORE_TLS", False, bool, "Skip TLS certificate checks towards S3.")
S3_UPLOAD_EXTRA_ARGS = _s(
    "S3_UPLOAD_EXTRA_ARGS", None, str, "JSON object of extra S3 upload arguments (SSE, ACL...)."
)
ENABLE_ARTIFACTS_PROGRESS_BAR = _s(
    "ENABLE_ARTIFACTS_PROGRESS_BAR", True, bool, "Show progress for long artifact transfers."
)
CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX = _s(
    "CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX",
    None,
    str,
    "A server refuses model version sources this regular expression does not match.",
)
ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES = _s(
    "ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES",
    "",
    str,
    "Comma-separated host-addressed schemes (http, https, ftp, ...) a server connects to on "
    "any host; by default only the hosts of its own artifact root and destination.",
)
SERVER_IDEMPOTENCY_WINDOW = _s(
    "SERVER_IDEMPOTENCY_WINDOW",
    120.0,
    float,
    "Seconds an identical create from the same MLflow client is answered as a retry (0: off).",
)

AUTH_CONFIG_PATH = _s(
    "AUTH_CONFIG_PATH", None, str, "The basic-auth app's configuration file (basic_auth.ini)."
)
AUTH_ADMIN_USERNAME = _s("AUTH_ADMIN_USERNAME", None, str, "The basic-auth app's admin user.")
AUTH_ADMIN_PASSWORD = _s(
    "AUTH_ADMIN_PASSWORD", None, str, "Password the basic-auth app's admin user is created with."
)

ENV_ROOT = _s("ENV_ROOT", None, str, "Where built environments are cached (default ~/.heron/envs).")


def tracking_uri(argument: str | None = None) -> str:
    """The effective tracking URI: argument, then environment, then the default."""
    value = TRACKING_URI.get(argument)
    return value if value else default_tracking_uri()


LEGACY_MLRUNS_FOLDER = "mlruns"


def default_tracking_uri() -> str:
    """``sqlite:///heron.db``; but ``mlruns`` when there is no ``./heron.db`` and ``./mlruns``
    holds MLflow experiments, as MLflow 3 keeps an existing ``./mlruns`` as its default, so
    a project switching to Heron keeps logging where its runs already are."""
    if os.path.exists("heron.db") or not _holds_mlflow_experiments(LEGACY_MLRUNS_FOLDER):
        return DEFAULT_TRACKING_URI
    return LEGACY_MLRUNS_FOLDER


def _holds_mlflow_experiments(folder: str) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(
                entry.is_dir()
                and entry.name.isdigit()
                and os.path.lexists(f"{entry.path}/meta.yaml")
                for entry in entries
            )
    except OSError:
        return False


def registry_uri(argument: str | None = None, tracking: str | None = None) -> str:
    """The effective registry URI, which defaults to the tracking URI."""
    value = REGISTRY_URI.get(argument)
    return value if value else tracking_uri(tracking)


SCORING_SERVER_REQUEST_TIMEOUT = _s(
    "SCORING_SERVER_REQUEST_TIMEOUT", 60.0, float, "Seconds a scoring request may take (504)."
)
SCORING_SERVER_MAX_BODY_SIZE = _s(
    "SCORING_SERVER_MAX_BODY_SIZE",
    64 * 1024 * 1024,
    int,
    "Largest /invocations request body in bytes (larger ones get 400).",
)


# MLflow's ``mlflow.config`` functions (``heron.config.set_tracking_uri(...)``, ...). The URI
# functions live in the tracking layer above this module, so they are looked up when called.
def _session() -> Any:
    import importlib

    return importlib.import_module("heron.tracking.session")


def get_tracking_uri() -> str:
    """The tracking URI in use (see :func:`heron.get_tracking_uri`)."""
    return str(_session().get_tracking_uri())


def set_tracking_uri(uri: str | os.PathLike[str]) -> None:
    """Set the tracking URI for this process (see :func:`heron.set_tracking_uri`)."""
    _session().set_tracking_uri(uri)


def is_tracking_uri_set() -> bool:
    """Whether a tracking URI was set by ``set_tracking_uri`` or the environment."""
    return bool(_session().is_tracking_uri_set())


def get_registry_uri() -> str:
    """The model registry URI in use (see :func:`heron.get_registry_uri`)."""
    return str(_session().get_registry_uri())


def set_registry_uri(uri: str | os.PathLike[str]) -> None:
    """Set the model registry URI for this process (see :func:`heron.set_registry_uri`)."""
    _session().set_registry_uri(uri)


def enable_async_logging(enable: bool = True) -> None:
    """Log metrics, params and tags asynchronously from now on (or stop, with False).

    Sets ``MLFLOW_ENABLE_ASYNC_LOGGING`` (and drops ``HERON_ENABLE_ASYNC_LOGGING``, which
    would take precedence), as MLflow's ``mlflow.config.enable_async_logging`` does.
    """
    os.environ.pop(ENABLE_ASYNC_LOGGING.env_names[0], None)
    os.environ[ENABLE_ASYNC_LOGGING.env_names[1]] = str(enable)
