"""onnxruntime sessions: the providers and session options an MLmodel asks for."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from heron.exceptions import InvalidParameter

ONNX_EXECUTION_PROVIDERS = ["CUDAExecutionProvider", "CPUExecutionProvider"]
CPU_PROVIDER = "CPUExecutionProvider"
_EXECUTION_MODES = ("PARALLEL", "SEQUENTIAL")
_OPTIMIZATION_LEVELS = (0, 1, 2, 99)
_THREAD_KEYS = ("intra_op_num_threads", "inter_op_num_threads")

_logger = logging.getLogger(__name__)


def check_session_options(options: Mapping[str, Any] | None) -> None:
    """Raise InvalidParameter unless ``options`` are valid ``SessionOptions`` settings."""
    if options is None:
        return
    if not isinstance(options, Mapping):
        raise InvalidParameter(
            f"Argument onnx_session_options should be a dict, not {type(options).__name__}"
        )
    import onnxruntime

    for key, value in options.items():
        if key == "extra_session_config":
            if not isinstance(value, Mapping):
                raise InvalidParameter(
                    "onnx_session_options['extra_session_config'] must be a dict"
                )
        elif not hasattr(onnxruntime.SessionOptions, key):
            raise InvalidParameter(
                f"Key {key} in onnx_session_options is not a valid ONNX Runtime session options key"
            )
        elif key == "execution_mode" and str(value).upper() not in _EXECUTION_MODES:
            raise InvalidParameter(
                f"onnx_session_options['execution_mode'] should be 'parallel' or 'sequential', "
                f"not {value!r}"
            )
        elif key == "graph_optimization_level" and value not in _OPTIMIZATION_LEVELS:
            raise InvalidParameter(
                f"onnx_session_options['graph_optimization_level'] should be 0, 1, 2 or 99, "
                f"not {value!r}"
            )
        elif key in _THREAD_KEYS and (not isinstance(value, int) or value < 0):
            raise InvalidParameter(f"onnx_session_options[{key!r}] should be an integer >= 0")


def session_options(options: Mapping[str, Any] | None) -> Any:
    """An ``onnxruntime.SessionOptions`` with ``options`` applied."""
    import onnxruntime

    result = onnxruntime.SessionOptions()
    for key, value in (options or {}).items():
        if key == "execution_mode":
            mode = str(value).upper()
            result.execution_mode = getattr(onnxruntime.ExecutionMode, f"ORT_{mode}")
        elif key == "graph_optimization_level":
            result.graph_optimization_level = onnxruntime.GraphOptimizationLevel(value)
        elif key == "extra_session_config":
            for name, entry in value.items():
                result.add_session_config_entry(str(name), str(entry))
        elif value is not None:
            setattr(result, key, value)
    return result


def _provider_name(entry: Any) -> str:
    return str(entry[0] if isinstance(entry, (list, tuple)) else entry)


def usable_providers(providers: Sequence[Any] | str | None) -> list[Any]:
    """The requested providers this onnxruntime build has (CPU when none), in order."""
    import onnxruntime

    if isinstance(providers, str):
        providers = [providers]
    wanted = [
        tuple(p) if isinstance(p, list) else p for p in (providers or ONNX_EXECUTION_PROVIDERS)
    ]
    available = set(onnxruntime.get_available_providers())
    usable = [p for p in wanted if _provider_name(p) in available]
    missing = [_provider_name(p) for p in wanted if _provider_name(p) not in available]
    if missing and any(name != CPU_PROVIDER for name in missing):
        _logger.debug("ONNX execution providers %s are not available; using %s", missing, usable)
    return usable or [CPU_PROVIDER]


def inference_session(path: str, providers: Any, options: Mapping[str, Any] | None) -> Any:
    """An ``InferenceSession`` on ``path``; back on the CPU if the providers fail to start."""
    import onnxruntime

    requested = usable_providers(providers)
    opts = session_options(options)
    try:
        return onnxruntime.InferenceSession(path, sess_options=opts, providers=requested)
    except Exception as error:
        if requested == [CPU_PROVIDER]:
            raise
        _logger.warning("ONNX providers %s failed (%r); falling back to CPU", requested, error)
        return onnxruntime.InferenceSession(path, sess_options=opts, providers=[CPU_PROVIDER])
