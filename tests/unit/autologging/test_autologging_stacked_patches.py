"""Two integrations patching the same function (as sklearn, xgboost and lightgbm autolog all
patch ``sklearn.metrics``): each runs, reverting one leaves the other, and
``disable_autologging`` turns every patch off inside its block."""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import pytest

from heron.autologging import (
    autologging_integration,
    disable_autologging,
    is_patched,
    revert_patches,
    safe_patch,
)

calls: list[str] = []


def score(value: float) -> float:
    return value * 2


toy_metrics = types.ModuleType("toy_metrics")
toy_metrics.score = score  # type: ignore[attr-defined]


def _recorder(name: str) -> Any:
    def patch(original: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return original(*args, **kwargs)

    return patch


@autologging_integration("toy_first")
def first(disable: bool = False, silent: bool = False) -> None:
    safe_patch("toy_first", toy_metrics, "score", _recorder("first"))  # type: ignore[arg-type]


@autologging_integration("toy_second")
def second(disable: bool = False, silent: bool = False) -> None:
    safe_patch("toy_second", toy_metrics, "score", _recorder("second"))  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    calls.clear()
    yield
    revert_patches("toy_first")
    revert_patches("toy_second")


@pytest.mark.parametrize("reverted_first", [first, second])
def test_reverting_one_integration_keeps_the_other(reverted_first: Any) -> None:
    first()
    second()
    assert toy_metrics.score(1.0) == 2.0
    assert calls == ["second", "first"]
    reverted_first(disable=True)
    calls.clear()
    toy_metrics.score(1.0)
    assert calls == (["second"] if reverted_first is first else ["first"])
    (second if reverted_first is first else first)(disable=True)
    assert toy_metrics.score is score
    assert not is_patched(toy_metrics, "score")  # type: ignore[arg-type]


def test_disable_autologging_skips_every_integration() -> None:
    first()
    second()
    with disable_autologging():
        assert toy_metrics.score(2.0) == 4.0
    assert calls == []
    toy_metrics.score(2.0)
    assert calls == ["second", "first"]
