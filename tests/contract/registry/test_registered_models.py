"""Registered models: create, get, update, rename, delete."""

from __future__ import annotations

import pytest

from heron.entities.registry import ModelVersionTag, RegisteredModelTag
from heron.exceptions import AlreadyExists, InvalidParameter, NotFound
from heron.store.registry.base import RegistryStore

SOURCE = "s3://bucket/models/a"


def test_create_with_tags_and_description(registry: RegistryStore) -> None:
    created = registry.create_registered_model(
        "fraud", [RegisteredModelTag("team", "risk"), RegisteredModelTag("tier", "1")], "ML"
    )
    fetched = registry.get_registered_model("fraud")
    for model in (created, fetched):
        assert (model.name, model.description, model.tags) == (
            "fraud",
            "ML",
            {"team": "risk", "tier": "1"},
        )
        assert (model.latest_versions, model.aliases) == ([], {})
    assert fetched.creation_timestamp == created.creation_timestamp
    assert fetched.last_updated_timestamp == created.creation_timestamp


def test_create_without_description(registry: RegistryStore) -> None:
    assert not registry.create_registered_model("plain").description
    assert registry.get_registered_model("plain").tags == {}


def test_duplicate_name_is_refused(registry: RegistryStore) -> None:
    registry.create_registered_model("fraud")
    with pytest.raises(AlreadyExists, match=r"Registered Model \(name=fraud\) already exists"):
        registry.create_registered_model("fraud")


def test_names_are_case_sensitive(registry: RegistryStore) -> None:
    registry.create_registered_model("Fraud")
    registry.create_registered_model("fraud")
    assert registry.get_registered_model("Fraud").name == "Fraud"


@pytest.mark.parametrize("name", ["", "   ", "a/b", "a:b", "..", "a/../b", "x" * 257])
def test_invalid_names_are_refused(registry: RegistryStore, name: str) -> None:
    with pytest.raises(InvalidParameter):
        registry.create_registered_model(name)


def test_unusual_but_valid_names(registry: RegistryStore) -> None:
    for name in ("my model", "ünïcode-模型", "a.b", "x" * 256, "50% off"):
        assert registry.create_registered_model(name).name == name
        assert registry.get_registered_model(name).name == name


def test_get_missing_model(registry: RegistryStore) -> None:
    with pytest.raises(NotFound, match="Registered Model with name=nope not found"):
        registry.get_registered_model("nope")


def test_update_description(registry: RegistryStore) -> None:
    registry.create_registered_model("fraud", description="old")
    assert registry.update_registered_model("fraud", "new").description == "new"
    assert registry.get_registered_model("fraud").description == "new"
    registry.update_registered_model("fraud", "")
    assert not registry.get_registered_model("fraud").description


def test_update_missing_model(registry: RegistryStore) -> None:
    with pytest.raises(NotFound, match="name=nope"):
        registry.update_registered_model("nope", "text")


def test_rename_keeps_versions_tags_and_aliases(registry: RegistryStore, run_id: str) -> None:
    registry.create_registered_model("old", [RegisteredModelTag("team", "risk")], "desc")
    registry.create_model_version("old", SOURCE, run_id, [ModelVersionTag("k", "v")])
    registry.create_model_version("old", SOURCE)
    registry.transition_model_version_stage("old", 1, "Production")
    registry.set_registered_model_alias("old", "champion", 2)

    renamed = registry.rename_registered_model("old", "new")

    assert (renamed.name, renamed.description, renamed.tags) == ("new", "desc", {"team": "risk"})
    assert renamed.aliases == {"champion": 2}
    assert sorted((v.name, v.version) for v in renamed.latest_versions) == [
        ("new", 1),
        ("new", 2),
    ]
    first = registry.get_model_version("new", 1)
    assert (first.run_id, first.tags, first.current_stage) == (run_id, {"k": "v"}, "Production")
    assert registry.get_model_version_by_alias("new", "champion").version == 2
    assert [v.version for v in registry.search_model_versions("name = 'new'")] == [2, 1]
    assert registry.search_model_versions("name = 'old'") == []
    with pytest.raises(NotFound):
        registry.get_registered_model("old")
    with pytest.raises(NotFound):
        registry.get_model_version("old", 1)


def test_renamed_model_numbers_on(registry: RegistryStore) -> None:
    registry.create_registered_model("old")
    registry.create_model_version("old", SOURCE)
    registry.rename_registered_model("old", "new")
    assert registry.create_model_version("new", SOURCE).version == 2
    registry.create_registered_model("old")
    assert registry.create_model_version("old", SOURCE).version == 1


def test_rename_onto_a_taken_name(registry: RegistryStore) -> None:
    registry.create_registered_model("a")
    registry.create_registered_model("b")
    with pytest.raises(AlreadyExists, match=r"Registered Model \(name=b\) already exists"):
        registry.rename_registered_model("a", "b")
    assert registry.get_registered_model("a").name == "a"


def test_rename_errors(registry: RegistryStore) -> None:
    registry.create_registered_model("a")
    with pytest.raises(NotFound):
        registry.rename_registered_model("nope", "b")
    with pytest.raises(InvalidParameter):
        registry.rename_registered_model("a", "b/c")
    with pytest.raises(InvalidParameter):
        registry.rename_registered_model("a", "")


def test_delete_cascades(registry: RegistryStore) -> None:
    registry.create_registered_model("fraud", [RegisteredModelTag("team", "risk")])
    registry.create_model_version("fraud", SOURCE, tags=[ModelVersionTag("k", "v")])
    registry.create_model_version("fraud", SOURCE)
    registry.set_registered_model_alias("fraud", "champion", 1)

    registry.delete_registered_model("fraud")

    with pytest.raises(NotFound):
        registry.get_registered_model("fraud")
    with pytest.raises(NotFound):
        registry.get_model_version("fraud", 1)
    assert registry.search_model_versions("name = 'fraud'") == []
    assert registry.search_registered_models() == []
    recreated = registry.create_registered_model("fraud")
    assert (recreated.tags, recreated.aliases) == ({}, {})
    version = registry.create_model_version("fraud", SOURCE)
    assert (version.version, version.tags, version.aliases) == (1, {}, [])


def test_delete_leaves_other_models_alone(registry: RegistryStore) -> None:
    for name in ("a", "b"):
        registry.create_registered_model(name, [RegisteredModelTag("t", name)])
        registry.create_model_version(name, SOURCE, tags=[ModelVersionTag("k", name)])
        registry.set_registered_model_alias(name, "champion", 1)
    registry.delete_registered_model("a")
    b = registry.get_registered_model("b")
    assert (b.tags, b.aliases) == ({"t": "b"}, {"champion": 1})
    assert registry.get_model_version("b", 1).tags == {"k": "b"}


def test_delete_missing_model(registry: RegistryStore) -> None:
    with pytest.raises(NotFound):
        registry.delete_registered_model("nope")
