"""The ``autologging_integration`` decorator every flavor's ``autolog`` function wears.

It turns a flavor's ``autolog(log_models=True, ..., disable=False, exclusive=False,
disable_for_unsupported_versions=False, silent=False, ...)`` into MLflow's contract: the call's
arguments (defaults included) become the integration's configuration, ``disable=True``
reverts every patch, an unsupported library version is refused when asked to be, calling it
again replaces the previous patches, and a failure while installing patches is a warning,
never an exception in the user's script.
"""

from __future__ import annotations

import functools
import inspect
import logging
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from heron.autologging.config import set_autologging_config
from heron.autologging.patching import revert_patches
from heron.autologging.versions import installed_version, is_supported_version
from heron.exceptions import HeronError

_logger = logging.getLogger(__name__)

GLOBALLY_CONFIGURED = "globally_configured"
"""Config key: True when the options came from ``heron.autolog`` rather than the flavor's own
``autolog`` (an explicit flavor call wins over later ``heron.autolog`` calls)."""

F = TypeVar("F", bound=Callable[..., Any])


def _unsupported(name: str, options: dict[str, Any]) -> bool:
    if not options.get("disable_for_unsupported_versions", False):
        return False
    version = installed_version(name)
    if version is None or is_supported_version(name, version):
        return False
    if not options.get("silent", False):
        warnings.warn(
            f"Autologging is disabled for {name} version {version}: it is outside the range "
            "Heron's autologging supports (disable_for_unsupported_versions=True).",
            stacklevel=3,
        )
    return True


def autologging_integration(name: str) -> Callable[[F], F]:
    """Make a flavor's ``autolog`` function an autologging integration called ``name``.

    The decorated function only installs patches (with :func:`~heron.autologging.safe_patch`);
    the decorator records its options, reverts previous patches first and handles ``disable``
    and ``disable_for_unsupported_versions``.

    Args:
        name: The integration's name, MLflow's flavor name (``sklearn``, ``pytorch``, ...).
    """

    def decorator(autolog: F) -> F:
        signature = inspect.signature(autolog)

        @functools.wraps(autolog)
        def configured(*args: Any, **kwargs: Any) -> Any:
            globally = bool(kwargs.pop(GLOBALLY_CONFIGURED, False))
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            options = dict(bound.arguments)
            options[GLOBALLY_CONFIGURED] = globally
            revert_patches(name)
            if _unsupported(name, options):
                options["disable"] = True
            set_autologging_config(name, options)
            if options.get("disable", False):
                return None
            try:
                return autolog(*bound.args, **bound.kwargs)
            except HeronError:
                revert_patches(name)
                raise  # the user's options are wrong: say so, as MLflow does
            except Exception as error:
                revert_patches(name)
                message = f"Exception raised while enabling autologging for {name}: {error}"
                if options.get("silent", False):
                    _logger.debug(message, exc_info=error)
                else:
                    warnings.warn(message, stacklevel=2)
                return None

        configured.__heron_integration__ = name  # type: ignore[attr-defined]
        return configured  # type: ignore[return-value]

    return decorator
