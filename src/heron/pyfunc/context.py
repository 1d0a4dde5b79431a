"""The prediction-request context: :class:`Context` and :func:`set_prediction_context`.

A caller sets a :class:`Context` (request id, whether the call is part of an evaluation, the
logged model) around a ``predict`` call; code running inside that call, in the same thread or
task, reads it with :func:`get_prediction_context`. As ``mlflow.pyfunc.Context``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

_PREDICTION_CONTEXT: ContextVar[Context | None] = ContextVar(
    "heron_prediction_context", default=None
)


class Context:
    """What is known about the current prediction request.

    Args:
        request_id: A unique identifier of the request.
        is_evaluate: Whether the request is part of a model evaluation.
        dependencies_schemas: Schemas of the model's dependencies.
        model_id: The logged model the request is made with.
        endpoint_name: The serving endpoint the request came through.
        **kwargs: Ignored, so contexts built by newer callers still construct.
    """

    def __init__(
        self,
        request_id: str | None = None,
        is_evaluate: bool = False,
        dependencies_schemas: dict[str, Any] | None = None,
        model_id: str | None = None,
        endpoint_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        del kwargs
        self.request_id = request_id
        self.is_evaluate = is_evaluate
        self.dependencies_schemas = dependencies_schemas
        self.model_id = model_id
        self.endpoint_name = endpoint_name

    def update(self, **kwargs: Any) -> None:
        """Set existing attributes.

        Raises:
            AttributeError: A name that is not an attribute of the context.
        """
        for key, value in kwargs.items():
            if not hasattr(self, key):
                raise AttributeError(f"Context has no attribute named '{key}'")
            setattr(self, key, value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Context) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in vars(self).items())
        return f"Context({fields})"


@contextlib.contextmanager
def set_prediction_context(context: Context | None) -> Iterator[None]:
    """Make ``context`` the current prediction context inside the ``with`` block.

    Raises:
        TypeError: ``context`` is neither a :class:`Context` nor None.
    """
    if context is not None and not isinstance(context, Context):
        raise TypeError(f"Expected context to be an instance of Context, but got: {context}")
    token = _PREDICTION_CONTEXT.set(context)
    try:
        yield
    finally:
        _PREDICTION_CONTEXT.reset(token)


def get_prediction_context() -> Context | None:
    """The context set by the innermost :func:`set_prediction_context`, or None."""
    return _PREDICTION_CONTEXT.get()
