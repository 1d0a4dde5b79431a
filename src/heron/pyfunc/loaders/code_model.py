"""``_load_pyfunc`` for models from code (MLflow's ``mlflow.pyfunc.loaders.code_model``)."""

from __future__ import annotations

import os
from typing import Any

from heron.models.model import Model
from heron.models.model_config import model_config_set
from heron.pyfunc.code_model import MODEL_CODE_PATH, as_python_model, run_model_code
from heron.pyfunc.model import PYFUNC_FLAVOR, PythonModelWrapper
from heron.pyfunc.python_model import PythonModelContext


def _load_pyfunc(local_path: str, model_config: dict[str, Any] | None = None) -> Any:
    """Run the model's copied code file and wrap the model it sets.

    Args:
        local_path: The model directory.
        model_config: The configuration (the saved one, with load-time overrides applied).
    """
    conf = Model.load(local_path).flavors.get(PYFUNC_FLAVOR, {})
    if model_config is None:
        model_config = conf.get("config")
    path = os.path.join(local_path, os.path.basename(str(conf[MODEL_CODE_PATH])))
    with model_config_set(model_config):
        python_model = as_python_model(run_model_code(path))
    artifacts = {
        name: os.path.abspath(os.path.join(local_path, entry["path"]))
        for name, entry in (conf.get("artifacts") or {}).items()
    }
    context = PythonModelContext(artifacts=artifacts, model_config=model_config)
    python_model.load_context(context)
    return PythonModelWrapper(python_model, context)
