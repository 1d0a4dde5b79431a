"""The fluent API's process state: tracking and registry URIs and the active experiment.

The active-run stack is per thread (as in MLflow 3); URIs and the active experiment are per
process. :func:`reset` puts everything back as a fresh interpreter has it (tests use it).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from heron import config

if TYPE_CHECKING:
    from heron.tracking.client import MlflowClient
    from heron.tracking.fluent_runs import ActiveRun


class _RunStack(threading.local):
    """Each thread's stack of active runs and the id of the run it ended last."""

    def __init__(self) -> None:
        self.runs: list[ActiveRun] = []
        self.last_run_id: str | None = None


class _Session:
    """Module-level state, kept in one object so :func:`reset` can clear it in one place."""

    def __init__(self) -> None:
        self.tracking_uri: str | None = None
        self.registry_uri: str | None = None
        self.active_experiment_id: str | None = None
        self.saved_env: dict[str, str | None] = {}
        self.lock = threading.RLock()
        self.stack = _RunStack()
        self.exit_hook_registered = False
        self.client: tuple[tuple[str, str, str, str | None], MlflowClient] | None = None


_state = _Session()


def state() -> _Session:
    """The fluent API's state (internal: for the fluent modules)."""
    return _state


def export(setting: config.Setting[str], value: str | None) -> None:
    """Mirror a setting into ``HERON_<NAME>`` so subprocesses inherit it, as MLflow does.

    Args:
        setting: The setting whose Heron variable to set.
        value: The new value; None restores the variable as it was before the first export.
    """
    name = setting.env_names[0]
    if name not in _state.saved_env:
        _state.saved_env[name] = os.environ.get(name)
    if value is not None:
        os.environ[name] = value
    else:
        _restore_env(name)


def _restore_env(name: str) -> None:
    previous = _state.saved_env.pop(name, None)
    if previous is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = previous


def set_tracking_uri(uri: str | os.PathLike[str]) -> None:
    """Set where runs are stored for this process and its subprocesses.

    Args:
        uri: A store URI such as ``sqlite:///heron.db`` or ``postgresql://...``. An empty
            string forgets the URI set before, so the environment or the default applies.
    """
    text = os.fspath(uri)
    _state.tracking_uri = text or None
    export(config.TRACKING_URI, _state.tracking_uri)


def get_tracking_uri() -> str:
    """The URI set with :func:`set_tracking_uri`, else the environment, else the default."""
    return config.tracking_uri(_state.tracking_uri)


def is_tracking_uri_set() -> bool:
    """Whether a tracking URI was set explicitly or through the environment."""
    return _state.tracking_uri is not None or bool(config.TRACKING_URI.get())


def set_registry_uri(uri: str | os.PathLike[str]) -> None:
    """Set where registered models are stored; an empty string falls back to the tracking URI.

    Args:
        uri: A store URI.
    """
    text = os.fspath(uri)
    _state.registry_uri = text or None
    export(config.REGISTRY_URI, _state.registry_uri)


def get_registry_uri() -> str:
    """The registry URI: set explicitly, else the environment, else the tracking URI."""
    return config.registry_uri(_state.registry_uri, _state.tracking_uri)


def client() -> MlflowClient:
    """A client for the current URIs, reused while they (and the working directory) hold.

    Every fluent call goes through here, so reuse matters: building a client resolves its
    store's URI and paths, which would cost more than logging a metric does.
    """
    key = (
        get_tracking_uri(),
        get_registry_uri(),
        os.getcwd(),  # relative sqlite paths and artifact roots depend on it
        config.DEFAULT_ARTIFACT_ROOT_SETTING.raw(),
    )
    cached = _state.client
    if cached is not None and cached[0] == key:
        return cached[1]
    from heron.tracking.client import MlflowClient

    fresh = MlflowClient(tracking_uri=key[0], registry_uri=key[1])
    _state.client = (key, fresh)
    return fresh


def reset() -> None:
    """Forget URIs, the active experiment and this thread's runs (for tests)."""
    for name in list(_state.saved_env):
        _restore_env(name)
    _state.tracking_uri = None
    _state.registry_uri = None
    _state.active_experiment_id = None
    _state.client = None
    _state.stack.runs.clear()
    _state.stack.last_run_id = None
