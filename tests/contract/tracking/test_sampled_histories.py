"""Sampled metric series for charts: each store's answer equals the generic one (the rule
in heron.store.tracking.sampling applied to the full history); short series come whole, a
one-step spike among 100,000 steps survives, zoomed ranges are cut anew. The SQL stores
answer from write-time block summaries: the series here are written through every write
path (log_metric, log_batch, import_run), with points logged twice, NaN-only blocks,
negative steps, many points at one step and ranges cutting blocks."""

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
    assert series.bucket_width == 128  # aligned powers of two: 782 buckets


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


def test_buckets_are_the_smallest_aligned_power_of_two() -> None:
    assert sampling.bucket_grid(0, 99_999, 1000) == (0, 128)
    assert sampling.bucket_grid(0, 999_999, 1000) == (0, 1024)
    assert sampling.bucket_grid(5, 6, 1) == (4, 4)
    assert sampling.bucket_grid(7, 8, 1) == (0, 16)
    assert sampling.bucket_grid(-7, 8, 2) == (-16, 16)
    assert sampling.bucket_grid(-7, 8, 1) == (-7, 16)  # no aligned bucket covers -7..8
    for low, high, buckets in ((3, 1000, 7), (-1000, 50, 3), (0, 2**62, 1000), (17, 17, 1)):
        start, width = sampling.bucket_grid(low, high, buckets)
        assert start == low // width * width
        assert high // width - low // width < buckets
        assert width == 1 or high // (width // 2) - low // (width // 2) >= buckets


def _wavy(step: int) -> float:
    return float((step * 7919) % 1009) - 500.0


def test_every_write_path_keeps_summaries_exact(
    store: TrackingStore, make_run: Callable[..., str]
) -> None:
    run_id = make_run(name="paths")
    # log_batch, then the same batch again (stored once), then a batch half of old points
    batch = [Metric("m", _wavy(s), 5000 + s, s) for s in range(-3000, 3000)]
    _log(store, run_id, batch)
    _log(store, run_id, batch[:1000])
    store.log_batch(run_id, [*batch[500:1000], Metric("m", 7e5, 5, 4321)], [], [])
    # one point at a time, one of them logged twice, and a batch repeating a point in itself
    for step in range(3000, 3100):
        store.log_metric(run_id, Metric("m", _wavy(step), 9, step))
    store.log_metric(run_id, Metric("m", _wavy(3050), 9, 3050))
    store.log_batch(run_id, [Metric("m", -9e5, 1, 17)] * 2, [], [])
    # a NaN-only stretch, infinities and ties of the extreme value
    store.log_batch(run_id, [Metric("m", math.nan, s, s) for s in range(4096, 4200)], [], [])
    infinities = [Metric("m", math.inf, 3, 5000), Metric("m", -math.inf, 3, 5001)]
    store.log_batch(run_id, infinities, [], [])
    store.log_batch(run_id, [Metric("m", 7e5, 2, 4322), Metric("m", 7e5, 1, 4322)], [], [])
    # many points at one step
    _log(store, run_id, [Metric("m", float(t % 13), t, 6000) for t in range(1500)])
    for buckets in (1, 3, 10, 100, 1000):
        (series,) = _same(store, [run_id], ["m"], buckets=buckets)
        assert series.sampled
        assert series.count == len(store.get_metric_history(run_id, "m"))
    for start, end, buckets in (
        (-2999, 2999, 50),
        (17, 4321, 20),
        (-5, 6000, 7),
        (4100, 6000, 3),
        (1, 2**40, 10),
        (-(2**40), -2990, 4),
    ):
        _same(store, [run_id], ["m"], buckets=buckets, start=start, end=end)
    _same(store, [run_id], ["m"], buckets=5, x="time")


def test_imported_runs_are_summarised(store: TrackingStore) -> None:
    from heron.entities import MetricSeries, RunContent

    steps = list(range(0, 90_000, 3))
    values = [math.nan if s == 300 else _wavy(s) for s in steps]
    run = store.import_run(
        "0",
        RunContent(
            user_id="u",
            series=[MetricSeries("imp", values, [7 * s for s in steps], steps)],
        ),
    )
    (series,) = _same(store, [run.info.run_id], ["imp"], buckets=100)
    assert series.count == len(steps)
    assert series.bucket_width == 1024
    _same(store, [run.info.run_id], ["imp"], buckets=200, start=1234, end=88_765)
    _same(store, [run.info.run_id], ["imp"], buckets=1, start=1, end=30_000)


def test_bad_arguments(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(NotFound):
        store.get_sampled_histories(["0" * 32], ["m"])
    for kw in ({"buckets": 0}, {"start": 5, "end": 1}, {"x": "wall"}):
        with pytest.raises(InvalidParameter):
            store.get_sampled_histories([run_id], ["m"], **kw)  # type: ignore[arg-type]
