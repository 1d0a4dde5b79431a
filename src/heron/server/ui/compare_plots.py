"""The compare page's plots: each param and latest metric as a field of values per run, the
plots' choices (from the URL, else sensible defaults) and the data the page's script
draws from (sent as JSON in the page; no plot receives HTML)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

from heron.entities import Run
from heron.server.ui.compare_contour import contour_grid
from heron.server.ui.compare_query import CompareView

Value = float | str | None
DEFAULT_PARAM_AXES = 8
DEFAULT_METRIC_AXES = 3
BOX_MAX_GROUPS = 30
RUN_COLOURS = "run"
"""``parallel_color`` for one colour per run instead of a metric's scale."""


@dataclass(frozen=True)
class PlotField:
    """A param or a metric's latest value, for each run (None where a run has none).

    Attributes:
        id: ``param:<key>`` or ``metric:<key>``, as the URL names it.
        kind: ``param`` or ``metric``.
        key: The param's or metric's key.
        values: One per run, in the page's order: numbers when ``numeric``, else text.
        numeric: Every value present is a finite number (metrics: always; NaN and
            infinities count as absent).
    """

    id: str
    kind: Literal["param", "metric"]
    key: str
    values: tuple[Value, ...]
    numeric: bool

    @property
    def distinct(self) -> int:
        """How many different values the runs have (absent ones not counted)."""
        return len({value for value in self.values if value is not None})

    @property
    def present(self) -> int:
        """How many runs have a value."""
        return sum(value is not None for value in self.values)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "key": self.key,
            "numeric": self.numeric,
            "values": list(self.values),
        }


def plot_fields(runs: Sequence[Run]) -> list[PlotField]:
    """Every param, then every metric, of any of the runs, each sorted by key."""
    param_keys = sorted({key for run in runs for key in run.data.params})
    metric_keys = sorted({key for run in runs for key in run.data.metrics})
    fields = [_param_field(key, [run.data.params.get(key) for run in runs]) for key in param_keys]
    for key in metric_keys:
        values = tuple(_finite(run.data.metrics.get(key)) for run in runs)
        fields.append(PlotField(f"metric:{key}", "metric", key, values, True))
    return fields


def plot_state(view: CompareView, fields: Sequence[PlotField]) -> dict[str, Any]:
    """The plots' choices: those of the URL that name a fitting field, defaults for the rest."""
    lists = choice_lists(fields)
    params = lists["params"]
    # Defaults take the metrics (and the contour's params) most runs have first: a metric
    # of one run of twenty would colour the other lines out of the parallel plot and leave
    # the scatter nearly empty; a param of child runs only leaves the contour without a grid.
    metrics = sorted(lists["metrics"], key=lambda field: -field.present)
    numeric_params = sorted(lists["numeric_params"], key=lambda field: -field.present)
    varying = [f for f in params if f.distinct > 1] or params
    by_id = {f.id: f for f in fields}
    axes = [a for a in view.parallel_axes if a in by_id]
    if not axes:
        axes = [f.id for f in varying[:DEFAULT_PARAM_AXES] + metrics[:DEFAULT_METRIC_AXES]]
    axis_metrics = [a for a in axes if by_id[a].kind == "metric"]
    groupable = [f for f in varying if f.distinct <= BOX_MAX_GROUPS] or varying

    def chosen(name: str, allowed: Sequence[PlotField], *defaults: str | None) -> str | None:
        value = view.choices.get(name)
        if value in {f.id for f in allowed}:
            return value
        return next((d for d in defaults if d), None)

    first = [f.id for f in varying + metrics]
    color = view.choices.get("parallel_color")
    return {
        "plot": view.plot,
        "parallel_axes": axes,
        "parallel_color": RUN_COLOURS
        if color == RUN_COLOURS
        else chosen(
            "parallel_color", lists["numeric"], *axis_metrics, _id(metrics, 0), RUN_COLOURS
        ),
        "scatter_x": chosen("scatter_x", fields, *first[:1]),
        "scatter_y": chosen("scatter_y", fields, _id(metrics, 0), *first[1:2]),
        "box_x": chosen("box_x", params, _id(groupable, 0)),
        "box_y": chosen("box_y", metrics, _id(metrics, 0)),
        "contour_x": chosen("contour_x", numeric_params, _id(numeric_params, 0)),
        "contour_y": chosen("contour_y", numeric_params, _id(numeric_params, 1)),
        "contour_z": chosen("contour_z", metrics, _id(metrics, 0)),
    }


def contour_data(fields: Sequence[PlotField], state: Mapping[str, Any]) -> dict[str, Any]:
    """The contour plot's grid for the chosen fields, or a message saying what is missing."""
    by_id = {f.id: f for f in fields}
    chosen = [by_id.get(state.get(name) or "") for name in ("contour_x", "contour_y", "contour_z")]
    x, y, z = chosen
    if x is None or y is None or z is None:
        return {"message": "A contour plot needs two numeric params and a metric."}
    if x.id == y.id:
        return {"message": "Choose two different params."}
    points = [
        (float(px), float(py), float(pz))
        for px, py, pz in zip(x.values, y.values, z.values, strict=True)
        if _is_number(px) and _is_number(py) and _is_number(pz)
    ]
    xs, ys, zs = ([point[axis] for point in points] for axis in range(3))
    grid = contour_grid(xs, ys, zs)
    if grid is None:
        return {"message": "The runs that have these values do not span two values of each param."}
    return {"grid": grid.as_json(), "x": x.id, "y": y.id, "z": z.id}


def _param_field(key: str, texts: list[str | None]) -> PlotField:
    numbers = [_number(text) for text in texts]
    numeric = any(t is not None for t in texts) and all(
        n is not None for n, t in zip(numbers, texts, strict=True) if t is not None
    )
    values: tuple[Value, ...] = tuple(numbers) if numeric else tuple(texts)
    return PlotField(f"param:{key}", "param", key, values, numeric)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return _finite(float(text))
    except ValueError:
        return None


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _is_number(value: Value) -> TypeGuard[float]:
    return isinstance(value, (int, float))


def _id(fields: Sequence[PlotField], index: int) -> str | None:
    return fields[index].id if len(fields) > index else None


def choice_lists(fields: Sequence[PlotField]) -> dict[str, list[PlotField]]:
    """The fields each plot choice may name: ``all``, ``numeric``, ``params``, ``metrics``
    and ``numeric_params`` (those taking two values or more: a contour's axes)."""
    return {
        "all": list(fields),
        "numeric": [f for f in fields if f.numeric],
        "params": [f for f in fields if f.kind == "param"],
        "metrics": [f for f in fields if f.kind == "metric"],
        "numeric_params": [f for f in fields if f.kind == "param" and f.numeric and f.distinct > 1],
    }
