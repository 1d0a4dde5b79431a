"""Post-import hooks: run a callback when a module is first imported (or now, if it was).

``heron.autolog()`` enables an integration for a library the script has not imported yet by
hooking its import, so ``heron.autolog()`` placed before ``import sklearn`` still works, and
an uninstalled or unused library is never imported by Heron.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

_lock = threading.RLock()
_hooks: dict[str, list[Callable[[ModuleType], None]]] = {}


def _fire(name: str) -> None:
    with _lock:
        callbacks = _hooks.pop(name, [])
    module = sys.modules.get(name)
    if module is None:
        return
    for callback in callbacks:
        callback(module)


class _HookedLoader(importlib.abc.Loader):
    def __init__(self, loader: Any, name: str):
        self._loader = loader
        self._name = name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _fire(self._name)


class _HookFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        with _lock:
            if fullname not in _hooks:
                return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _HookedLoader(spec.loader, fullname)
                return spec
        return None


_finder = _HookFinder()


def when_imported(module_name: str, callback: Callable[[ModuleType], None]) -> None:
    """Call ``callback(module)`` once ``module_name`` is imported: now if it already is.

    Args:
        module_name: A top-level module name, e.g. ``sklearn``.
        callback: Called with the module object.
    """
    module = sys.modules.get(module_name)
    if module is not None:
        callback(module)
        return
    with _lock:
        _hooks.setdefault(module_name, []).append(callback)
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)
