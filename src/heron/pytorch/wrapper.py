"""The pyfunc view of a PyTorch module: numpy/pandas in, numpy/pandas out, no autograd."""

from __future__ import annotations

from typing import Any

from heron.exceptions import InvalidParameter

CPU = "cpu"


class PyTorchWrapper:
    """Wraps a module for ``heron.pyfunc``.

    ``predict`` takes a DataFrame (as float32 values), an ndarray, or a dict of ndarrays
    (passed to ``forward`` as keyword arguments); a DataFrame gives a DataFrame with the same
    index, other inputs give ndarrays (a dict of them when the module returns a dict).

    Args:
        pytorch_model: The module, already on ``device``.
        device: Where inputs are moved before the forward pass.
    """

    def __init__(self, pytorch_model: Any, device: str = CPU) -> None:
        self.pytorch_model = pytorch_model
        self.device = device

    def get_raw_model(self) -> Any:
        """The underlying module."""
        return self.pytorch_model

    def predict(self, data: Any, params: dict[str, Any] | None = None) -> Any:
        """The module's output for ``data``; ``params`` become keyword arguments of forward.

        Raises:
            InvalidParameter: Unsupported input type, or ``device`` given as a param.
        """
        import numpy as np
        import torch

        params = dict(params) if params else {}
        if "device" in params:
            raise InvalidParameter(
                "'device' can no longer be specified as an inference parameter; give it at "
                "load time: heron.pyfunc.load_model(uri, model_config={'device': 'cuda'})"
            )
        with torch.no_grad():
            if isinstance(data, np.ndarray):
                return _to_numpy(self._forward(torch.from_numpy(data), params))
            import pandas as pd

            if isinstance(data, pd.DataFrame):
                values = data.to_numpy(dtype=np.float32)
                if not values.flags.writeable:  # pandas' copy-on-write views are read-only
                    values = values.copy()
                frame = pd.DataFrame(_to_numpy(self._forward(torch.from_numpy(values), params)))
                frame.index = data.index
                return frame
            if isinstance(data, dict):
                tensors = {str(k): torch.from_numpy(np.asarray(v)) for k, v in data.items()}
                moved = {k: self._on_device(v) for k, v in tensors.items()}
                return _to_numpy(self.pytorch_model(**moved, **params))
        raise InvalidParameter(
            "The PyTorch flavor takes a pandas.DataFrame, a numpy.ndarray or a dict of arrays, "
            f"got {type(data).__name__}"
        )

    def _on_device(self, tensor: Any) -> Any:
        return tensor if self.device == CPU else tensor.to(self.device)

    def _forward(self, tensor: Any, params: dict[str, Any]) -> Any:
        return self.pytorch_model(self._on_device(tensor), **params)


def _to_numpy(output: Any) -> Any:
    import torch

    if isinstance(output, torch.Tensor):
        # Called under no_grad: a CPU output converts as is.
        return output.numpy() if output.device.type == CPU else output.detach().cpu().numpy()
    if isinstance(output, dict):
        return {k: _to_numpy(v) for k, v in output.items()}
    if isinstance(output, (tuple, list)):
        return [_to_numpy(v) for v in output]
    raise InvalidParameter(
        f"Expected the PyTorch model to output tensors, but got output of type "
        f"'{type(output).__name__}'"
    )
