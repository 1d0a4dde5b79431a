"""search_model_versions: filters, order, paging, limits."""

from __future__ import annotations

import time

import pytest

from heron.entities.registry import ModelVersion, ModelVersionTag
from heron.exceptions import InvalidParameter
from heron.store.registry.base import RegistryStore

Versions = list[tuple[str, int]]


@pytest.fixture
def versions(registry: RegistryStore, run_id: str) -> str:
    """Models "a" (versions 1-3, 2 deleted later than 3 was made) and "B" (1-2); returns
    the run id versions a/1 and B/2 were made by."""
    registry.create_registered_model("a")
    registry.create_registered_model("B")
    registry.create_model_version(
        "a", "s3://bucket/a/one", run_id, [ModelVersionTag("env", "prod")]
    )
    registry.create_model_version("a", "s3://bucket/a/two", "other-run")
    registry.create_model_version("a", "s3://bucket/a/three", tags=[ModelVersionTag("env", "Dev")])
    registry.create_model_version("B", "s3://bucket/b/one")
    registry.create_model_version("B", "s3://bucket/b/two", run_id, [ModelVersionTag("env", "dev")])
    registry.delete_model_version("a", 2)
    return run_id


def _pairs(found: list[ModelVersion]) -> Versions:
    return [(v.name, v.version) for v in found]


def test_default_order_is_last_update_first(registry: RegistryStore, versions: str) -> None:
    time.sleep(0.002)
    registry.update_model_version("a", 1, "touched")
    assert _pairs(registry.search_model_versions()) == [("a", 1), ("B", 2), ("B", 1), ("a", 3)]
    assert _pairs(registry.search_model_versions(order_by=[])) == _pairs(
        registry.search_model_versions()
    )


def test_orders_end_by_name_then_newest(registry: RegistryStore, versions: str) -> None:
    found = registry.search_model_versions(order_by=["creation_timestamp ASC"])
    stamps = [(v.creation_timestamp, v.name, -v.version) for v in found]
    assert stamps == sorted(stamps)
    by_name = registry.search_model_versions("name = 'a'", order_by=["name"])
    assert _pairs(by_name) == [("a", 3), ("a", 1)]


def test_filters(registry: RegistryStore, versions: str) -> None:
    cases: list[tuple[str, set[tuple[str, int]]]] = [
        ("name = 'a'", {("a", 3), ("a", 1)}),
        ("name = 'A'", set()),
        ("name != 'a'", {("B", 1), ("B", 2)}),
        ("name IN ('a', 'x')", {("a", 3), ("a", 1)}),
        ("name NOT IN ('a')", {("B", 1), ("B", 2)}),
        ("name LIKE 'b'", set()),
        ("name ILIKE 'b'", {("B", 1), ("B", 2)}),
        (f"run_id = '{versions}'", {("a", 1), ("B", 2)}),
        (f"run_id IN ('{versions}', 'other-run')", {("a", 1), ("B", 2)}),
        ("run_id NOT IN ('nobody')", {("a", 1), ("B", 2)}),
        ("source_path = 's3://bucket/a/three'", {("a", 3)}),
        ("source_path LIKE 's3://bucket/b/%'", {("B", 1), ("B", 2)}),
        ("source_path ILIKE '%/ONE'", {("a", 1), ("B", 1)}),
        ("version_number = 1", {("a", 1), ("B", 1)}),
        ("version_number > 1", {("a", 3), ("B", 2)}),
        ("version_number <= 2 AND name = 'a'", {("a", 1)}),
        ("version_number != 1", {("a", 3), ("B", 2)}),
        ("tags.env = 'prod'", {("a", 1)}),
        ("tag.env != 'prod'", {("a", 3), ("B", 2)}),
        ("tags.env LIKE 'd%'", {("B", 2)}),
        ("tags.env ILIKE 'd%'", {("a", 3), ("B", 2)}),
        ("tags.env ILIKE 'DEV' AND name = 'B'", {("B", 2)}),
        ("name = 'B' OR tags.env = 'prod'", {("a", 1), ("B", 1), ("B", 2)}),
    ]
    for filter_string, expected in cases:
        found = set(_pairs(registry.search_model_versions(filter_string)))
        assert found == expected, filter_string


