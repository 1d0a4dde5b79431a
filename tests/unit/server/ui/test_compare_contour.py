"""The contour grid: inverse-distance weighting between the runs, exact at a run, log
spacing for wide positive ranges, nothing to draw without two values on each axis."""

from __future__ import annotations

import pytest

from heron.server.ui.compare_contour import contour_grid


def test_grid_is_exact_at_the_runs_and_between_their_values_elsewhere() -> None:
    grid = contour_grid([0, 1, 0, 1], [0, 0, 1, 1], [1.0, 2.0, 3.0, 4.0], size=5)

    assert grid is not None
    assert grid.x.centres == [0, 0.25, 0.5, 0.75, 1]
    assert not grid.x.log
    corners = [grid.values[0][0], grid.values[0][4], grid.values[4][0], grid.values[4][4]]
    assert corners == [1.0, 2.0, 3.0, 4.0]
    assert grid.values[2][2] == pytest.approx(2.5)  # the centre: equally far from all four
    assert all(1.0 <= value <= 4.0 for row in grid.values for value in row)


def test_runs_at_the_same_point_are_averaged() -> None:
    grid = contour_grid([0, 0, 1], [0, 0, 1], [1.0, 3.0, 10.0], size=3)

    assert grid is not None
    assert grid.values[0][0] == 2.0


def test_wide_positive_ranges_are_spaced_on_a_log_scale() -> None:
    grid = contour_grid([0.001, 0.1, 0.01], [1, 2, 3], [1.0, 2.0, 3.0], size=3)

    assert grid is not None
    assert grid.x.log
    assert grid.x.centres == pytest.approx([0.001, 0.01, 0.1])
    assert grid.values[2][1] == pytest.approx(3.0)  # the run at (0.01, 3): the middle column
    assert not grid.y.log
    assert grid.as_json()["log_x"] is True


def test_no_grid_without_two_values_on_each_axis() -> None:
    assert contour_grid([1, 1], [1, 2], [1.0, 2.0]) is None
    assert contour_grid([], [], []) is None
