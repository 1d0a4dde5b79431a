"""The run-context providers consulted for every new run, and ``resolve_tags``.

Order: user and source (:class:`DefaultRunContext`), git (:class:`GitRunContext`), the
``MLFLOW_RUN_CONTEXT`` variable (:class:`SystemEnvironmentContext`), then plugins found
under the ``mlflow.run_context_provider`` and ``heron.run_context_provider`` entry point
groups (loaded on first use). As ``mlflow.tracking.context.registry``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points
from typing import Any

from heron.tracking.context import DefaultContext, GitContext
from heron.tracking.context.system_environment_context import SystemEnvironmentContext

_logger = logging.getLogger(__name__)
ENTRY_POINT_GROUPS = ("mlflow.run_context_provider", "heron.run_context_provider")


class RunContextProviderRegistry:
    """The providers of default run tags, in the order they apply."""

    def __init__(self) -> None:
        self._registry: list[Any] = []
        self._entry_points_loaded = False

    def register(self, run_context_provider_cls: type[Any]) -> None:
        """Add a provider class (instantiated here, without arguments)."""
        self._registry.append(run_context_provider_cls())

    def register_entrypoints(self) -> None:
        """Add the providers plugins declare; one that fails to load is skipped with a warning."""
        self._entry_points_loaded = True
        for group in ENTRY_POINT_GROUPS:
            for entry_point in entry_points(group=group):
                try:
                    self.register(entry_point.load())
                except (AttributeError, ImportError) as error:
                    warnings.warn(
                        f'Failure attempting to register context provider "{entry_point.name}": '
                        f"{error}",
                        stacklevel=2,
                    )

    def __iter__(self) -> Iterator[Any]:
        if not self._entry_points_loaded:
            self.register_entrypoints()
        return iter(list(self._registry))


_run_context_provider_registry = RunContextProviderRegistry()
_run_context_provider_registry.register(DefaultContext)
_run_context_provider_registry.register(GitContext)
_run_context_provider_registry.register(SystemEnvironmentContext)


def resolve_tags(
    tags: Mapping[str, Any] | None = None, ignore: list[type[Any]] | None = None
) -> dict[str, Any]:
    """The tags of every provider that applies, then ``tags`` (which win).

    Args:
        tags: Tags that override the providers'.
        ignore: Provider classes to leave out.

    A provider that raises is skipped with a warning in the log.
    """
    ignored = tuple(ignore or ())
    resolved: dict[str, Any] = {}
    for provider in _run_context_provider_registry:
        if ignored and isinstance(provider, ignored):
            continue
        try:
            if provider.in_context():
                resolved.update(provider.tags())
        except Exception as error:
            _logger.warning("Encountered unexpected error during resolving tags: %s", error)
    if tags is not None:
        resolved.update(tags)
    return resolved
