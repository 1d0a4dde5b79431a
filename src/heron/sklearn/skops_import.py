"""Importing ``skops.io`` cheaply: what makes a skops model slow to load is skops itself.

At import, ``skops.io`` lists every scikit-learn estimator (its default trusted types) with
``sklearn.utils.all_estimators()``, which imports every module of scikit-learn, and walking
the packages imports the vendored ``sklearn.externals.array_api_compat.torch``, which
imports PyTorch when it is installed: 5-10 s before the first prediction of a model that
takes 2 ms to load. The list only depends on the installed scikit-learn, so it is computed
once (with PyTorch kept out: no estimator lives there) and kept in a small cache file keyed
by the scikit-learn and skops versions and locations; later imports read the names from it
and hand skops stand-in classes carrying exactly those names. skops only keeps the names
(``module.Class`` strings compared with the file's types), so what it trusts is unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.abc
import importlib.machinery
import json
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

_logger = logging.getLogger(__name__)
_lock = threading.Lock()

CACHE_DIR_ENV = "HERON_SKOPS_CACHE_DIR"


def cache_dir() -> str:
    """Where the estimator names are cached: ``$HERON_SKOPS_CACHE_DIR`` or ~/.heron/cache."""
    configured = os.environ.get(CACHE_DIR_ENV)
    return configured or os.path.join(os.path.expanduser("~"), ".heron", "cache")


def import_skops_io() -> ModuleType:
    """Import and return ``skops.io``, without importing all of scikit-learn or PyTorch.

    Returns:
        The ``skops.io`` module, exactly as a plain import gives it.
    """
    loaded = sys.modules.get("skops.io")
    if loaded is not None:
        return loaded
    with _lock:
        loaded = sys.modules.get("skops.io")
        if loaded is not None:
            return loaded
        path = _cache_path()
        names = _read_names(path) if path else None
        if names is None:
            with _torch_kept_out():
                import skops.io

            if path:
                _write_names(path, skops.io._trusted_types.SKLEARN_ESTIMATOR_TYPE_NAMES)
            return sys.modules["skops.io"]
        import sklearn.utils

        real = sklearn.utils.all_estimators
        sklearn.utils.all_estimators = _named_stand_ins(names)
        try:
            import skops.io
        finally:
            sklearn.utils.all_estimators = real
        return sys.modules["skops.io"]


def _cache_path() -> str | None:
    try:
        from importlib.metadata import version

        import sklearn

        key = f"{sklearn.__version__}|{sklearn.__file__}|{version('skops')}|{sys.version}"
    except Exception as error:  # a broken installation: let the plain import report it
        _logger.debug("No skops cache key: %s", error)
        return None
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return os.path.join(cache_dir(), f"skops-estimators-{digest}.json")


def _read_names(path: str) -> list[str] | None:
    try:
        with open(path, encoding="utf-8") as f:
            names = json.load(f)
    except (OSError, ValueError):
        return None
    if (
        not isinstance(names, list)
        or not names
        or not all(isinstance(n, str) and n.startswith("sklearn.") for n in names)
    ):
        return None
    return names


def _write_names(path: str, names: Sequence[str]) -> None:
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=directory, prefix=".skops-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(list(names), f)
            os.replace(partial, path)
        except BaseException:
            os.unlink(partial)
            raise
    except OSError as error:  # a read-only home: every import pays the full price
        _logger.debug("Could not cache skops' estimator names in %s: %s", directory, error)


def _named_stand_ins(names: Sequence[str]) -> Any:
    def all_estimators(type_filter: object = None) -> list[tuple[str, type]]:
        stand_ins = []
        for full_name in names:
            module, _, name = full_name.rpartition(".")
            stand_ins.append((name, type(name, (), {"__module__": module})))
        return stand_ins

    return all_estimators


class _KeepTorchOut(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "torch" or fullname.startswith("torch."):
            raise ImportError(f"{fullname} is not needed to list scikit-learn's estimators")
        return None


@contextlib.contextmanager
def _torch_kept_out() -> Iterator[None]:
    """While skops lists scikit-learn's modules, PyTorch imports fail (unless already done)."""
    if "torch" in sys.modules:
        yield
        return
    finder = _KeepTorchOut()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
