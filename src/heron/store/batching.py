"""Splitting metrics, params and tags into ``log_batch`` calls within MLflow's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from heron.entities import Metric, Param, RunTag
from heron.validation import (
    MAX_ENTITIES_PER_BATCH,
    MAX_METRICS_PER_BATCH,
    MAX_PARAMS_PER_BATCH,
    MAX_TAGS_PER_BATCH,
)

T = TypeVar("T")

Batch = tuple[list[Metric], list[Param], list[RunTag]]
"""The metrics, params and tags of one ``log_batch`` call."""


def _chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def fits_in_batch(metrics: int, params: int, tags: int) -> bool:
    """Whether a batch of this many metrics, params and tags is within MLflow's limits."""
    return (
        metrics <= MAX_METRICS_PER_BATCH
        and params <= MAX_PARAMS_PER_BATCH
        and tags <= MAX_TAGS_PER_BATCH
        and metrics + params + tags <= MAX_ENTITIES_PER_BATCH
    )


def split_batch(
    metrics: Sequence[Metric], params: Sequence[Param], tags: Sequence[RunTag]
) -> list[Batch]:
    """Split a large batch the way MLflow's client does.

    Each call takes up to 100 params and 100 tags and fills the rest of the 1000-entity
    allowance with metrics; metrics left over go in calls of 1000. Nothing to log gives
    no calls.
    """
    batches: list[Batch] = []
    remaining = list(metrics)
    param_chunks = _chunks(params, MAX_PARAMS_PER_BATCH)
    tag_chunks = _chunks(tags, MAX_TAGS_PER_BATCH)
    for index in range(max(len(param_chunks), len(tag_chunks))):
        param_chunk = param_chunks[index] if index < len(param_chunks) else []
        tag_chunk = tag_chunks[index] if index < len(tag_chunks) else []
        room = MAX_ENTITIES_PER_BATCH - len(param_chunk) - len(tag_chunk)
        room = max(min(room, MAX_METRICS_PER_BATCH), 0)
        batches.append((remaining[:room], param_chunk, tag_chunk))
        remaining = remaining[room:]
    batches.extend((chunk, [], []) for chunk in _chunks(remaining, MAX_METRICS_PER_BATCH))
    return batches
