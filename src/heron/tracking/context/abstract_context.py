"""``RunContextProvider``: the contract of a source of default run tags (MLflow's plugin API).

A plugin subclasses it and registers the class under the ``mlflow.run_context_provider`` (or
``heron.run_context_provider``) entry point group; every run started by the fluent API then
gets its :meth:`~RunContextProvider.tags` when :meth:`~RunContextProvider.in_context` holds.
"""

from __future__ import annotations

import abc


class RunContextProvider(abc.ABC):
    """A source of tags for new runs (the environment, a git checkout, a scheduler, ...)."""

    @abc.abstractmethod
    def in_context(self) -> bool:
        """Whether this provider has tags for the current process."""

    @abc.abstractmethod
    def tags(self) -> dict[str, str]:
        """The tags this provider contributes."""
