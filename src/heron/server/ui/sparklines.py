"""Metric histories drawn as server-side SVG: a tiny sparkline per metric on the run page
and a line chart with axes on the metric page.

Everything here returns numbers and coordinate strings for templates; no markup is built
from strings, so nothing a user logged can reach the page unescaped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from heron.server.ui.formatting import number

SPARK_WIDTH = 100
SPARK_HEIGHT = 24
SPARK_POINTS = 50


def downsample(
    xs: Sequence[float], ys: Sequence[float], points: int
) -> tuple[list[float], list[float]]:
    """At most about ``points`` finite points (as x and y columns) keeping the line's shape.

    The history is cut into ``points / 2`` buckets; each gives its lowest and highest
    point, in the order they were logged, so spikes survive the thinning. NaN and
    infinite values are left out. Slicing and ``min``/``max`` do the work, so a long
    history costs little.
    """
    if not all(map(math.isfinite, ys)):
        kept = [index for index, value in enumerate(ys) if math.isfinite(value)]
        xs, ys = [xs[index] for index in kept], [ys[index] for index in kept]
    total = len(ys)
    if total <= points:
        return list(xs), list(ys)
    buckets = max(1, points // 2)
    chosen: list[int] = []
    for bucket in range(buckets):
        start, end = bucket * total // buckets, (bucket + 1) * total // buckets
        if end <= start:
            continue
        part = ys[start:end]
        low = start + part.index(min(part))
        high = start + part.index(max(part))
        chosen.extend(sorted({low, high}))
    return [xs[index] for index in chosen], [ys[index] for index in chosen]


def sparkline(steps: Sequence[int], values: Sequence[float]) -> str:
    """The ``points`` attribute of a ``<polyline>`` in a ``0 0 100 24`` view box, or ``""``
    when there is nothing to draw (fewer than two finite values)."""
    xs: Sequence[float] = steps if steps and min(steps) != max(steps) else range(len(values))
    kept_x, kept_y = downsample(xs, values, SPARK_POINTS)
    if len(kept_y) < 2:
        return ""
    return _polyline(
        _Box.around(kept_x, kept_y), kept_x, kept_y, 0, 1, SPARK_WIDTH, SPARK_HEIGHT - 2
    )


def _polyline(
    box: _Box,
    xs: Sequence[float],
    ys: Sequence[float],
    left: float,
    top: float,
    width: float,
    height: float,
) -> str:
    """``x,y x,y ...`` of the points placed in a drawing area (y grows downwards)."""
    x_span, y_span = box.x_high - box.x_low, box.y_high - box.y_low
    x_scale = width / x_span if x_span else 0.0
    y_scale = height / y_span if y_span else 0.0
    x_shift = left - box.x_low * x_scale + (0 if x_span else width / 2)
    y_shift = top + box.y_high * y_scale + (0 if y_span else height / 2)
    pairs = zip(xs, ys, strict=True)
    return " ".join(f"{x * x_scale + x_shift:.1f},{y_shift - y * y_scale:.1f}" for x, y in pairs)


@dataclass(frozen=True)
class _Box:
    """The range of the data, mapped onto a drawing area (y grows downwards)."""

    x_low: float
    x_high: float
    y_low: float
    y_high: float

    @classmethod
    def around(cls, xs: Sequence[float], ys: Sequence[float]) -> _Box:
        return cls(min(xs), max(xs), min(ys), max(ys))

    def x(self, value: float, width: float) -> float:
        span = self.x_high - self.x_low
        return (value - self.x_low) / span * width if span else width / 2

    def y(self, value: float, height: float) -> float:
        span = self.y_high - self.y_low
        return height - (value - self.y_low) / span * height if span else height / 2


@dataclass(frozen=True)
class Tick:
    """An axis label at a position of the chart's drawing area."""

    position: float
    label: str


@dataclass(frozen=True)
class LineChart:
    """A metric's history laid out for ``templates/run/_chart.html``."""

    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    points: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    single: tuple[float, float] | None = None


CHART_POINTS = 1000


def line_chart(
    xs: Sequence[float], ys: Sequence[float], time_axis: bool = False
) -> LineChart | None:
    """The chart of ``ys`` over ``xs`` (steps, or millisecond times when ``time_axis``),
    thinned to about a thousand points; None when no value is finite."""
    kept_x, kept_y = downsample(xs, ys, CHART_POINTS)
    if not kept_y:
        return None
    width, height, left, top, right, bottom = 1000, 320, 64, 12, 20, 30
    plot_width, plot_height = width - left - right, height - top - bottom
    box = _Box.around(kept_x, kept_y)
    y_ticks = [
        Tick(top + box.y(value, plot_height), number(value))
        for value in _nice_ticks(box.y_low, box.y_high)
    ]
    span = box.x_high - box.x_low
    x_ticks = [
        Tick(
            left + box.x(value, plot_width),
            _time_label(value, span) if time_axis else number(value),
        )
        for value in _nice_ticks(box.x_low, box.x_high)
    ]
    points = _polyline(box, kept_x, kept_y, left, top, plot_width, plot_height)
    single = None
    if len(kept_y) == 1:
        single = (left + box.x(kept_x[0], plot_width), top + box.y(kept_y[0], plot_height))
    return LineChart(
        width, height, left, top, plot_width, plot_height, points, x_ticks, y_ticks, single
    )


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values between ``low`` and ``high`` (both ends when they are equal)."""
    if high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _time_label(millis: float, span: float) -> str:
    moment = dt.datetime.fromtimestamp(millis / 1000, tz=dt.timezone.utc)
    return moment.strftime("%m-%d %H:%M" if span > 86_400_000 else "%H:%M:%S")
