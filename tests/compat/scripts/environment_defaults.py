"""Each ``MLFLOW_*`` variable object of a package: argv[1] is ``mlflow`` or ``heron``.

Prints ``{attribute: [variable name, repr(default), repr(get()), honoured]}`` as JSON on one
line, read in an environment without any ``MLFLOW_``/``HERON_`` variable; ``honoured`` says
Heron reads the variable through its own settings (always false for MLflow).
"""

from __future__ import annotations

import importlib
import json
import os
import sys

for name in [n for n in os.environ if n.startswith(("MLFLOW_", "HERON_"))]:
    del os.environ[name]
module = importlib.import_module(f"{sys.argv[1]}.environment_variables")
variables = {}
for attribute in dir(module):
    if attribute.startswith("MLFLOW_"):
        variable = getattr(module, attribute)
        honoured = type(variable).__name__ == "SettingVariable"
        variables[attribute] = [
            variable.name,
            repr(variable.default),
            repr(variable.get()),
            honoured,
        ]
print(json.dumps(variables))
