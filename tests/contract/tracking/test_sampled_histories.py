"""Sampled metric series for charts: each store's answer equals the generic one (the rule
in heron.store.tracking.sampling applied to the full history); short series come whole, a
one-step spike among 100,000 steps survives, zoomed ranges are cut anew."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from heron.entities import Metric
from heron.exceptions import InvalidParameter, NotFound
from heron.store.tracking import sampling
from heron.store.tracking.base import TrackingStore

SPIKE_STEP = 54_321


def _log(store: TrackingStore, run_id: str, points: list[Metric]) -> None:
    for start in range(0, len(points), 1000):
        store.log_batch(run_id, points[start : start + 1000], [], [])


def _same(store: TrackingStore, run_ids: list[str], keys: list[str], **kw: object) -> list:
    buckets = int(kw.get("buckets", 100))  # type: ignore[call-overload]
    start, end = kw.get("start"), kw.get("end")
    x = str(kw.get("x", "step"))
    got = store.get_sampled_histories(run_ids, keys, buckets, start, end, x)  # type: ignore[arg-type]
    generic = sampling.sampled_histories(store, run_ids, keys, buckets, start, end, x)  # type: ignore[arg-type]
    assert repr(got) == repr(generic)
    return got


@pytest.fixture
def long_run(store: TrackingStore, make_run: Callable[..., str]) -> str:
    """100,000 steps of a smooth curve with one spike, a NaN and a dip."""
    run_id = make_run(name="long")
    points = []
    for step in range(100_000):
        value = 1.0 / (1 + step) + (step % 7) * 1e-6
        if step == SPIKE_STEP:
            value = 1e6
        elif step == 77:
            value = math.nan
        elif step == 99_000:
            value = -5.0
        points.append(Metric("loss", value, 10_000 + step * 3, step))
    _log(store, run_id, points)
    return run_id


def test_spike_kept_and_equal_to_generic(store: TrackingStore, long_run: str) -> None:
    (series,) = _same(store, [long_run], ["loss"], buckets=1000)
    assert series.sampled
    assert series.count == 100_000
    assert len(series.values) <= 4000
    assert SPIKE_STEP in series.steps
    assert max(v for v in series.values if not math.isnan(v)) == 1e6
    assert min(v for v in series.values if not math.isnan(v)) == -5.0
    assert series.steps[0] == 0
    assert series.steps[-1] == 99_999
    assert list(series.steps) == sorted(series.steps)
    assert series.bucket_start == 0
    assert series.bucket_width == 100


def test_zoomed_ranges(store: TrackingStore, long_run: str) -> None:
    (wide,) = _same(store, [long_run], ["loss"], buckets=100, start=50_000, end=60_000)
    assert wide.sampled
    assert wide.count == 10_001
    assert SPIKE_STEP in wide.steps
    assert min(wide.steps) >= 50_000
    assert max(wide.steps) <= 60_000
    (narrow,) = _same(store, [long_run], ["loss"], buckets=1000, start=54_000, end=54_500)
    assert not narrow.sampled
    assert list(narrow.steps) == list(range(54_000, 54_501))
    (timed,) = _same(store, [long_run], ["loss"], buckets=100, x="time", start=10_000, end=40_000)
    assert timed.sampled
    assert timed.steps[0] == 0
    assert timed.steps[-1] == 10_000
    _same(store, [long_run], ["loss"], buckets=50, x="time")


def test_short_series_come_whole(store: TrackingStore, make_run: Callable[..., str]) -> None:
    a, b = make_run(name="a"), make_run(name="b")
    _log(store, a, [Metric("m", float(i), 100 + i, i) for i in range(10)])
    _log(store, b, [Metric("m", math.nan, 5, 0), Metric("m", math.inf, 6, 1)])
    _log(store, b, [Metric("other", 1.0, 5, 0)])
    series = _same(store, [a, b], ["m", "absent"], buckets=5)
    assert [(s.run_id, s.key, s.sampled) for s in series] == [(a, "m", False), (b, "m", False)]
    assert list(series[0].values) == [float(i) for i in range(10)]
    assert math.isnan(series[1].values[0])
    sampled = _same(store, [a], ["m"], buckets=2)
    assert sampled[0].sampled
    assert sampled[0].steps[0] == 0
    assert sampled[0].steps[-1] == 9


def test_bad_arguments(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(NotFound):
        store.get_sampled_histories(["0" * 32], ["m"])
    for kw in ({"buckets": 0}, {"start": 5, "end": 1}, {"x": "wall"}):
        with pytest.raises(InvalidParameter):
            store.get_sampled_histories([run_id], ["m"], **kw)  # type: ignore[arg-type]
