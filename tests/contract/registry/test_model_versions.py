"""Model versions: numbering, lineage, updates, deletion."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from heron.entities.registry import ModelVersionTag
from heron.exceptions import InvalidParameter, NotFound
from heron.store.registry.base import RegistryStore
from heron.store.tracking.base import TrackingStore

SOURCE = "s3://bucket/models/a"


@pytest.fixture
def model(registry: RegistryStore) -> str:
    """An empty registered model, by name."""
    return registry.create_registered_model("fraud").name


def test_versions_are_numbered_from_one(registry: RegistryStore, model: str) -> None:
    numbers = [registry.create_model_version(model, SOURCE).version for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert registry.get_model_version(model, 2).version == 2


def test_numbers_are_per_model(registry: RegistryStore, model: str) -> None:
    registry.create_model_version(model, SOURCE)
    registry.create_registered_model("other")
    assert registry.create_model_version("other", SOURCE).version == 1


def test_deleted_numbers_are_never_reused(registry: RegistryStore, model: str) -> None:
    for _ in range(3):
        registry.create_model_version(model, SOURCE)
    registry.delete_model_version(model, 3)
    assert registry.create_model_version(model, SOURCE).version == 4
    registry.delete_model_version(model, 4)
    registry.delete_model_version(model, 2)
    assert registry.create_model_version(model, SOURCE).version == 5


def test_new_version_state(registry: RegistryStore, model: str) -> None:
    created = registry.create_model_version(model, SOURCE)
    fetched = registry.get_model_version(model, 1)
    for version in (created, fetched):
        assert (version.name, version.status, version.current_stage) == (model, "READY", "None")
        assert (version.tags, version.aliases, version.run_id) == ({}, [], None)
        assert not version.description
    assert fetched.creation_timestamp == created.creation_timestamp
    assert fetched.last_updated_timestamp == created.creation_timestamp


def test_lineage_is_kept(registry: RegistryStore, model: str, run_id: str) -> None:
    source = f"runs:/{run_id}/model"
    link = f"http://tracking/#/runs/{run_id}"
    created = registry.create_model_version(
        model, source, run_id, [ModelVersionTag("k", "v")], link, "first"
    )
    fetched = registry.get_model_version(model, created.version)
    for version in (created, fetched):
        assert (version.source, version.run_id, version.run_link) == (source, run_id, link)
        assert (version.description, version.tags) == ("first", {"k": "v"})
    assert registry.get_model_version_download_uri(model, 1) == source


def test_logged_model_source(
    registry: RegistryStore, tracking: TrackingStore, model: str, run_id: str
) -> None:
    logged = tracking.create_logged_model("0", name="clf", source_run_id=run_id)
    source = f"models:/{logged.model_id}"
    version = registry.create_model_version(model, source, model_id=logged.model_id)
    fetched = registry.get_model_version(model, version.version)
    assert (fetched.source, fetched.model_id, fetched.run_id) == (source, logged.model_id, run_id)
    location = registry.get_model_version_download_uri(model, version.version)
    assert location == logged.artifact_location


def test_registered_version_source(registry: RegistryStore, model: str) -> None:
    registry.create_model_version(model, SOURCE)
    registry.create_registered_model("copy")
    copied = registry.create_model_version("copy", f"models:/{model}/1")
    assert registry.get_model_version("copy", copied.version).source == f"models:/{model}/1"
    assert registry.get_model_version_download_uri("copy", copied.version) == SOURCE


def test_version_numbers_as_strings(registry: RegistryStore, model: str) -> None:
    registry.create_model_version(model, SOURCE)
    assert registry.get_model_version(model, "1").version == 1
    assert registry.get_model_version_download_uri(model, "1") == SOURCE


@pytest.mark.parametrize("version", ["abc", "1.5", "one"])
def test_version_must_be_an_integer(registry: RegistryStore, model: str, version: str) -> None:
    registry.create_model_version(model, SOURCE)
    with pytest.raises(InvalidParameter, match="Parameter 'version' must be an integer"):
        registry.get_model_version(model, version)


def test_create_on_missing_model(registry: RegistryStore) -> None:
    with pytest.raises(NotFound, match="Registered Model with name=nope not found"):
        registry.create_model_version("nope", SOURCE)


def test_missing_version(registry: RegistryStore, model: str) -> None:
    registry.create_model_version(model, SOURCE)
    with pytest.raises(NotFound, match=r"Model Version \(name=fraud, version=9\) not found"):
        registry.get_model_version(model, 9)
    with pytest.raises(NotFound):
        registry.get_model_version("nope", 1)
    with pytest.raises(NotFound):
        registry.get_model_version_download_uri(model, 9)


def test_update_description(registry: RegistryStore, model: str) -> None:
    registry.create_model_version(model, SOURCE, description="old")
    assert registry.update_model_version(model, 1, "new").description == "new"
    assert registry.get_model_version(model, "1").description == "new"
    with pytest.raises(NotFound):
        registry.update_model_version(model, 2, "nope")


def test_delete_hides_the_version(registry: RegistryStore, model: str) -> None:
    registry.create_model_version(model, SOURCE)
    registry.create_model_version(model, SOURCE)
    registry.transition_model_version_stage(model, 2, "Staging")
    registry.set_registered_model_alias(model, "champion", 2)
    registry.set_registered_model_alias(model, "backup", 1)

    registry.delete_model_version(model, 2)

    with pytest.raises(NotFound):
        registry.get_model_version(model, 2)
    with pytest.raises(NotFound):
        registry.get_model_version_download_uri(model, 2)
    assert [v.version for v in registry.search_model_versions(f"name = '{model}'")] == [1]
    assert [v.version for v in registry.get_latest_versions(model)] == [1]
    fetched = registry.get_registered_model(model)
    assert [v.version for v in fetched.latest_versions] == [1]
    assert fetched.aliases == {"backup": 1}
    with pytest.raises(InvalidParameter, match="alias champion not found"):
        registry.get_model_version_by_alias(model, "champion")


def test_delete_twice_or_missing(registry: RegistryStore, model: str) -> None:
    registry.create_model_version(model, SOURCE)
    registry.delete_model_version(model, 1)
    with pytest.raises(NotFound):
        registry.delete_model_version(model, 1)
    with pytest.raises(NotFound):
        registry.update_model_version(model, 1, "text")
    with pytest.raises(NotFound):
        registry.delete_model_version("nope", 1)


def test_concurrent_creates_get_distinct_numbers(registry: RegistryStore, model: str) -> None:
    def create(_: int) -> int:
        return registry.create_model_version(model, SOURCE).version

    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(create, range(24)))
    assert sorted(numbers) == list(range(1, 25))
