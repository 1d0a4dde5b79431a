"""The final check of an import: counts, and a checksum per run, on both sides.

A run's checksum covers its row (experiment, status, times, lifecycle stage, artifact
URI), its params and tags (SHA-256 of the sorted pairs), and its metric points: their
number, the sums of their steps, timestamps and NaN flags, and the smallest and largest
value, per metric key, which must match exactly, and the sum of each key's values (to
1e-9 relative: the databases may add in another order).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from heron.migration.experiments import ExperimentMap
from heron.migration.source import SourceDatabase
from heron.store.db import Database
from heron.store.db.drivers import Cursor

_CHUNK = 500


@dataclass
class Verification:
    """What differs between the source and Heron (empty lists: the import is complete).

    Attributes:
        runs_checked: Runs compared.
        points_checked: Metric points counted on both sides.
        differences: One line per difference found.
    """

    runs_checked: int = 0
    points_checked: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing differs."""
        return not self.differences


def verify_runs(
    source: SourceDatabase,
    db: Database,
    runs: Sequence[tuple[Any, ...]],
    mapping: ExperimentMap,
    artifact_uris: dict[str, str],
    result: Verification,
) -> None:
    """Compare ``runs`` (rows of ``run_rows``) one chunk at a time, adding to ``result``."""
    for start in range(0, len(runs), _CHUNK):
        chunk = runs[start : start + _CHUNK]
        ids = [str(row[0]) for row in chunk]
        expected = _source_sums(source, ids, chunk, mapping, artifact_uris)
        actual = db.read(lambda cursor, ids=ids: _heron_sums(cursor, ids))  # type: ignore[misc]
        for run_id in ids:
            want, got = expected[run_id], actual.get(run_id)
            if got is None:
                result.differences.append(f"run {run_id} is missing")
            elif want[:-1] != got[:-1] or not _close(want[-1], got[-1]):
                result.differences.append(f"run {run_id} differs: {_what_differs(want, got)}")
            result.points_checked += sum(int(per_key[1]) for per_key in want[2])
        result.runs_checked += len(ids)


_FIELDS = ("run", "params and tags", "metric points", "metric values")


def _what_differs(want: tuple[Any, ...], got: tuple[Any, ...]) -> str:
    names = [name for name, a, b in zip(_FIELDS[:-1], want[:-1], got[:-1], strict=True) if a != b]
    if not _close(want[-1], got[-1]):
        names.append(_FIELDS[-1])
    return ", ".join(names)


def _close(want: Sequence[float], got: Sequence[float]) -> bool:
    return len(want) == len(got) and all(
        math.isclose(a, b, rel_tol=1e-9) for a, b in zip(want, got, strict=True)
    )


def _digest(pairs: Iterable[tuple[Any, ...]]) -> dict[str, str]:
    grouped: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for kind, run, key, value in pairs:
        grouped[str(run)].append((str(kind), str(key), "" if value is None else str(value)))
    return {
        run: hashlib.sha256(repr(sorted(values)).encode()).hexdigest()
        for run, values in grouped.items()
    }


def _source_sums(
    source: SourceDatabase,
    ids: list[str],
    runs: Sequence[tuple[Any, ...]],
    mapping: ExperimentMap,
    artifact_uris: dict[str, str],
) -> dict[str, tuple[Any, ...]]:
    marks, q = ", ".join("?" * len(ids)), source.q
    pairs = source.all(
        f"SELECT 'p', run_uuid, {q('key')}, value FROM params WHERE run_uuid IN ({marks}) "
        f"UNION ALL SELECT 't', run_uuid, {q('key')}, value FROM tags "
        f"WHERE run_uuid IN ({marks})",
        ids + ids,
    )
    metrics = _metric_sums(
        source.all(
            f"SELECT run_uuid, {q('key')}, count(*), {_sum(source, 'step')}, "
            f"sum({q('timestamp')}), {_sum(source, 'is_nan')}, min(value), max(value), "
            f"sum(value) FROM metrics WHERE run_uuid IN ({marks}) GROUP BY run_uuid, {q('key')}",
            ids,
        )
    )
    digests = _digest(pairs)
    sums = {}
    for row in runs:
        run_id, eid, _, _, status, start, end, stage, _, uri = row
        identity = (mapping.ids[int(eid)], status or "FINISHED", start, end, stage or "active",
                    artifact_uris.get(run_id, uri))  # fmt: skip
        sums[run_id] = (identity, digests.get(run_id, ""), *metrics.get(run_id, ((), ())))
    return sums