def test_deleted_versions_are_hidden(registry: RegistryStore, versions: str) -> None:
    assert registry.search_model_versions("run_id = 'other-run'") == []
    assert registry.search_model_versions("version_number = 2 AND name = 'a'") == []


@pytest.mark.parametrize(
    "bad",
    [
        "version_number = 'one'",
        "version_number = 1.5",
        "version_number LIKE '1'",
        "source_path IN ('x')",
        "stage = 'None'",
        "tags.env IS NULL",
        "name = 'a' AND",
    ],
)
def test_bad_filters(registry: RegistryStore, bad: str) -> None:
    with pytest.raises(InvalidParameter):
        registry.search_model_versions(bad)


def test_order_by(registry: RegistryStore, versions: str) -> None:
    ascending = registry.search_model_versions(order_by=["version_number ASC"])
    assert _pairs(ascending) == [("B", 1), ("a", 1), ("B", 2), ("a", 3)]
    named = registry.search_model_versions(order_by=["name DESC", "version_number"])
    assert _pairs(named) == [("a", 1), ("a", 3), ("B", 1), ("B", 2)]


def test_order_by_times(registry: RegistryStore) -> None:
    registry.create_registered_model("m")
    for _ in range(3):
        registry.create_model_version("m", "s3://bucket/m")
        time.sleep(0.002)
    registry.update_model_version("m", 1, "touched")
    newest = registry.search_model_versions(order_by=["last_updated_timestamp DESC"])
    assert _pairs(newest) == [("m", 1), ("m", 3), ("m", 2)]
    oldest = registry.search_model_versions(order_by=["creation_timestamp"])
    assert _pairs(oldest) == [("m", 1), ("m", 2), ("m", 3)]


@pytest.mark.parametrize("bad", [["run_id"], ["stage DESC"], ["version_number", "version"]])
def test_bad_order_by(registry: RegistryStore, bad: list[str]) -> None:
    with pytest.raises(InvalidParameter):
        registry.search_model_versions(order_by=bad)


def test_paging(registry: RegistryStore, versions: str) -> None:
    first = registry.search_model_versions(max_results=3, order_by=["name"])
    second = registry.search_model_versions(
        max_results=3, order_by=["name"], page_token=first.token
    )
    assert _pairs(first) + _pairs(second) == [("B", 2), ("B", 1), ("a", 3), ("a", 1)]
    assert (first.token is None, second.token) == (False, None)


@pytest.mark.parametrize("max_results", [0, 200_001])
def test_max_results_limits(registry: RegistryStore, max_results: int) -> None:
    with pytest.raises(InvalidParameter, match="max_results"):
        registry.search_model_versions(max_results=max_results)


def test_results_are_whole_versions(registry: RegistryStore, versions: str) -> None:
    registry.set_registered_model_alias("B", "champion", 2)
    registry.transition_model_version_stage("B", 2, "Staging")
    (found,) = registry.search_model_versions("name = 'B' AND version_number = 2")
    assert found == registry.get_model_version("B", 2)
    assert (found.aliases, found.tags, found.current_stage) == (
        ["champion"],
        {"env": "dev"},
        "Staging",
    )
    assert (found.source, found.run_id) == ("s3://bucket/b/two", versions)


def test_prompt_versions_are_left_out(registry: RegistryStore) -> None:
    registry.create_registered_model("p")
    registry.create_model_version(
        "p", "dummy-source", tags=[ModelVersionTag("mlflow.prompt.is_prompt", "true")]
    )
    registry.create_model_version("p", "s3://b/q")
    assert _pairs(registry.search_model_versions("name = 'p'")) == [("p", 2)]
    prompts = "tags.`mlflow.prompt.is_prompt` = 'true'"
    assert _pairs(registry.search_model_versions(prompts)) == [("p", 1)]
