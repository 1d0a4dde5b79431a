"""Experiments, their tags and datasets: MLflow's rows into Heron's, ids kept when free.

An MLflow experiment keeps its id when the Heron database has no experiment of that id
(always the case for an empty database); an experiment whose name Heron already has is the
same experiment (so a second import finds what the first one wrote), and any other one
gets the next free id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from heron.migration.source import SourceDatabase
from heron.store.db import Database
from heron.store.db.drivers import Cursor

_ACTIVE = "active"
_MAX_ID = 2**31 - 1


@dataclass
class ExperimentMap:
    """Where each MLflow experiment went: MLflow id -> Heron id, and the datasets' uuids.

    Attributes:
        ids: MLflow experiment id -> Heron experiment id.
        names: MLflow experiment id -> name.
        datasets: MLflow dataset uuid -> Heron dataset uuid.
    """

    ids: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    datasets: dict[str, str] = field(default_factory=dict)

    def renumbered(self) -> list[str]:
        """One line per experiment whose Heron id is not its MLflow id (taken, past 32 bits,
        or an experiment of that name Heron had already)."""
        return [
            f"Experiment {self.names.get(mlflow_id, '')!r}: MLflow id {mlflow_id} is Heron "
            f"experiment {heron_id}"
            for mlflow_id, heron_id in sorted(self.ids.items())
            if mlflow_id != heron_id
        ]


def copy_experiments(source: SourceDatabase, db: Database) -> ExperimentMap:
    """Copy every experiment (active and deleted) with its tags and datasets."""
    e = "experiments"
    rows = source.all(
        f"SELECT experiment_id, name, artifact_location, lifecycle_stage, "
        f"{source.column_or_null(e, 'creation_time')}, "
        f"{source.column_or_null(e, 'last_update_time')} FROM experiments ORDER BY experiment_id"
    )
    tags = (
        source.all(f"SELECT experiment_id, {source.q('key')}, value FROM experiment_tags")
        if source.has_table("experiment_tags")
        else []
    )
    return write_experiments(db, rows, tags, _source_datasets(source))


def write_experiments(
    db: Database,
    rows: Sequence[tuple[Any, ...]],
    tags: Sequence[tuple[Any, ...]],
    datasets: Sequence[tuple[Any, ...]],
) -> ExperimentMap:
    """Write experiments in one transaction, choosing their Heron ids.

    Args:
        rows: ``(id, name, artifact_location, lifecycle_stage, creation_time,
            last_update_time)``.
        tags: ``(experiment id, key, value)``.
        datasets: ``(uuid, experiment id, name, digest, source_type, source, schema,
            profile)``.
    """
    mapping = ExperimentMap(names={int(row[0]): str(row[1]) for row in rows})

    def work(cursor: Cursor) -> None:
        mapping.ids.clear()
        cursor.execute("SELECT experiment_id, name FROM experiments")
        existing = {str(name): int(key) for key, name in cursor.fetchall()}
        taken = set(existing.values())
        next_id = max([*taken, *(int(r[0]) for r in rows if int(r[0]) <= _MAX_ID), -1]) + 1
        for eid, name, location, stage, created, updated in rows:
            if name in existing:
                mapping.ids[int(eid)] = existing[name]
                continue
            target = int(eid)
            # Ids Heron has taken, and file-store ids past a 32-bit integer, get new ones.
            if target in taken or target > _MAX_ID:
                target, next_id = next_id, next_id + 1
            taken.add(target)
            cursor.execute(
                "INSERT INTO experiments (experiment_id, name, artifact_location, "
                "lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)",
                (target, name, location, stage or _ACTIVE, created, updated),
            )
            mapping.ids[int(eid)] = target
        cursor.executemany(
            "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(mapping.ids[int(eid)], key, value) for eid, key, value in tags],
        )
        _insert_datasets(cursor, datasets, mapping)
        if db.dialect.name == "postgresql":  # explicit ids do not advance the sequence
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), "
                "GREATEST((SELECT max(experiment_id) FROM experiments), 1))"
            )

    db.write(work)
    return mapping


def _source_datasets(source: SourceDatabase) -> list[tuple[Any, ...]]:
    if not source.has_table("datasets"):
        return []
    return source.all(
        "SELECT dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, "
        "dataset_schema, dataset_profile FROM datasets"
    )


def _insert_datasets(
    cursor: Cursor, datasets: Sequence[tuple[Any, ...]], mapping: ExperimentMap
) -> None:
    cursor.executemany(
        "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, "
        "schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(row[0], mapping.ids[int(str(row[1]))], *row[2:]) for row in datasets],
    )
    # A dataset Heron already had (same experiment, name and digest) keeps its own uuid.
    for row in datasets:
        cursor.execute(
            "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
            (mapping.ids[int(str(row[1]))], row[2], row[3]),
        )
        found = cursor.fetchone()
        mapping.datasets[str(row[0])] = str(found[0]) if found else str(row[0])
