"""The public names of a package's classic modules: argv[1] is ``mlflow`` or ``heron``.

For each module (``""`` is the package itself): its ``__all__`` when it declares one, else
the functions and classes it defines (``__module__`` inside that module), or, for the tag
constants module, its upper-case string constants; for the environment variables module, its
``MLFLOW_*`` variables. The package itself adds the flavor
submodules its ``dir()`` lists. Prints ``{module: [names] | null}`` as JSON on one line
(null: the module does not import).
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
import types

PACKAGE = sys.argv[1]
MODULES = (
    "",
    "client",
    "tracking",
    "entities",
    "models",
    "pyfunc",
    "artifacts",
    "exceptions",
    "utils.mlflow_tags",
    "sklearn",
    "data",
    "types",
    "config",
    "metrics",
    "environment_variables",
)


def defined_names(module: types.ModuleType) -> set[str]:
    """Functions and classes that ``module`` (or a submodule of it) defines."""
    names = set()
    parts = module.__name__.split(".")
    for name in dir(module):
        if name.startswith("_"):
            continue
        value = getattr(module, name, None)
        owner = getattr(value, "__module__", None)
        defines = inspect.isfunction(value) or inspect.isclass(value)
        if defines and isinstance(owner, str) and owner.split(".")[: len(parts)] == parts:
            names.add(name)
    return names


def public_names(short: str) -> list[str] | None:
    """The public names of ``<package>.<short>``, or None when it does not import."""
    full = PACKAGE if not short else f"{PACKAGE}.{short}"
    try:
        module = importlib.import_module(full)
    except ImportError:
        return None
    declared = getattr(module, "__all__", None)
    if short == "environment_variables":
        names = {n for n in dir(module) if n.startswith("MLFLOW_")}
    elif short == "utils.mlflow_tags":
        names = {n for n in dir(module) if n.isupper() and isinstance(getattr(module, n), str)}
    elif declared is not None:
        names = {n for n in declared if not n.startswith("_")}
    else:
        names = defined_names(module)
    if not short:
        for name in dir(module):
            value = getattr(module, name, None) if not name.startswith("_") else None
            lazy = type(value).__name__ == "LazyLoader"
            if isinstance(value, types.ModuleType) or lazy:
                names.add(name)
    return sorted(names)


print(json.dumps({short: public_names(short) for short in MODULES}))
