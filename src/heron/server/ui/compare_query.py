"""The compare-runs page's view as its URL states it: the runs, the table's layout and the
plots' choices.

``runs`` names the runs, repeated (``?runs=a&runs=b``, what the runs table's form sends)
or as MLflow's JSON list (``?runs=["a","b"]``, what MLflow UI links hold); ``experiments``
likewise names where to look for them first. ``diff=1`` keeps only the rows whose values
differ; ``transpose=1`` puts the runs in rows (``0``: in columns; the default turns at
:data:`TRANSPOSE_FROM` runs). ``plot`` is the open plot tab, and each plot's choices name
fields as ``param:<key>`` or ``metric:<key>``: ``parallel_axes`` (repeated, in order) and
``parallel_color``; ``scatter_x``, ``scatter_y``; ``box_x`` (a param), ``box_y`` (a metric);
``contour_x``, ``contour_y`` (params), ``contour_z`` (a metric).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams

from heron.exceptions import InvalidParameter

MAX_RUNS = 1000
TRANSPOSE_FROM = 50
PLOTS = ("parallel", "scatter", "box", "contour")
CHOICES = (
    "parallel_color",
    "scatter_x",
    "scatter_y",
    "box_x",
    "box_y",
    "contour_x",
    "contour_y",
    "contour_z",
)


@dataclass(frozen=True)
class CompareView:
    """What the URL of the compare page asks for.

    Attributes:
        run_ids: The runs, in the order given, each once.
        experiment_ids: Where the runs are looked for first (a hint; may be empty).
        differences_only: Show only the rows whose values differ between the runs.
        transpose: Runs as rows (True), as columns (False), or None for the default.
        plot: The open plot tab (one of :data:`PLOTS`).
        parallel_axes: The parallel-coordinates axes in order (empty: the default ones).
        choices: The other plot choices present in the URL, by parameter name.
    """

    run_ids: tuple[str, ...]
    experiment_ids: tuple[str, ...] = ()
    differences_only: bool = False
    transpose: bool | None = None
    plot: str = PLOTS[0]
    parallel_axes: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, params: QueryParams) -> CompareView:
        """The view of a request's query string.

        Raises:
            InvalidParameter: No run, too many runs, or a malformed JSON list.
        """
        run_ids = tuple(dict.fromkeys(id_list(params.getlist("runs"), "runs")))
        if not run_ids:
            raise InvalidParameter("Choose at least one run to compare.")
        if len(run_ids) > MAX_RUNS:
            raise InvalidParameter(
                f"Compare at most {MAX_RUNS} runs at a time ({len(run_ids)} were chosen)."
            )
        transpose = params.get("transpose")
        plot = params.get("plot", "")
        return cls(
            run_ids=run_ids,
            experiment_ids=tuple(
                dict.fromkeys(id_list(params.getlist("experiments"), "experiments"))
            ),
            differences_only=params.get("diff") == "1",
            transpose=None if transpose not in ("0", "1") else transpose == "1",
            plot=plot if plot in PLOTS else PLOTS[0],
            parallel_axes=tuple(dict.fromkeys(a for a in params.getlist("parallel_axes") if a)),
            choices={name: params[name] for name in CHOICES if params.get(name)},
        )

    def transposed(self, run_count: int) -> bool:
        """Whether the runs are rows: as asked, else from :data:`TRANSPOSE_FROM` runs on."""
        return run_count >= TRANSPOSE_FROM if self.transpose is None else self.transpose

    def query(self, **changes: Any) -> dict[str, Any]:
        """The URL parameters of this view but ``runs``, with ``changes`` (by name)."""
        values: dict[str, Any] = {
            "experiments": list(self.experiment_ids),
            "diff": "1" if self.differences_only else None,
            "transpose": None if self.transpose is None else str(int(self.transpose)),
            "plot": None if self.plot == PLOTS[0] else self.plot,
            "parallel_axes": list(self.parallel_axes),
            **self.choices,
        }
        values.update(changes)
        return values


def id_list(values: Iterable[str], name: str) -> list[str]:
    """Ids from repeated parameters, each a plain id or MLflow's JSON list of ids.

    Raises:
        InvalidParameter: A value that starts like a JSON list but is not a list of strings.
    """
    ids: list[str] = []
    for value in values:
        text = value.strip()
        if not text.startswith("["):
            if text:
                ids.append(text)
            continue
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if not isinstance(parsed, list) or not all(isinstance(i, (str, int)) for i in parsed):
            raise InvalidParameter(f"{name} must be ids or a JSON list of ids, got {text!r}")
        ids.extend(str(i).strip() for i in parsed if str(i).strip())
    return ids
