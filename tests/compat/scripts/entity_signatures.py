"""The constructor parameters of a package's entities: argv[1] is ``mlflow`` or ``heron``.

Prints ``{class name: [parameter name, ...]}`` (``*args``/``**kwargs`` left out) for every
class ``<package>.entities`` exports (for MLflow, ``mlflow.entities.model_registry``'s too),
as JSON on one line.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys

module = importlib.import_module(f"{sys.argv[1]}.entities")
names = set(getattr(module, "__all__", dir(module)))
if sys.argv[1] == "mlflow":  # MLflow keeps the registry's entities in a submodule
    registry = importlib.import_module("mlflow.entities.model_registry")
    names |= set(registry.__all__)
    module.__dict__.update({n: getattr(registry, n) for n in registry.__all__})
signatures = {}
for name in sorted(names):
    value = getattr(module, name, None)
    if not inspect.isclass(value):
        continue
    try:
        parameters = inspect.signature(value).parameters.values()
    except (TypeError, ValueError):
        continue
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    signatures[name] = [p.name for p in parameters if p.kind not in variadic]
print(json.dumps(signatures))
