"""search_logged_models: filters, datasets, structured order_by, paging."""

from __future__ import annotations

import pytest

from heron.entities import LoggedModelParameter, LoggedModelStatus, LoggedModelTag, Metric
from heron.exceptions import EndpointNotFound, InvalidParameter, NotImplementedFeature
from heron.store.tracking.base import TrackingStore

Models = dict[str, str]  # name -> model id


@pytest.fixture(autouse=True)
def _needs_logged_models(store: TrackingStore) -> None:
    """Skip on a backend that has no logged models yet (REST, until its server has them)."""
    try:
        store.search_logged_models(["0"])
    except (NotImplementedFeature, EndpointNotFound) as error:
        pytest.skip(f"no logged models on this backend yet: {error}")


@pytest.fixture
def models(store: TrackingStore, experiment_id: str, run_id: str) -> Models:
    """Three models of one run: names a, b, c with metrics, params and tags.

    acc: a 0.7 (on dataset "test"), b 0.9 (on "train"), c none; a is READY.
    """
    made: Models = {}
    for name, kind in (("a", "tree"), ("b", "linear"), ("c", "tree")):
        made[name] = store.create_logged_model(
            experiment_id,
            name=name,
            source_run_id=run_id,
            tags=[LoggedModelTag("kind", kind)],
            params=[LoggedModelParameter("depth", str(len(made) + 1))],
            model_type="sklearn" if name != "c" else None,
        ).model_id
    store.finalize_logged_model(made["a"], LoggedModelStatus.READY)
    store.log_batch(
        run_id,
        metrics=[
            Metric("acc", 0.7, 10, 0, made["a"], "test", "t1"),
            Metric("acc", 0.9, 10, 0, made["b"], "train", "r1"),
        ],
    )
    return made


def _names(store: TrackingStore, experiment_id: str, models: Models, **kwargs: object) -> list[str]:
    found = store.search_logged_models([experiment_id], **kwargs)  # type: ignore[arg-type]
    by_id = {model_id: name for name, model_id in models.items()}
    return [by_id[model.model_id] for model in found]


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("name = 'a'", {"a"}),
        ("name IN ('a', 'c')", {"a", "c"}),
        ("name LIKE '%'", {"a", "b", "c"}),
        ("status = 'READY'", {"a"}),
        ("status = 'LOGGED_MODEL_PENDING'", {"b", "c"}),
        ("status != 'READY'", {"b", "c"}),
        ("model_type = 'sklearn'", {"a", "b"}),
        ("metrics.acc > 0.8", {"b"}),
        ("metrics.acc < 1", {"a", "b"}),
        ("params.depth = '2'", {"b"}),
        ("tags.kind = 'tree'", {"a", "c"}),
        ("tags.kind = 'tree' AND metrics.acc >= 0.7", {"a"}),
        ("tags.kind = 'linear' OR name = 'c'", {"b", "c"}),
        ("creation_timestamp > 0", {"a", "b", "c"}),
        ("last_updated_time < 0", set()),
    ],
)
def test_filters(
    store: TrackingStore,
    experiment_id: str,
    models: Models,
    filter_string: str,
    expected: set[str],
) -> None:
    assert set(_names(store, experiment_id, models, filter_string=filter_string)) == expected


def test_source_run_filter(
    store: TrackingStore, experiment_id: str, run_id: str, models: Models
) -> None:
    found = _names(store, experiment_id, models, filter_string=f"source_run_id = '{run_id}'")
    assert set(found) == {"a", "b", "c"}


@pytest.mark.parametrize(
    ("datasets", "filter_string", "expected"),
    [
        ([{"dataset_name": "test"}], None, {"a"}),
        ([{"dataset_name": "train", "dataset_digest": "r1"}], None, {"b"}),
        ([{"dataset_name": "train", "dataset_digest": "other"}], None, set()),
        ([{"dataset_name": "test"}], "metrics.acc > 0.8", set()),
        ([{"dataset_name": "test"}, {"dataset_name": "train"}], "metrics.acc > 0.5", {"a", "b"}),
    ],
)
def test_datasets_restrict_metrics(
    store: TrackingStore,
    experiment_id: str,
    models: Models,
    datasets: list[dict[str, str]],
    filter_string: str | None,
    expected: set[str],
) -> None:
    found = _names(store, experiment_id, models, datasets=datasets, filter_string=filter_string)
    assert set(found) == expected


