"""Run-context providers as MLflow's ``mlflow.tracking.context`` modules name them."""

from __future__ import annotations

import logging
from types import ModuleType

import pytest

from heron.exceptions import InvalidParameter
from heron.tracking.context import USER_TAG, registry
from heron.tracking.context.abstract_context import RunContextProvider
from heron.tracking.context.default_context import DefaultRunContext
from heron.tracking.context.git_context import GitRunContext
from heron.tracking.context.system_environment_context import SystemEnvironmentContext


class TeamContext(RunContextProvider):
    """A plugin-like provider."""

    def in_context(self) -> bool:
        return True

    def tags(self) -> dict[str, str]:
        return {"team": "forecasting"}


class BrokenContext(RunContextProvider):
    """A provider that fails."""

    def in_context(self) -> bool:
        raise RuntimeError("no scheduler here")

    def tags(self) -> dict[str, str]:
        return {}


@pytest.fixture
def providers() -> object:
    saved = list(registry._run_context_provider_registry._registry)
    yield registry._run_context_provider_registry
    registry._run_context_provider_registry._registry[:] = saved


def test_the_provider_contract_is_abstract() -> None:
    with pytest.raises(TypeError):
        RunContextProvider()  # type: ignore[abstract]
    assert DefaultRunContext().in_context()
    assert issubclass(GitRunContext, RunContextProvider)


def test_run_context_variable_tags_every_new_run(
    fluent: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_RUN_CONTEXT", '{"pipeline": "nightly", "attempt": "2"}')
    with fluent.start_run() as run:
        pass
    tags = fluent.get_run(run.info.run_id).data.tags
    assert (tags["pipeline"], tags["attempt"]) == ("nightly", "2")
    monkeypatch.setenv("MLFLOW_RUN_CONTEXT", "[1, 2]")
    with pytest.raises(InvalidParameter, match="JSON object"):
        SystemEnvironmentContext().tags()


def test_registered_providers_apply_and_can_be_ignored(
    providers: registry.RunContextProviderRegistry, caplog: pytest.LogCaptureFixture
) -> None:
    providers.register(TeamContext)
    providers.register(BrokenContext)
    with caplog.at_level(logging.WARNING):
        tags = registry.resolve_tags({"team": "mine"})
    assert tags["team"] == "mine"  # the caller's tags win
    assert USER_TAG in tags
    assert "no scheduler here" in caplog.text
    assert registry.resolve_tags()["team"] == "forecasting"
    assert "team" not in registry.resolve_tags(ignore=[TeamContext])
