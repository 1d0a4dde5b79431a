"""The datasets of some experiments, as MLflow's ``search-datasets`` UI route lists them:
each distinct (experiment, name, digest, context) a run of them logged, at most 1000."""

from __future__ import annotations

from typing import Any

from heron.entities import ViewType
from heron.exceptions import InvalidParameter
from heron.store.tracking.base import TrackingStore

MAX_EXPERIMENT_IDS = 20
"""Most experiments one request may name."""
MAX_SUMMARIES = 1000
"""Most summaries one answer holds (MLflow's limit)."""
_PAGE = 1000


def dataset_summaries(store: TrackingStore, experiment_ids: list[str]) -> list[dict[str, Any]]:
    """``{"experiment_id", "name", "digest"[, "context"]}`` of each dataset the runs of these
    experiments (deleted runs too) took as input, each once.

    Raises:
        InvalidParameter: An experiment id is not an integer (MLflow's message).
    """
    for experiment_id in experiment_ids:
        try:
            int(experiment_id)
        except ValueError:
            raise InvalidParameter(
                f"Invalid experiment ID '{experiment_id}'. Experiment ID must be a valid integer."
            ) from None
    found: dict[tuple[str, str, str, str | None], None] = {}
    token: str | None = None
    while len(found) < MAX_SUMMARIES:
        page = store.search_runs(
            experiment_ids, None, ViewType.ALL, _PAGE, ["attributes.start_time DESC"], token
        )
        for run in page:
            for used in run.inputs.dataset_inputs:
                key = (run.info.experiment_id, used.dataset.name, used.dataset.digest, used.context)
                found.setdefault(key, None)
        token = page.token
        if not token:
            break
    summaries = []
    for experiment_id, name, digest, context in list(found)[:MAX_SUMMARIES]:
        summary: dict[str, Any] = {"experiment_id": experiment_id, "name": name, "digest": digest}
        if context is not None:
            summary["context"] = context
        summaries.append(summary)
    return summaries
