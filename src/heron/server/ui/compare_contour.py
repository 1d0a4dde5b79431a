"""The contour plot's grid: a metric over two numeric params, interpolated between the runs
by inverse-distance weighting (power 2; plain Python: a few hundred runs on a 30 x 30 grid).

Distances are measured with each axis scaled to [0, 1], on a log scale for an axis whose
values are all positive and span :data:`LOG_SPAN` or more (learning rates, batch sizes),
so that one axis's units do not outweigh the other's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

GRID = 30
LOG_SPAN = 100.0
_EXACT = 1e-12


@dataclass(frozen=True)
class Axis:
    """A grid axis: the cells' centre values, and whether they are spaced on a log scale."""

    centres: list[float]
    log: bool


@dataclass(frozen=True)
class Grid:
    """The interpolated metric: ``values[j][i]`` at ``(x.centres[i], y.centres[j])``."""

    x: Axis
    y: Axis
    values: list[list[float]]

    def as_json(self) -> dict[str, object]:
        """The grid as the page's script reads it."""
        return {
            "x": self.x.centres,
            "y": self.y.centres,
            "log_x": self.x.log,
            "log_y": self.y.log,
            "values": self.values,
        }


def contour_grid(
    xs: Sequence[float], ys: Sequence[float], zs: Sequence[float], size: int = GRID
) -> Grid | None:
    """The grid of ``zs`` measured at ``(xs[k], ys[k])``; None unless both coordinates take
    at least two values (there is no surface to draw)."""
    x_axis = _axis(xs, size)
    y_axis = _axis(ys, size)
    if x_axis is None or y_axis is None:
        return None
    points = _merged([_scaled(x, x_axis) for x in xs], [_scaled(y, y_axis) for y in ys], list(zs))
    grid_xs = [_scaled(x, x_axis) for x in x_axis.centres]
    grid_ys = [_scaled(y, y_axis) for y in y_axis.centres]
    values = [[_weighted(gx, gy, points) for gx in grid_xs] for gy in grid_ys]
    return Grid(x_axis, y_axis, values)


def _axis(values: Sequence[float], size: int) -> Axis | None:
    low, high = min(values, default=0.0), max(values, default=0.0)
    if not values or low == high:
        return None
    log = low > 0 and high / low >= LOG_SPAN
    if log:
        low, high = math.log10(low), math.log10(high)
    step = (high - low) / (size - 1)
    centres = [low + step * i for i in range(size)]
    return Axis([10**c for c in centres] if log else centres, log)


def _scaled(value: float, axis: Axis) -> float:
    """``value`` on the axis, from 0 (first centre) to 1 (last)."""
    low, high = axis.centres[0], axis.centres[-1]
    if axis.log:
        value, low, high = math.log10(value), math.log10(low), math.log10(high)
    return (value - low) / (high - low)


def _merged(xs: list[float], ys: list[float], zs: list[float]) -> list[tuple[float, float, float]]:
    """The points, runs at the same coordinates averaged into one (sweeps repeat them)."""
    sums: dict[tuple[float, float], list[float]] = {}
    for x, y, z in zip(xs, ys, zs, strict=True):
        total = sums.setdefault((x, y), [0.0, 0.0])
        total[0] += z
        total[1] += 1
    return [(x, y, total / count) for (x, y), (total, count) in sums.items()]


def _weighted(gx: float, gy: float, points: list[tuple[float, float, float]]) -> float:
    """Inverse-distance-weighted mean of the points at ``(gx, gy)``."""
    weights = 0.0
    total = 0.0
    for x, y, z in points:
        squared = (x - gx) ** 2 + (y - gy) ** 2
        if squared < _EXACT:
            return z
        weight = 1.0 / squared  # the inverse of the distance squared
        weights += weight
        total += weight * z
    return total / weights
