"""search_experiments: filters, order, paging and view types."""

from __future__ import annotations

import pytest

from heron.entities import ViewType
from heron.entities.run_data import ExperimentTag
from heron.exceptions import InvalidParameter
from heron.search import matches_experiment, parse_filter, parse_order_by, sort_experiments
from heron.store.tracking.base import TrackingStore

FILTERS: list[tuple[str, set[str]]] = [
    ("name = 'Alpha'", {"Alpha"}),
    ("attribute.name != 'Alpha'", {"Default", "beta"}),
    ("name LIKE 'a%'", set()),
    ("name LIKE 'A%'", {"Alpha"}),
    ("name ILIKE 'a%'", {"Alpha"}),
    ("tags.team = 'nlp'", {"beta"}),
    ("tags.team LIKE '%i%'", {"Alpha"}),
    ("tags.team IS NULL", {"Default"}),
    ("tags.team IS NOT NULL", {"Alpha", "beta"}),
    ("experiment_id IN ('0', '2')", {"Default", "beta"}),
    ("experiment_id NOT IN ('0')", {"Alpha", "beta"}),
    ("experiment_id = '1'", {"Alpha"}),
    ("creation_time > 0", {"Default", "Alpha", "beta"}),
    ("name = 'Alpha' OR tags.team = 'nlp'", {"Alpha", "beta"}),
]


@pytest.fixture
def experiments(store: TrackingStore) -> dict[str, str]:
    """Experiments "Alpha", "beta", "gamma" (deleted), besides "Default", by name."""
    ids = {
        "Alpha": store.create_experiment("Alpha", tags=[ExperimentTag("team", "vision")]),
        "beta": store.create_experiment("beta", tags=[ExperimentTag("team", "nlp")]),
        "gamma": store.create_experiment("gamma"),
    }
    store.delete_experiment(ids["gamma"])
    return ids


def _names(store: TrackingStore, **kwargs: object) -> list[str]:
    return [e.name for e in store.search_experiments(**kwargs)]  # type: ignore[arg-type]


def test_view_types(store: TrackingStore, experiments: dict[str, str]) -> None:
    assert set(_names(store)) == {"Default", "Alpha", "beta"}
    assert _names(store, view_type=ViewType.DELETED_ONLY) == ["gamma"]
    assert len(_names(store, view_type=ViewType.ALL)) == 4


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    FILTERS,
)
def test_filters(
    store: TrackingStore, experiments: dict[str, str], filter_string: str, expected: set[str]
) -> None:
    assert set(_names(store, filter_string=filter_string)) == expected


def test_default_order_is_newest_first(store: TrackingStore, experiments: dict[str, str]) -> None:
    found = store.search_experiments(view_type=ViewType.ALL)
    keys = [(-(e.creation_time or 0), int(e.experiment_id)) for e in found]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        (["name"], ["Alpha", "Default", "beta"]),
        (["name DESC"], ["beta", "Default", "Alpha"]),
        (["experiment_id DESC"], ["beta", "Alpha", "Default"]),
        (["attribute.experiment_id ASC"], ["Default", "Alpha", "beta"]),
    ],
)
def test_order_by(
    store: TrackingStore, experiments: dict[str, str], order_by: list[str], expected: list[str]
) -> None:
    assert _names(store, order_by=order_by) == expected


def test_paging(store: TrackingStore) -> None:
    for i in range(6):
        store.create_experiment(f"e{i}")
    names, token, pages = [], None, 0
    while True:
        page = store.search_experiments(max_results=2, order_by=["name"], page_token=token)
        names, token, pages = names + [e.name for e in page], page.token, pages + 1
        if token is None:
            break
    assert (names, pages) == (["Default"] + [f"e{i}" for i in range(6)], 4)


def test_search_returns_tags(store: TrackingStore, experiments: dict[str, str]) -> None:
    (found,) = store.search_experiments(filter_string="name = 'Alpha'")
    assert found == store.get_experiment(experiments["Alpha"])
    assert found.tags == {"team": "vision"}


@pytest.mark.parametrize("max_results", [0, 50001])
def test_bad_max_results(store: TrackingStore, max_results: int) -> None:
    with pytest.raises(InvalidParameter):
        store.search_experiments(max_results=max_results)


@pytest.mark.parametrize("filter_string", ["metrics.x > 1", "name > 'a'", "nothing = 'x'"])
def test_bad_filter(store: TrackingStore, filter_string: str) -> None:
    with pytest.raises(InvalidParameter):
        store.search_experiments(filter_string=filter_string)


@pytest.mark.parametrize("filter_string", [f for f, _ in FILTERS])
@pytest.mark.parametrize("order_by", [["last_update_time"], ["name DESC"], []])
def test_agrees_with_reference_semantics(
    store: TrackingStore, experiments: dict[str, str], filter_string: str, order_by: list[str]
) -> None:
    everything = store.search_experiments(view_type=ViewType.ALL)
    node = parse_filter(filter_string, "experiments")
    matching = [e for e in everything if matches_experiment(node, e)]
    expected = sort_experiments(matching, parse_order_by(order_by, "experiments"))
    found = store.search_experiments(
        view_type=ViewType.ALL, filter_string=filter_string, order_by=order_by
    )
    assert [e.experiment_id for e in found] == [e.experiment_id for e in expected]
