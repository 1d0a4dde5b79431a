"""Whole runs: import_run writes a run at once, get_run_histories reads every point.

Each backend's own version (one transaction, one query, Heron's routes) is checked against
the contract and against the generic version of :class:`TrackingStore`.
"""

from __future__ import annotations

import math

import pytest

from heron.entities import Metric, MetricSeries, Param, RunContent, RunTag, ViewType
from heron.exceptions import InvalidParameter, NotFound
from heron.store.tracking.base import TrackingStore


def _content(**changes: object) -> RunContent:
    fields: dict[str, object] = {
        "user_id": "someone",
        "start_time": 1_000,
        "run_name": "copied",
        "status": "FINISHED",
        "end_time": 5_000,
        "tags": [RunTag("team", "a"), RunTag("mlflow.note.content", "hello")],
        "params": [Param(f"p{i}", str(i)) for i in range(150)],  # past a batch's 100
        "series": [
            MetricSeries(
                "loss",
                [1.5 - i / 1000 for i in range(1200)],
                [10 + i for i in range(1200)],
                list(range(1200)),
            ),
            MetricSeries("odd", [math.nan, math.inf, -math.inf, 2.0], [1, 2, 3, 4], [-1, 0, 0, 7]),
        ],
    }
    fields.update(changes)
    return RunContent(**fields)  # type: ignore[arg-type]


def _finite(values: object) -> list[object]:
    return ["nan" if isinstance(v, float) and math.isnan(v) else v for v in values]  # type: ignore[attr-defined]


def test_import_run_keeps_everything(store: TrackingStore, experiment_id: str) -> None:
    run = store.import_run(experiment_id, _content())
    info = run.info
    assert (info.user_id, info.start_time, info.end_time, info.status, info.run_name) == (
        "someone",
        1_000,
        5_000,
        "FINISHED",
        "copied",
    )
    assert info.experiment_id == experiment_id
    assert info.lifecycle_stage == "active"
    stored = store.get_run(info.run_id)
    assert run.info == stored.info
    assert (run.data.metrics, run.data.params, run.data.tags) == (
        stored.data.metrics,
        stored.data.params,
        stored.data.tags,
    )
    assert stored.data.params == {f"p{i}": str(i) for i in range(150)}
    assert stored.data.tags["team"] == "a"
    assert stored.data.tags["mlflow.runName"] == "copied"
    assert stored.data.metrics["loss"] == pytest.approx(1.5 - 1199 / 1000)
    assert stored.data.metrics["odd"] == 2.0  # the point at the highest step
    history = store.get_metric_history(info.run_id, "loss")
    assert [(m.step, m.timestamp) for m in history] == [(i, 10 + i) for i in range(1200)]
    odd = store.get_metric_history(info.run_id, "odd")
    assert [m.step for m in odd] == [-1, 0, 0, 7]
    assert math.isnan(odd[0].value)
    assert odd[1].value > 1e308
    assert odd[2].value < -1e308


def test_histories_come_back_as_series(store: TrackingStore, experiment_id: str) -> None:
    first = store.import_run(experiment_id, _content()).info.run_id
    empty = store.import_run(experiment_id, _content(series=[], params=[])).info.run_id
    history, none = store.get_run_histories([first, empty])
    assert (history.run_id, none.run_id) == (first, empty)
    assert (list(none.series), list(none.points)) == ([], [])
    by_key = {series.key: series for series in history.series}
    assert sorted(by_key) == ["loss", "odd"]
    assert not history.points
    assert list(by_key["loss"].steps) == list(range(1200))
    assert list(by_key["loss"].timestamps) == [10 + i for i in range(1200)]
    assert list(by_key["loss"].values) == pytest.approx([1.5 - i / 1000 for i in range(1200)])
    odd = by_key["odd"]
    assert (list(odd.steps), list(odd.timestamps)) == ([-1, 0, 0, 7], [1, 2, 3, 4])
    assert _finite(odd.values)[0] == "nan"
    assert list(odd.values)[3] == 2.0


