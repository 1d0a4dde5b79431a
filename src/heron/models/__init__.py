"""The MLflow Model format on local directories, with ``mlflow.models``'s names.

``Model`` (the MLmodel file), ``ModelInfo``, ``ModelSignature``, ``infer_signature``,
``infer_pip_requirements`` and ``validate_schema``. Names are imported on first use, so
``import heron.models`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, ForwardRef, Union

if TYPE_CHECKING:
    from heron.models.code_model import set_model
    from heron.models.environment import infer_pip_requirements
    from heron.models.flavor_backend import FlavorBackend
    from heron.models.model import Model, ModelInfo
    from heron.models.model_config import ModelConfig
    from heron.models.signature import ModelSignature, infer_signature

# Forward references: pandas, numpy and scipy are not imported to define it.
_EXAMPLE_KINDS = (
    "pandas.DataFrame",
    "numpy.ndarray",
    "scipy.sparse.csr_matrix",
    "scipy.sparse.csc_matrix",
)
ModelInputExample: Any = Union[
    (*(ForwardRef(kind) for kind in _EXAMPLE_KINDS), dict, list, str, bytes, tuple)
]
"""What an ``input_example`` may be (MLflow's ``ModelInputExample``)."""

_LAZY = {
    "Model": "heron.models.model",
    "ModelInfo": "heron.models.model",
    "ModelSignature": "heron.models.signature",
    "infer_signature": "heron.models.signature",
    "infer_pip_requirements": "heron.models.environment",
    # Evaluation, MLmodel-by-URI and serving live above this package; these names are
    # looked up on first use only.
    **dict.fromkeys(
        (
            "EvaluationArtifact",
            "EvaluationMetric",
            "EvaluationResult",
            "MetricThreshold",
            "evaluate",
            "make_metric",
        ),
        "heron.evaluation",
    ),
    "get_model_info": "heron.model_files",
    "set_signature": "heron.model_files",
    "update_model_requirements": "heron.model_files",
    "predict": "heron.serving.batch",
    "build_docker": "heron.serving.docker",
    "validate_serving_input": "heron.serving.validation",
    "convert_input_example_to_serving_input": "heron.serving.validation",
    # Models from code, backends, evaluator names and wheeled models (issue 19).
    "set_model": "heron.models.code_model",
    "ModelConfig": "heron.models.model_config",
    "FlavorBackend": "heron.models.flavor_backend",
    "list_evaluators": "heron.evaluation.evaluators",
    "add_libraries_to_model": "heron.pyfunc.wheeled_model",
}

__all__ = [
    "EvaluationArtifact",
    "EvaluationMetric",
    "EvaluationResult",
    "FlavorBackend",
    "MetricThreshold",
    "Model",
    "ModelConfig",
    "ModelInfo",
    "ModelInputExample",
    "ModelSignature",
    "add_libraries_to_model",
    "build_docker",
    "convert_input_example_to_serving_input",
    "evaluate",
    "get_model_info",
    "infer_pip_requirements",
    "infer_signature",
    "list_evaluators",
    "make_metric",
    "predict",
    "set_model",
    "set_signature",
    "update_model_requirements",
    "validate_schema",
    "validate_serving_input",
]


def validate_schema(data: Any, expected_schema: Any) -> None:
    """Raise if ``data`` does not conform to ``expected_schema`` (a :class:`Schema`).

    Raises:
        InvalidParameter: Names the column and the expected type.
    """
    from heron.models.enforcement import enforce_schema

    enforce_schema(data, expected_schema)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'heron.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