def test_order_by_metric_puts_missing_last(
    store: TrackingStore, experiment_id: str, models: Models
) -> None:
    ascending = [{"field_name": "metrics.acc", "ascending": True}]
    descending = [{"field_name": "metrics.acc", "ascending": False}]
    assert _names(store, experiment_id, models, order_by=ascending) == ["a", "b", "c"]
    assert _names(store, experiment_id, models, order_by=descending) == ["b", "a", "c"]
    on_test = [{"field_name": "metrics.acc", "ascending": False, "dataset_name": "test"}]
    assert _names(store, experiment_id, models, order_by=on_test)[0] == "a"


def test_order_by_attributes(store: TrackingStore, experiment_id: str, models: Models) -> None:
    by_name = [{"field_name": "name", "ascending": False}]
    assert _names(store, experiment_id, models, order_by=by_name) == ["c", "b", "a"]
    found = store.search_logged_models([experiment_id])
    stamps = [model.creation_timestamp for model in found]
    assert stamps == sorted(stamps, reverse=True)  # newest first by default


def test_paging(store: TrackingStore, experiment_id: str, models: Models) -> None:
    order = [{"field_name": "name"}]
    first = store.search_logged_models([experiment_id], max_results=2, order_by=order)
    assert [m.name for m in first] == ["a", "b"]
    assert first.token
    rest = store.search_logged_models(
        [experiment_id], max_results=2, order_by=order, page_token=first.token
    )
    assert [m.name for m in rest] == ["c"]
    assert rest.token is None
    with pytest.raises(InvalidParameter, match="page token"):
        store.search_logged_models([experiment_id], max_results=2, page_token=first.token)


def test_search_is_scoped_to_experiments(
    store: TrackingStore, experiment_id: str, models: Models
) -> None:
    other = store.create_experiment("other")
    store.create_logged_model(other, name="elsewhere")
    assert len(store.search_logged_models([experiment_id])) == 3
    assert [m.name for m in store.search_logged_models([other])] == ["elsewhere"]
    assert len(store.search_logged_models([experiment_id, other, "987654321"])) == 4
    assert list(store.search_logged_models([])) == []


def test_search_returns_whole_models(
    store: TrackingStore, experiment_id: str, models: Models
) -> None:
    (found,) = store.search_logged_models([experiment_id], filter_string="name = 'a'")
    assert found == store.get_logged_model(models["a"])
    assert found.tags == {"kind": "tree"}
    assert found.params == {"depth": "1"}
    assert [(m.key, m.value) for m in found.metrics] == [("acc", 0.7)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"filter_string": "nope = 'x'"},
        {"filter_string": "metrics.acc = 'x'"},
        {"order_by": ["name"]},
        {"order_by": [{"field_name": "params.depth"}]},
        {"order_by": [{"field_name": "bogus"}]},
        {"order_by": [{"field_name": "name", "ascending": "yes"}]},
        {"order_by": [{"field_name": "metrics.acc", "dataset_digest": "x"}]},
        {"datasets": [{"dataset_digest": "x"}]},
        {"max_results": 0},
        {"page_token": "not a token"},
    ],
)
def test_bad_requests_are_refused(
    store: TrackingStore, experiment_id: str, kwargs: dict[str, object]
) -> None:
    with pytest.raises(InvalidParameter):
        store.search_logged_models([experiment_id], **kwargs)  # type: ignore[arg-type]


def test_default_page_size_is_fifty(store: TrackingStore, experiment_id: str) -> None:
    for index in range(51):
        store.create_logged_model(experiment_id, name=f"m{index}")
    page = store.search_logged_models([experiment_id])
    assert len(page) == 50
    assert page.token