def test_histories_match_the_generic_version(store: TrackingStore, experiment_id: str) -> None:
    run_ids = [store.import_run(experiment_id, _content()).info.run_id for _ in range(3)]
    run_ids.reverse()
    ours = store.get_run_histories(run_ids)
    generic = TrackingStore.get_run_histories(store, run_ids)
    assert [h.run_id for h in ours] == run_ids == [h.run_id for h in generic]
    for mine, reference in zip(ours, generic, strict=True):
        assert [
            (s.key, _finite(s.values), list(s.timestamps), list(s.steps)) for s in mine.series
        ] == [
            (s.key, _finite(s.values), list(s.timestamps), list(s.steps)) for s in reference.series
        ]


def test_import_matches_the_generic_version(store: TrackingStore, experiment_id: str) -> None:
    ours = store.import_run(experiment_id, _content())
    generic = TrackingStore.import_run(store, experiment_id, _content())
    assert ours.data.params == generic.data.params
    assert ours.data.tags == generic.data.tags
    assert ours.data.metrics["loss"] == generic.data.metrics["loss"]
    mine = store.get_metric_history(ours.info.run_id, "loss")
    reference = store.get_metric_history(generic.info.run_id, "loss")
    assert [(m.value, m.timestamp, m.step) for m in mine] == [
        (m.value, m.timestamp, m.step) for m in reference
    ]
    for field in ("user_id", "start_time", "end_time", "status", "run_name"):
        assert getattr(ours.info, field) == getattr(generic.info, field)


def test_points_with_a_logged_model(store: TrackingStore, experiment_id: str) -> None:
    model = store.create_logged_model(experiment_id, name="m")
    points = [
        Metric("acc", 0.5 + step / 10, 100 + step, step, model_id=model.model_id)
        for step in range(3)
    ]
    run = store.import_run(experiment_id, _content(points=points))
    (history,) = store.get_run_histories([run.info.run_id])
    assert [(p.key, p.step, p.model_id) for p in history.points] == [
        ("acc", step, model.model_id) for step in range(3)
    ]
    assert sorted(s.key for s in history.series) == ["loss", "odd"]
    assert run.data.metrics["acc"] == pytest.approx(0.7)


def test_duplicate_points_are_stored_once(store: TrackingStore, experiment_id: str) -> None:
    series = MetricSeries("m", [1.0, 1.0, 2.0], [5, 5, 6], [0, 0, 1])
    run = store.import_run(experiment_id, _content(series=[series]))
    assert [m.step for m in store.get_metric_history(run.info.run_id, "m")] == [0, 1]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"series": [MetricSeries("bad key!", [1.0], [1], [1])]}, "Invalid metric name"),
        ({"series": [MetricSeries("m", [1.0, 2.0], [1], [1, 2])]}, "must be as many"),
        ({"series": [MetricSeries("m", [1.0], [-5], [1])]}, "timestamp"),
        (
            {"series": [MetricSeries("m", [1.0], [1], [1]), MetricSeries("m", [2.0], [2], [2])]},
            "twice",
        ),
        ({"params": [Param("p", "1"), Param("p", "2")]}, "Duplicate parameter keys"),
        ({"tags": [RunTag("mlflow.runName", "other")]}, "different values"),
    ],
)
def test_bad_content_creates_nothing(
    store: TrackingStore, experiment_id: str, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidParameter, match=message):
        store.import_run(experiment_id, _content(**changes))
    assert not store.search_runs([experiment_id], run_view_type=ViewType.ALL)


def test_import_into_missing_or_deleted_experiment(
    store: TrackingStore, experiment_id: str
) -> None:
    with pytest.raises(NotFound):
        store.import_run("987654", _content())
    store.delete_experiment(experiment_id)
    with pytest.raises(InvalidParameter, match="active"):
        store.import_run(experiment_id, _content())


def test_name_comes_from_the_tag_when_not_given(store: TrackingStore, experiment_id: str) -> None:
    run = store.import_run(
        experiment_id,
        _content(
            run_name=None, tags=[RunTag("mlflow.runName", "tagged")], status=None, end_time=None
        ),
    )
    assert (run.info.run_name, run.info.status, run.info.end_time) == ("tagged", "RUNNING", None)


def test_histories_of_a_missing_run(store: TrackingStore, run_id: str) -> None:
    with pytest.raises(NotFound):
        store.get_run_histories([run_id, "f" * 32])
    assert store.get_run_histories([]) == []
