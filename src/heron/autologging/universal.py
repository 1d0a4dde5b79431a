"""``heron.autolog()``: configure every autologging integration at once.

Each integration is registered with the library it patches. An integration whose library is
already imported is enabled at once; the others when their library gets imported. Options a
flavor's ``autolog`` does not take are not passed to it; a flavor configured by its own
``autolog`` call keeps that configuration.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from heron.autologging.config import autologging_config
from heron.autologging.hooks import when_imported
from heron.autologging.integration import GLOBALLY_CONFIGURED

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Integration:
    """An autologging integration ``heron.autolog`` knows.

    Attributes:
        name: MLflow's flavor name, e.g. ``sklearn``.
        flavor_module: The Heron module with the ``autolog`` function.
        library: The top-level module of the library it patches, e.g. ``sklearn``.
    """

    name: str
    flavor_module: str
    library: str


_lock = threading.Lock()
_integrations: dict[str, Integration] = {}
_hooked: set[str] = set()
_options: dict[str, Any] = {}


def register_integration(name: str, flavor_module: str, library: str) -> None:
    """Make ``heron.autolog`` enable ``flavor_module.autolog`` when ``library`` is imported.

    Args:
        name: MLflow's flavor name (the name given to ``autologging_integration``).
        flavor_module: Dotted path of the module holding ``autolog``.
        library: Top-level module of the patched library.
    """
    with _lock:
        _integrations[name] = Integration(name, flavor_module, library)


def integrations() -> list[Integration]:
    """Every registered integration, in registration order."""
    with _lock:
        return list(_integrations.values())


def _enable(integration: Integration) -> None:
    with _lock:
        options = dict(_options)
        excluded = set(options.pop("exclude_flavors", None) or ())
    if integration.name in excluded:
        return
    current = autologging_config(integration.name)
    if current and not current.get(GLOBALLY_CONFIGURED, True):
        return  # configured by the flavor's own autolog(): that wins
    try:
        module = importlib.import_module(integration.flavor_module)
    except ModuleNotFoundError as error:
        if error.name == integration.flavor_module:
            _logger.debug("No autologging for %s in this install", integration.name)
        else:
            _report(options, f"Cannot enable autologging for {integration.name}: {error}", error)
        return
    try:
        autolog = module.autolog
        accepted = inspect.signature(autolog).parameters
        kwargs = {key: value for key, value in options.items() if key in accepted}
        autolog(**kwargs, **{GLOBALLY_CONFIGURED: True})
    except Exception as error:
        message = f"Exception raised while enabling autologging for {integration.name}: {error}"
        _report(options, message, error)


def _report(options: Mapping[str, Any], message: str, error: BaseException) -> None:
    if options.get("silent", False):
        _logger.debug(message, exc_info=error)
    else:
        warnings.warn(message, stacklevel=3)


def autolog(options: Mapping[str, Any]) -> None:
    """Apply ``heron.autolog``'s options to every registered integration.

    Args:
        options: The arguments of ``heron.autolog``.
    """
    with _lock:
        _options.clear()
        _options.update(options)
        known = list(_integrations.values())
    for integration in known:
        with _lock:
            first = integration.name not in _hooked
            _hooked.add(integration.name)
        if first:
            when_imported(integration.library, _hook_for(integration))
        elif _is_imported(integration.library):
            _enable(integration)


def _is_imported(library: str) -> bool:
    import sys

    return library in sys.modules


def _hook_for(integration: Integration) -> Any:
    def hook(_module: ModuleType) -> None:
        _enable(integration)

    return hook


# The integrations Heron ships; flavor packages missing from this install are skipped with
# a warning only when their library is imported.
register_integration("sklearn", "heron.sklearn", "sklearn")
register_integration("xgboost", "heron.xgboost", "xgboost")
register_integration("lightgbm", "heron.lightgbm", "lightgbm")
register_integration("keras", "heron.keras", "keras")
register_integration("pytorch", "heron.pytorch", "lightning")