def _sum(source: SourceDatabase, column: str) -> str:
    """The sum of a metric column, 0 where an old MLflow schema lacks it."""
    if column not in source.columns("metrics"):
        return "0"
    if column == "is_nan":
        return "sum(CASE WHEN is_nan THEN 1 ELSE 0 END)"
    return f"sum({column})"


def _heron_sums(cursor: Cursor, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    marks = ", ".join("?" * len(ids))
    cursor.execute(
        "SELECT run_uuid, experiment_id, status, start_time, end_time, lifecycle_stage, "
        f"artifact_uri FROM runs WHERE run_uuid IN ({marks})",
        ids,
    )
    identities = {str(row[0]): tuple(row[1:]) for row in cursor.fetchall()}
    cursor.execute(
        f"SELECT 'p', run_uuid, key, value FROM params WHERE run_uuid IN ({marks}) "
        f"UNION ALL SELECT 't', run_uuid, key, value FROM tags WHERE run_uuid IN ({marks})",
        ids + ids,
    )
    digests = _digest(cursor.fetchall())
    cursor.execute(
        "SELECT run_uuid, key, count(*), sum(step), sum(timestamp), "
        "sum(CASE WHEN is_nan THEN 1 ELSE 0 END), min(value), max(value), sum(value) "
        f"FROM metrics WHERE run_uuid IN ({marks}) GROUP BY run_uuid, key",
        ids,
    )
    metrics = _metric_sums(cursor.fetchall())
    return {
        run_id: (identity, digests.get(run_id, ""), *metrics.get(run_id, ((), ())))
        for run_id, identity in identities.items()
    }


def _metric_sums(
    rows: Iterable[Sequence[Any]],
) -> dict[str, tuple[tuple[tuple[Any, ...], ...], tuple[float, ...]]]:
    """Run id -> (per key, in key order: (key, count, sums of steps, timestamps, NaN flags,
    min and max value); per key: the sum of values)."""
    per_run: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for run, key, *numbers in rows:
        counts = tuple(int(n or 0) for n in numbers[:4])
        low, high, total = (float(n or 0.0) for n in numbers[4:])
        per_run[str(run)].append((str(key), *counts, low, high, total))
    result = {}
    for run, keys in per_run.items():
        keys.sort()
        result[run] = (tuple(k[:-1] for k in keys), tuple(float(k[-1]) for k in keys))
    return result


def verify_entities(
    source: SourceDatabase, db: Database, mapping: ExperimentMap, result: Verification
) -> None:
    """Check that every experiment, logged model, registered model, version and alias of
    the source is in Heron (counts compared; the missing ones named, up to ten)."""
    workspace = " WHERE workspace = 'default'" if "workspace" in source.columns(
        "registered_models") else ""  # fmt: skip
    wanted: dict[str, set[tuple[Any, ...]]] = {
        "experiments": {(heron_id,) for heron_id in mapping.ids.values()},
        "logged models": _source_set(source, "logged_models", "model_id", ""),
        "registered models": _source_set(source, "registered_models", "name", workspace),
        "model versions": _source_set(source, "model_versions", "name, version", workspace),
        "aliases": _source_set(
            source, "registered_model_aliases", "name, alias, version", workspace
        ),
    }
    found = db.read(_heron_sets)
    for kind, expected in wanted.items():
        missing = expected - found[kind]
        if missing:
            named = ", ".join(str(item if len(item) > 1 else item[0]) for item in sorted(
                missing, key=str)[:10])  # fmt: skip
            result.differences.append(
                f"{len(missing)} of {len(expected)} {kind} missing in Heron: {named}"
            )


def _source_set(source: SourceDatabase, table: str, columns: str, where: str) -> set[Any]:
    if not source.has_table(table):
        return set()
    return {_normal(row) for row in source.all(f"SELECT {columns} FROM {table}{where}")}


def _normal(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(int(v) if isinstance(v, int) else str(v) for v in row)


def _heron_sets(cursor: Cursor) -> dict[str, set[tuple[Any, ...]]]:
    queries = {
        "experiments": "SELECT experiment_id FROM experiments",
        "logged models": "SELECT model_id FROM logged_models",
        "registered models": "SELECT name FROM registered_models",
        "model versions": "SELECT m.name, v.version FROM model_versions v "
        "JOIN registered_models m ON m.model_key = v.model_key",
        "aliases": "SELECT m.name, a.alias, a.version FROM registered_model_aliases a "
        "JOIN registered_models m ON m.model_key = a.model_key",
    }
    sets = {}
    for kind, sql in queries.items():
        cursor.execute(sql)
        sets[kind] = {_normal(row) for row in cursor.fetchall()}
    return sets
