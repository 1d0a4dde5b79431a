"""Reading the runs a compare page names: one ``run_id IN (...)`` search per
:data:`CHUNK` ids, never one query per run, across every experiment they live in."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from heron.entities import Experiment, Run, ViewType
from heron.exceptions import NotFound
from heron.search import string_literal
from heron.store.tracking.base import TrackingStore

CHUNK = 500
"""Run ids per search (the filter's ``IN`` list)."""
PAGE = 1000
NAMED_MISSING = 10


def read_runs(
    store: TrackingStore, run_ids: Sequence[str], experiment_ids: Sequence[str] = ()
) -> list[Run]:
    """The runs with these ids (deleted ones too), in the order of ``run_ids``.

    The runs are looked for in ``experiment_ids`` first; those not found there, in every
    experiment of the store.

    Raises:
        NotFound: Some run does not exist (the message names the missing ids).
    """
    found: dict[str, Run] = {}
    if experiment_ids:
        found.update(_search(store, experiment_ids, run_ids))
    missing = [run_id for run_id in run_ids if run_id not in found]
    if missing:
        found.update(_search(store, list(_all_experiment_ids(store)), missing))
        missing = [run_id for run_id in run_ids if run_id not in found]
    if len(missing) == 1:
        raise NotFound(f"Run with id={missing[0]} not found")
    if missing:
        named = ", ".join(missing[:NAMED_MISSING])
        more = f" and {len(missing) - NAMED_MISSING} more" if len(missing) > NAMED_MISSING else ""
        raise NotFound(f"{len(missing)} runs not found: {named}{more}")
    return [found[run_id] for run_id in run_ids]


def read_experiments(store: TrackingStore, runs: Sequence[Run]) -> dict[str, Experiment]:
    """The experiments of these runs, by id (one read per experiment, not per run)."""
    ids = dict.fromkeys(run.info.experiment_id for run in runs)
    return {experiment_id: store.get_experiment(experiment_id) for experiment_id in ids}


def _search(
    store: TrackingStore, experiment_ids: Sequence[str], run_ids: Sequence[str]
) -> Iterator[tuple[str, Run]]:
    """``(run_id, run)`` of the runs among ``run_ids`` that live in these experiments."""
    for start in range(0, len(run_ids), CHUNK):
        chunk = run_ids[start : start + CHUNK]
        listed = ", ".join(string_literal(run_id) for run_id in chunk)
        token: str | None = None
        while True:
            page = store.search_runs(
                experiment_ids,
                f"attributes.run_id IN ({listed})",
                ViewType.ALL,
                PAGE,
                None,
                token,
            )
            yield from ((run.info.run_id, run) for run in page)
            token = page.token
            if not token:
                break


def _all_experiment_ids(store: TrackingStore) -> Iterator[str]:
    """Every experiment's id, deleted ones too."""
    token: str | None = None
    while True:
        page = store.search_experiments(ViewType.ALL, PAGE, None, None, token)
        yield from (experiment.experiment_id for experiment in page)
        token = page.token
        if not token:
            break
