"""Optional dependencies ("extras"): import one, or fail with a one-line install hint.

``import_extra("pandas", "pandas", "search_runs")`` returns the module, or raises
:class:`MissingExtra`: ``search_runs needs pandas: install 'heron[pandas]'``. The error is a
:class:`HeronError` (the CLI prints ``Error: <message>``, exit 1) and an ``ImportError`` (code
catching that keeps working). A script that does not catch it ends with that one line on
stderr (``Error: ...``), not a traceback.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType, TracebackType

from heron.exceptions import HeronError


class MissingExtra(HeronError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def _excepthook(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    if isinstance(error, MissingExtra):
        print(f"Error: {error.message}", file=sys.stderr)
        return
    _previous_hook(kind, error, traceback)


_previous_hook = sys.excepthook


def _install_hook() -> None:
    global _previous_hook
    if sys.excepthook is not _excepthook:
        _previous_hook = sys.excepthook
        sys.excepthook = _excepthook


def import_extra(module: str, extra: str, purpose: str, package: str | None = None) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtra` naming ``heron[<extra>]``.

    Args:
        module: The module to import, e.g. ``"psycopg"``.
        extra: Heron's extra that installs it, e.g. ``"postgres"``.
        purpose: What needs it, for the message, e.g. ``"A postgresql:// store"``.
        package: The distribution's name when it differs from the module's (for the message).

    Raises:
        MissingExtra: ``<purpose> needs <package>: install 'heron[<extra>]'``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        missing = error.name or module
        if missing.split(".")[0] != module.split(".", maxsplit=1)[0]:
            raise  # the module is there but something it imports is broken: keep the detail
        _install_hook()
        name = package or module.split(".", maxsplit=1)[0]
        raise MissingExtra(
            f"{purpose} needs {name}, which is not installed: pip install 'heron[{extra}]'"
        ) from None
