"""heron.autologging: safe_patch guarantees, options, exclusive, managed runs, revert."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from heron.autologging import (
    AUTOLOGGING_TAG,
    MetricsBatcher,
    autologging_integration,
    autologging_is_disabled,
    current_session,
    get_autologging_config,
    is_patched,
    revert_patches,
    safe_patch,
)

NAME = "toylib"


class Trainer:
    """A stand-in for a library class whose ``fit`` autologging patches."""

    def fit(self, data: list[float], fail: bool = False) -> str:
        if fail:
            raise ValueError("training diverged")
        self.child = Trainer() if data and data[0] > 0 else None
        if self.child is not None:
            self.child.fit([-1.0])  # a nested call: must not be logged twice
        return "fitted"


def _log_fit(original: Any, self: Trainer, data: list[float], **kwargs: Any) -> Any:
    import heron

    heron.log_param("n", len(data))
    result = original(self, data, **kwargs)
    if get_autologging_config(NAME, "break_after", False):
        raise RuntimeError("logging bug")
    heron.log_metric("calls", 1.0)
    return result


@autologging_integration(NAME)
def autolog(
    log_models: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    break_after: bool = False,
    break_before: bool = False,
) -> None:
    def patch(original: Any, self: Trainer, *args: Any, **kwargs: Any) -> Any:
        if get_autologging_config(NAME, "break_before", False):
            raise RuntimeError("logging bug before training")
        return _log_fit(original, self, *args, **kwargs)

    safe_patch(NAME, Trainer, "fit", patch, manage_run=True)


@pytest.fixture(autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    autolog(disable=True)


def _runs(heron: ModuleType) -> list[Any]:
    return heron.search_runs(output_format="list", search_all_experiments=True)


def test_fit_starts_and_ends_a_run(fluent: ModuleType) -> None:
    autolog()
    assert Trainer().fit([1.0, 2.0]) == "fitted"
    (run,) = _runs(fluent)
    assert run.info.status == "FINISHED"
    assert run.data.params == {"n": "2"}
    assert run.data.metrics == {"calls": 1.0}
    assert run.data.tags[AUTOLOGGING_TAG] == NAME
    assert fluent.active_run() is None


def test_error_of_training_reaches_caller_and_fails_run(fluent: ModuleType) -> None:
    autolog()
    with pytest.raises(ValueError, match="training diverged"):
        Trainer().fit([1.0], fail=True)
    (run,) = _runs(fluent)
    assert run.info.status == "FAILED"


@pytest.mark.parametrize("option", ["break_after", "break_before"])
def test_logging_errors_become_warnings(fluent: ModuleType, option: str) -> None:
    autolog(**{option: True})
    with pytest.warns(UserWarning, match="logging bug"):
        assert Trainer().fit([1.0]) == "fitted"


def test_silent_suppresses_warnings(fluent: ModuleType) -> None:
    autolog(break_after=True, silent=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Trainer().fit([1.0]) == "fitted"


def test_disable_reverts_the_patch(fluent: ModuleType) -> None:
    original = Trainer.__dict__["fit"]
    autolog()
    assert is_patched(Trainer, "fit")
    autolog(disable=True)
    assert Trainer.__dict__["fit"] is original
    assert autologging_is_disabled(NAME)
    Trainer().fit([1.0])
    assert _runs(fluent) == []


def test_exclusive_leaves_user_runs_alone(fluent: ModuleType) -> None:
    autolog(exclusive=True)
    with fluent.start_run() as run:
        Trainer().fit([1.0])
    assert fluent.get_run(run.info.run_id).data.params == {}
    autolog(exclusive=False)
    with fluent.start_run() as run:
        Trainer().fit([1.0])
    logged = fluent.get_run(run.info.run_id)
    assert logged.data.params == {"n": "1"}
    assert AUTOLOGGING_TAG not in logged.data.tags  # the user's run is not marked


def test_unsupported_version_disables(fluent: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    from heron.autologging import versions

    monkeypatch.setitem(versions.SUPPORTED_VERSIONS, NAME, ("pip", "0.0.1", "0.0.2"))
    with pytest.warns(UserWarning, match="outside the range"):
        autolog(disable_for_unsupported_versions=True)
    assert autologging_is_disabled(NAME)
    assert not is_patched(Trainer, "fit")


def test_threads_each_get_their_own_session(fluent: ModuleType) -> None:
    autolog()
    seen: list[object] = []

    def patch_probe() -> None:
        seen.append(current_session(NAME))

    threads = [threading.Thread(target=patch_probe) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [None] * 4


def test_descriptor_patch_keeps_availability(fluent: ModuleType) -> None:
    from sklearn.utils.metaestimators import available_if

    class Maybe:
        def __init__(self, ready: bool):
            self.ready = ready

        @available_if(lambda self: self.ready)
        def fit(self, data: list[float]) -> str:
            return "fitted"

    calls: list[int] = []

    def patch(original: Any, self: Maybe, *args: Any) -> Any:
        calls.append(1)
        return original(self, *args)

    autolog()
    with pytest.raises(AttributeError):
        safe_patch(NAME, Maybe, "missing_name", patch)
    safe_patch(NAME, Maybe, "fit", patch)
    assert not hasattr(Maybe(False), "fit")
    assert Maybe(True).fit([1.0]) == "fitted"
    assert calls == [1]
    revert_patches(NAME)
    assert Maybe(True).fit([1.0]) == "fitted"
    assert calls == [1]


def test_metrics_batcher_logs_steps(fluent: ModuleType) -> None:
    run = fluent.start_run()
    batcher = MetricsBatcher(run.info.run_id, NAME, flush_every=3)
    for epoch in range(5):
        batcher.record_metrics({"loss": 1.0 / (epoch + 1), "name": "x"}, step=epoch)
    batcher.flush()
    history = fluent.MlflowClient().get_metric_history(run.info.run_id, "loss")
    assert [point.step for point in history] == [0, 1, 2, 3, 4]


def test_metrics_batcher_through_the_async_logger(fluent: ModuleType) -> None:
    run = fluent.start_run()
    batcher = MetricsBatcher(run.info.run_id, NAME, synchronous=False)
    batcher.record_metrics({"acc": 0.5}, step=1)
    batcher.record_params({"lr": 0.1})
    batcher.flush()
    fluent.flush_async_logging()
    logged = fluent.get_run(run.info.run_id)
    assert logged.data.metrics == {"acc": 0.5}
    assert logged.data.params == {"lr": "0.1"}


def test_universal_autolog_respects_explicit_flavor_config(fluent: ModuleType) -> None:
    from heron.autologging import config, universal

    with config._lock:  # forget earlier tests' explicit calls: they would win
        config._configs.pop(NAME, None)
    universal.register_integration(NAME, __name__, "json")  # json is always imported
    try:
        fluent.autolog(log_models=False, silent=True, exclude_flavors=["sklearn"])
        assert get_autologging_config(NAME, "log_models") is False
        assert get_autologging_config(NAME, "silent") is True
        autolog(log_models=True)  # the flavor's own call wins from now on
        fluent.autolog(log_models=False, exclude_flavors=["sklearn"])
        assert get_autologging_config(NAME, "log_models") is True
        fluent.autolog(disable=True, exclude_flavors=["sklearn"])
        assert not autologging_is_disabled(NAME)  # still the explicit configuration
    finally:
        with universal._lock:
            universal._integrations.pop(NAME, None)
            universal._hooked.discard(NAME)
