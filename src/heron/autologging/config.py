"""Each autologging integration's configuration: the options its last ``autolog()`` call set.

The table is process-wide (MLflow keeps one too): a flavor's ``autolog(...)`` call records
its options here, and every patched method reads them at call time, so calling ``autolog``
again (or with ``disable=True``) changes the behaviour of patches already installed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_configs: dict[str, dict[str, Any]] = {}


def set_autologging_config(integration: str, options: Mapping[str, Any]) -> None:
    """Record the options of an integration's latest ``autolog`` call.

    Args:
        integration: The flavor name, e.g. ``sklearn``.
        options: Every argument of that call, defaults included.
    """
    with _lock:
        _configs[integration] = dict(options)


def get_autologging_config(integration: str, key: str, default: Any = None) -> Any:
    """One option of an integration's latest ``autolog`` call.

    Args:
        integration: The flavor name.
        key: The option, e.g. ``log_models``.
        default: Returned when autolog was never called or the option is absent.
    """
    with _lock:
        return _configs.get(integration, {}).get(key, default)


def autologging_config(integration: str) -> dict[str, Any]:
    """A copy of every option of an integration's latest ``autolog`` call (empty if none)."""
    with _lock:
        return dict(_configs.get(integration, {}))


def autologging_is_disabled(integration: str) -> bool:
    """Whether the integration is off: never enabled, or last called with ``disable=True``."""
    with _lock:
        config = _configs.get(integration)
    return config is None or bool(config.get("disable", False))


def configured_integrations() -> list[str]:
    """Names of the integrations whose ``autolog`` was called at least once."""
    with _lock:
        return sorted(_configs)


_disabled_depth = 0


@contextmanager
def disable_autologging() -> Iterator[None]:
    """Every patched call inside the block runs unpatched, for all integrations and threads
    (MLflow's ``disable_autologging``: ``cross_val_score`` fits its folds this way)."""
    global _disabled_depth
    with _lock:
        _disabled_depth += 1
    try:
        yield
    finally:
        with _lock:
            _disabled_depth -= 1


def autologging_globally_disabled() -> bool:
    """Whether a :func:`disable_autologging` block is running."""
    return _disabled_depth > 0
