"""``heron.pyfunc.save_model`` / ``log_model`` and the python_function flavor block."""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from heron.config import DEFAULT_AWAIT_MAX_SLEEP_SECONDS
from heron.exceptions import InvalidParameter
from heron.models.environment import python_version, write_environment
from heron.models.model import Model, ModelInfo
from heron.models.save import copy_code_paths, finish_model, model_directory
from heron.pyfunc.code_model import save_code_model
from heron.pyfunc.configuration import ModelConfigArgument, read_model_config
from heron.pyfunc.model import PYFUNC_FLAVOR, save_python_model

if TYPE_CHECKING:
    from heron.models.signature import ModelSignature

_logger = logging.getLogger(__name__)


def add_to_model(
    model: Model,
    loader_module: str,
    data: str | None = None,
    code: str | None = None,
    env: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Model:
    """Add the python_function flavor block to a Model (MLflow's ``pyfunc.add_to_model``).

    Args:
        model: The Model to extend.
        loader_module: The module with ``_load_pyfunc``; write MLflow's name
            (``mlflow.sklearn``) so MLflow loads the model too.
        data: The path the loader gets, relative to the model directory.
        code: The code directory added to ``sys.path`` when loading.
        env: ``{"conda": "conda.yaml", "virtualenv": "python_env.yaml"}``.
        **kwargs: More flavor keys (``model_path``, ``predict_fn``, ...).
    """
    params: dict[str, Any] = {"loader_module": loader_module, "python_version": python_version()}
    if data is not None:
        params["data"] = data
    params["code"] = code
    if env is not None:
        params["env"] = dict(env)
    params.update(kwargs)
    return model.add_flavor(PYFUNC_FLAVOR, **params)


def _default_modules(python_model: Any) -> list[str]:
    modules = ["cloudpickle"]
    # A function given as the model: its own module, not the wrapper's.
    module = (
        getattr(python_model, "__module__", None)
        if inspect.isfunction(python_model)
        else type(python_model).__module__
    )
    if module and module != "__main__":
        modules.append(module)
    return modules


def save_model(
    path: str | os.PathLike[str],
    loader_module: str | None = None,
    data_path: str | None = None,
    code_paths: list[str] | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    mlflow_model: Model | None = None,
    python_model: Any = None,
    artifacts: Mapping[str, str] | None = None,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    model_config: ModelConfigArgument = None,
    **kwargs: Any,
) -> None:
    """Save a custom model: a :class:`PythonModel` (``python_model``) or a loader module.

    The directory is built next to ``path`` and renamed into place, so a failed save leaves
    nothing. Arguments follow ``mlflow.pyfunc.save_model``.

    Raises:
        AlreadyExists: ``path`` exists and is not empty.
        InvalidParameter: Neither or both of ``python_model`` and ``loader_module``, or
            conflicting environment arguments.
    """
    if (python_model is None) == (loader_module is None):
        raise InvalidParameter("Specify exactly one of `python_model` and `loader_module`")
    if kwargs:
        raise InvalidParameter(f"Unsupported arguments: {sorted(kwargs)}")
    mlflow_model = mlflow_model or Model()
    config = read_model_config(model_config)
    with model_directory(path) as model_dir:
        code = copy_code_paths(model_dir, code_paths)
        if isinstance(python_model, (str, os.PathLike)):
            # A model from code: the file is stored and run at load (heron.pyfunc.code_model).
            flavor_keys, _ = save_code_model(model_dir, python_model, artifacts, config)
            modules = ["cloudpickle"]
        elif python_model is not None:
            flavor_keys = save_python_model(model_dir, python_model, artifacts, config)
            modules = _default_modules(python_model)
            if signature is None and input_example is not None:
                signature = _signature_from_example(python_model, input_example, artifacts, config)
        else:
            flavor_keys = {"loader_module": loader_module}
            if data_path is not None:
                flavor_keys["data"] = _copy_data(model_dir, data_path)
            modules = []
        env = write_environment(
            model_dir, modules, conda_env, pip_requirements, extra_pip_requirements
        )
        add_to_model(mlflow_model, code=code, env=env, **flavor_keys)
        finish_model(model_dir, mlflow_model, signature, input_example, metadata)


def _signature_from_example(
    python_model: Any,
    example: Any,
    artifacts: Mapping[str, str] | None,
    config: dict[str, Any] | None,
) -> ModelSignature | None:
    """The signature of the model's predictions on its input example, as MLflow infers one
    when none is given; None (with a warning) when predicting fails."""
    from heron.models.signature import infer_signature_from_example
    from heron.pyfunc.model import PythonModelWrapper, as_python_model
    from heron.pyfunc.python_model import PythonModelContext

    data = example
    if isinstance(example, tuple) and len(example) == 2 and isinstance(example[1], dict):
        data = example[0]  # (data, params)
    try:
        model = as_python_model(python_model)
        context = PythonModelContext(dict(artifacts or {}), config or None)
        model.load_context(context)
        return infer_signature_from_example(
            example, PythonModelWrapper(model, context).predict(data)
        )
    except Exception as error:  # best effort, as in MLflow
        _logger.warning("Failed to infer model signature from input example, error: %s", error)
        return None


def _copy_data(model_dir: str, data_path: str) -> str:
    import shutil

    source = os.path.abspath(data_path)
    name = os.path.basename(source.rstrip(os.sep))
    if os.path.isdir(source):
        shutil.copytree(source, os.path.join(model_dir, name))
    else:
        shutil.copy2(source, os.path.join(model_dir, name))
    return name


def log_model(
    artifact_path: str | None = None,
    loader_module: str | None = None,
    data_path: str | None = None,
    code_paths: list[str] | None = None,
    conda_env: str | Mapping[str, Any] | None = None,
    python_model: Any = None,
    artifacts: Mapping[str, str] | None = None,
    registered_model_name: str | None = None,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    await_registration_for: float | None = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
    pip_requirements: str | Sequence[str] | None = None,
    extra_pip_requirements: str | Sequence[str] | None = None,
    metadata: dict[str, Any] | None = None,
    model_config: ModelConfigArgument = None,
    name: str | None = None,
    params: dict[str, Any] | None = None,
    tags: dict[str, Any] | None = None,
    model_type: str | None = None,
    step: int = 0,
    model_id: str | None = None,
    run_id: str | None = None,
) -> ModelInfo:
    """Save a custom model and log it as an MLflow 3.x LoggedModel of the active run (or
    ``run_id``; no run if none is active); its ModelInfo.

    ``params``, ``tags``, ``model_type`` and ``step`` are the LoggedModel's; ``model_id``
    logs into an existing LoggedModel.

    With ``registered_model_name``, the logged model also becomes a new version of that
    registered model (created if missing), waiting up to ``await_registration_for``
    seconds for it to be READY; ``ModelInfo.registered_model_version`` is its number.
    """
    from heron.pyfunc.logging import LoggedModelDetails, log_model_dir

    def save(path: str, mlflow_model: Model) -> None:
        save_model(
            path,
            loader_module=loader_module,
            data_path=data_path,
            code_paths=code_paths,
            conda_env=conda_env,
            mlflow_model=mlflow_model,
            python_model=python_model,
            artifacts=artifacts,
            signature=signature,
            input_example=input_example,
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
            metadata=metadata,
            model_config=model_config,
        )

    return log_model_dir(
        save,
        artifact_path=artifact_path,
        name=name,
        flavor=PYFUNC_FLAVOR,
        run_id=run_id,
        registered_model_name=registered_model_name,
        await_registration_for=await_registration_for,
        details=LoggedModelDetails(params, tags, model_type, int(step), model_id),
    )
