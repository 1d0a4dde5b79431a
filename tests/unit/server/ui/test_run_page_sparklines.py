"""The run page's server-drawn lines: thinning keeps the shape (spikes too), NaN and
infinities are left out, and coordinates stay inside the view box."""

from __future__ import annotations

import math

from heron.server.ui.sparklines import (
    SPARK_HEIGHT,
    SPARK_WIDTH,
    downsample,
    line_chart,
    sparkline,
)


def _points(attribute: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in attribute.split())]


def test_downsample_keeps_short_histories_whole_and_thins_long_ones_keeping_spikes() -> None:
    assert downsample([0, 1, 2], [3.0, 1.0, 2.0], 50) == ([0, 1, 2], [3.0, 1.0, 2.0])

    values = [0.0] * 10_000
    values[4321] = 99.0
    values[7000] = -5.0
    xs, ys = downsample(range(10_000), values, 50)

    assert len(ys) <= 50
    assert 99.0 in ys
    assert -5.0 in ys
    assert xs == sorted(xs)
    assert xs[ys.index(99.0)] == 4321


def test_downsample_leaves_out_nan_and_infinities() -> None:
    xs, ys = downsample([0, 1, 2, 3], [1.0, math.nan, math.inf, 2.0], 50)
    assert (xs, ys) == ([0, 3], [1.0, 2.0])


def test_sparkline_fits_the_view_box_and_needs_two_finite_points() -> None:
    points = _points(sparkline(list(range(200)), [math.sin(i / 9) for i in range(200)]))

    assert 2 < len(points) <= 50
    assert all(0 <= x <= SPARK_WIDTH and 0 <= y <= SPARK_HEIGHT for x, y in points)
    assert min(x for x, _ in points) == 0
    assert max(x for x, _ in points) == SPARK_WIDTH
    assert sparkline([0], [1.0]) == ""
    assert sparkline([0, 1], [1.0, math.nan]) == ""


def test_sparkline_of_a_flat_line_or_points_all_at_step_zero() -> None:
    flat = _points(sparkline([0, 1, 2], [5.0, 5.0, 5.0]))
    same_step = _points(sparkline([0, 0, 0], [1.0, 2.0, 3.0]))

    assert len({y for _, y in flat}) == 1
    assert [x for x, _ in same_step] == [0.0, 50.0, 100.0]  # spread by order instead


def test_line_chart_has_round_ticks_and_a_single_point_as_a_dot() -> None:
    chart = line_chart(list(range(101)), [i / 100 for i in range(101)])
    assert chart is not None
    assert [tick.label for tick in chart.y_ticks] == ["0", "0.2", "0.4", "0.6", "0.8", "1"]
    assert [tick.label for tick in chart.x_ticks][:2] == ["0", "20"]
    assert chart.single is None

    dot = line_chart([3], [7.0])
    assert dot is not None
    assert dot.single is not None
    assert line_chart([0, 1], [math.nan, math.nan]) is None


def test_line_chart_over_time_labels_clock_times() -> None:
    start = 1_700_000_000_000
    chart = line_chart([start + i * 60_000 for i in range(30)], [float(i) for i in range(30)], True)
    assert chart is not None
    assert all(len(tick.label) == len("12:34:56") for tick in chart.x_ticks)
