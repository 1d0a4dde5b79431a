"""The datasets of some experiments, as MLflow's ``search-datasets`` UI route lists them:
each distinct (experiment, name, digest, context) a run of them logged, at most 1000."""

from __future__ import annotations

from typing import Any

from heron.exceptions import InvalidParameter
from heron.store.tracking.base import TrackingStore

MAX_EXPERIMENT_IDS = 20
"""Most experiments one request may name."""
MAX_SUMMARIES = 1000
"""Most summaries one answer holds (MLflow's limit)."""


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
    answer = []
    for found in store.get_dataset_summaries(experiment_ids, MAX_SUMMARIES):
        summary: dict[str, Any] = {
            "experiment_id": found.experiment_id,
            "name": found.name,
            "digest": found.digest,
        }
        if found.context is not None:
            summary["context"] = found.context
        answer.append(summary)
    return answer
