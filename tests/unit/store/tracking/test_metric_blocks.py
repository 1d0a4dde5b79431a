"""``metric_blocks``, the write-time summaries chart reads merge: after every SQL write path
they equal a summary rebuilt from the stored points; ``heron db upgrade`` backfills them;
``heron gc`` removes them with the run; a series without blocks is still answered (from
its points); :func:`rebuild_runs` restores them. The answers themselves are compared with
the generic rule on every store in tests/contract/tracking/test_sampled_histories.py."""

from __future__ import annotations

import math
import random
import sqlite3
import struct
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from heron.cli.main import cli
from heron.entities import Metric, MetricSeries, RunContent
from heron.store.db import HEAD_REVISION, Database, current_revision
from heron.store.db.migrate import run_migrations
from heron.store.tracking import sampling
from heron.store.tracking.sql import SqlTrackingStore
from heron.store.tracking.sql.blocks import (
    decode_first_last,
    decode_high,
    decode_low,
    entries_of,
    rebuild_runs,
    run_series,
    series_blocks,
    summaries,
)


def _table(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT * FROM metric_blocks ORDER BY run_uuid, key, block_shift, block_index"
        ).fetchall()


def _rebuilt(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        points = connection.execute(
            "SELECT run_uuid, key, step, timestamp, value, is_nan FROM metrics"
        ).fetchall()
    return [tuple(entry) for entry in entries_of(points)]


def _same_answer(store: SqlTrackingStore, run_id: str, key: str, **kw: Any) -> None:
    args = (kw.get("buckets", 50), kw.get("start"), kw.get("end"), "step")
    got = store.get_sampled_histories([run_id], [key], *args)
    assert repr(got) == repr(sampling.sampled_histories(store, [run_id], [key], *args))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "heron.db"


@pytest.fixture
def store(db: Path, tmp_path: Path) -> SqlTrackingStore:
    return SqlTrackingStore(f"sqlite:///{db}", str(tmp_path / "artifacts"))


def test_blocks_equal_a_rebuild_after_every_write_path(store: SqlTrackingStore, db: Path) -> None:
    run_id = store.create_run("0", "u", 1, [], "r").info.run_id
    batch = [Metric("a", (s * 37) % 101 - 50.0, 1000 + s, s) for s in range(-500, 500)]
    store.log_batch(run_id, batch, [], [])
    store.log_batch(run_id, batch[:300], [], [])  # every point stored already
    store.log_batch(run_id, [*batch[:10], Metric("a", 9e9, 1, 77)], [], [])  # some of them
    store.log_batch(run_id, [Metric("a", -1.0, 2, 5000)] * 3, [], [])  # one point 3 times
    for step in range(4090, 4110):
        store.log_metric(run_id, Metric("a", math.nan if step % 2 else float(step), 5, step))
    store.log_metric(run_id, Metric("a", 4090.0, 5, 4090))  # again
    store.log_metric(run_id, Metric("b", -0.0, 5, 3))
    store.log_metric(run_id, Metric("b", 0.0, 6, 3))
    store.log_metric(run_id, Metric("c", math.nan, 5, 3))  # a block of NaN only
    store.log_batch(
        run_id,
        [Metric("m", 1.0, 1, 1, dataset_name="d", dataset_digest="x"), Metric("a", math.inf, 1, 2)],
        [],
        [],
    )
    store.import_run(
        "0",
        RunContent(
            user_id="u",
            series=[MetricSeries("s", [1.0, math.nan, -math.inf], [1, 2, 3], [0, 9, 2**40])],
        ),
    )
    assert _table(db) == _rebuilt(db)
    assert {row[2] for row in _table(db)} == {5, 10}
    _same_answer(store, run_id, "a", buckets=3)
    _same_answer(store, run_id, "a", buckets=40, start=-17, end=4100)


def test_encoded_points_order_as_the_rule_picks_them() -> None:
    rows = [
        ("r", "k", 5, 2, 3.0, False),
        ("r", "k", 5, 1, 3.0, False),  # first in series order, and first of the equal highs
        ("r", "k", 6, 0, -2.5, False),
        ("r", "k", 7, 0, -2.5, False),  # the same low, later
        ("r", "k", 8, 0, 0.0, True),  # NaN: last, never low or high
    ]
    found = summaries(rows)
    assert set(found) == {("r", "k", 5, 0), ("r", "k", 10, 0)}
    points, first, last, low, high = found[("r", "k", 5, 0)]
    assert points == 5
    assert decode_first_last(first) == (5, 1, 3.0)
    assert decode_first_last(last)[:2] == (8, 0)
    assert math.isnan(decode_first_last(last)[2])
    assert decode_low(low) == (6, 0, -2.5)
    assert decode_high(high) == (5, 1, 3.0)
    extremes = [(-(2**63), 0, -1.7976931348623157e308), (2**63 - 1, 2**63 - 1, 5e-324)]
    for step, timestamp, value in extremes:
        row = ("r", "k", step, timestamp, value, False)
        only = summaries([row])[("r", "k", 5, step >> 5)]
        assert decode_first_last(only[1]) == (step, timestamp, value)
        assert decode_low(only[3]) == decode_high(only[4]) == (step, timestamp, value)
    assert struct.calcsize(">QQBQd") == len(first)


def test_series_read_in_key_order_give_the_general_rules_blocks(
    store: SqlTrackingStore, db: Path
) -> None:
    rng = random.Random(7)
    run_id = store.create_run("0", "u", 1, [], "r").info.run_id
    values = [0.0, -0.0, 1.5, -1.5, math.inf, -math.inf, math.nan, 5e-324, 2.5, 2.5]
    batch = [
        Metric(
            f"k{rng.randrange(4)}",
            rng.choice(values) if rng.random() < 0.5 else rng.uniform(-9, 9),
            rng.randrange(3),  # timestamps collide: ties at one step
            rng.choice([rng.randrange(-70, 70), rng.randrange(0, 5000), 2**40]),
        )
        for _ in range(3000)
    ]
    for start in range(0, len(batch), 900):
        store.log_batch(run_id, batch[start : start + 900], [], [])
    with sqlite3.connect(db) as connection:
        cursor = connection.cursor()
        fast = series_blocks(cursor, run_series(cursor, [run_id]))
    assert sorted(fast) == _rebuilt(db) == _table(db)
    assert len({row[1] for row in fast}) == 4


def test_upgrade_backfills_blocks(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    uri = f"sqlite:///{db}"
    run_migrations(uri, "r0003_registry")
    points = [("r1", "loss", s, 100 + s, 1.0 / (1 + s), False) for s in range(20_000)]
    points[7777] = ("r1", "loss", 7777, 7877, 1e6, False)
    points += [("r1", "acc", s, 5, 0.0, True) for s in range(0, 300, 7)]
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO experiments VALUES (0, 'Default', 'file:///a', 'active', 1, 1)"
        )
        connection.execute(
            "INSERT INTO runs (run_uuid, experiment_id, status, start_time, lifecycle_stage) "
            "VALUES ('r1', 0, 'FINISHED', 1, 'active')"
        )
        connection.executemany(
            "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            points,
        )
    result = CliRunner().invoke(cli, ["db", "upgrade", uri])
    assert result.exit_code == 0, result.output
    assert current_revision(uri) == HEAD_REVISION
    assert _table(db) == _rebuilt(db)
    store = SqlTrackingStore(uri, str(tmp_path / "artifacts"))
    (series,) = store.get_sampled_histories(["r1"], ["loss"], 100)
    assert 7777 in series.steps
    _same_answer(store, "r1", "loss", buckets=100)
    _same_answer(store, "r1", "acc", buckets=3)


def test_series_without_blocks_are_read_from_points_and_rebuilt(
    store: SqlTrackingStore, db: Path
) -> None:
    run_id = store.create_run("0", "u", 1, [], "r").info.run_id
    for start in range(0, 10_000, 1000):
        store.log_batch(
            run_id, [Metric("k", float(s % 97), 1, s) for s in range(start, start + 1000)], [], []
        )
    expected = _table(db)
    with sqlite3.connect(db) as connection:  # as a bulk writer that inserts only points
        connection.execute("DELETE FROM metric_blocks")
    _same_answer(store, run_id, "k", buckets=30)
    _same_answer(store, run_id, "k", buckets=30, start=33, end=9000)

    def rebuild(cursor: Any) -> None:
        rebuild_runs(cursor, [run_id])

    database = Database(f"sqlite:///{db}")
    try:
        database.write(rebuild)
    finally:
        database.close()
    assert _table(db) == expected


def test_gc_removes_a_runs_blocks(store: SqlTrackingStore, db: Path) -> None:
    doomed = store.create_run("0", "u", 1, [], "doomed").info.run_id
    kept = store.create_run("0", "u", 1, [], "kept").info.run_id
    for run_id in (doomed, kept):
        store.log_metric(run_id, Metric("loss", 0.5, 1, 0))
    store.delete_run(doomed)
    result = CliRunner().invoke(cli, ["gc", "--backend-store-uri", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    assert {row[0] for row in _table(db)} == {kept}


@pytest.mark.parametrize(
    "backend",
    [
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def test_upgrade_backfills_blocks_on_servers(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    uri = request.getfixturevalue(
        "fresh_postgres_uri" if backend == "postgresql" else "fresh_mysql_uri"
    )
    run_migrations(uri, "r0003_registry")
    points = [("r1", "loss", s, 100 + s, math.sin(s / 50.0), False) for s in range(-3000, 5000)]
    points[4321] = ("r1", "loss", 1321, 1421, 0.0, True)

    def fill(cursor: Any) -> None:
        cursor.execute(
            "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, "
            "creation_time, last_update_time) VALUES (0, 'Default', 'file:///a', 'active', 1, 1)"
        )
        cursor.execute(
            "INSERT INTO runs (run_uuid, experiment_id, status, start_time, lifecycle_stage) "
            "VALUES ('r1', 0, 'FINISHED', 1, 'active')"
        )
        cursor.executemany(
            "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            points,
        )

    database = Database(uri)
    try:
        database.write(fill)
    finally:
        database.close()
    result = CliRunner().invoke(cli, ["db", "upgrade", uri])
    assert result.exit_code == 0, result.output
    store = SqlTrackingStore(uri, str(tmp_path / "artifacts"))
    try:
        _same_answer(store, "r1", "loss", buckets=20)
        _same_answer(store, "r1", "loss", buckets=7, start=-100, end=4000)
        store.log_metric("r1", Metric("loss", 9.0, 1, 99))  # an upsert into a backfilled block
        _same_answer(store, "r1", "loss", buckets=20)
    finally:
        store.close()
