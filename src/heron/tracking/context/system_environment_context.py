"""Tags from the environment: ``MLFLOW_RUN_CONTEXT`` (or ``HERON_RUN_CONTEXT``) holds a JSON
object whose entries every new run gets as tags (MLflow's ``SystemEnvironmentContext``)."""

from __future__ import annotations

import json

from heron import config
from heron.exceptions import InvalidParameter
from heron.tracking.context.abstract_context import RunContextProvider


class SystemEnvironmentContext(RunContextProvider):
    """The tags of the ``RUN_CONTEXT`` setting, when it is set."""

    def in_context(self) -> bool:
        """Whether the variable is set."""
        return config.RUN_CONTEXT.is_set()

    def tags(self) -> dict[str, str]:
        """The variable's JSON object.

        Raises:
            InvalidParameter: The variable does not hold a JSON object.
        """
        text = config.RUN_CONTEXT.get() or ""
        try:
            tags = json.loads(text)
        except ValueError as error:
            raise InvalidParameter(f"MLFLOW_RUN_CONTEXT must hold a JSON object: {error}") from None
        if not isinstance(tags, dict):
            raise InvalidParameter("MLFLOW_RUN_CONTEXT must hold a JSON object")
        return tags
