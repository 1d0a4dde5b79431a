"""Stages: transitions, archiving, latest versions per stage."""

from __future__ import annotations

import pytest

from heron.exceptions import InvalidParameter, NotFound
from heron.store.registry.base import RegistryStore

SOURCE = "s3://bucket/models/a"


@pytest.fixture
def model(registry: RegistryStore) -> str:
    """A registered model with four versions, all in stage None."""
    registry.create_registered_model("fraud")
    for _ in range(4):
        registry.create_model_version("fraud", SOURCE)
    return "fraud"


def _stages(registry: RegistryStore, model: str) -> dict[int, str]:
    return {v.version: v.current_stage for v in registry.search_model_versions(f"name = '{model}'")}


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("production", "Production"),
        ("STAGING", "Staging"),
        ("Archived", "Archived"),
        ("none", "None"),
    ],
)
def test_stages_are_case_insensitive(
    registry: RegistryStore, model: str, given: str, stored: str
) -> None:
    transitioned = registry.transition_model_version_stage(model, 1, given)
    assert transitioned.current_stage == stored
    assert registry.get_model_version(model, 1).current_stage == stored


def test_invalid_stage(registry: RegistryStore, model: str) -> None:
    with pytest.raises(
        InvalidParameter,
        match=r"Invalid Model Version stage: bogus\. Value must be one of "
        r"None, Staging, Production, Archived\.",
    ):
        registry.transition_model_version_stage(model, 1, "bogus")


def test_transition_missing_version(registry: RegistryStore, model: str) -> None:
    with pytest.raises(NotFound):
        registry.transition_model_version_stage(model, 9, "Staging")
    registry.delete_model_version(model, 4)
    with pytest.raises(NotFound):
        registry.transition_model_version_stage(model, 4, "Staging")


def test_without_archiving_others_stay(registry: RegistryStore, model: str) -> None:
    registry.transition_model_version_stage(model, 1, "Production")
    registry.transition_model_version_stage(model, 2, "Production")
    assert _stages(registry, model) == {1: "Production", 2: "Production", 3: "None", 4: "None"}


def test_archive_existing_versions(registry: RegistryStore, model: str) -> None:
    registry.transition_model_version_stage(model, 1, "Production")
    registry.transition_model_version_stage(model, 2, "Production")
    registry.transition_model_version_stage(model, 3, "Staging")

    moved = registry.transition_model_version_stage(model, 4, "production", True)

    assert moved.current_stage == "Production"
    assert _stages(registry, model) == {
        1: "Archived",
        2: "Archived",
        3: "Staging",
        4: "Production",
    }
    archived = registry.get_model_version(model, 1)
    assert archived.last_updated_timestamp == moved.last_updated_timestamp


def test_archiving_skips_the_moved_version(registry: RegistryStore, model: str) -> None:
    registry.transition_model_version_stage(model, 1, "Staging")
    registry.transition_model_version_stage(model, 1, "Staging", True)
    assert _stages(registry, model)[1] == "Staging"


@pytest.mark.parametrize("stage", ["None", "Archived", "archived"])
def test_archive_needs_an_active_stage(registry: RegistryStore, model: str, stage: str) -> None:
    registry.transition_model_version_stage(model, 1, "Production")
    with pytest.raises(InvalidParameter, match="is not an Active stage"):
        registry.transition_model_version_stage(model, 2, stage, True)
    assert _stages(registry, model)[2] == "None"


def test_latest_version_per_stage(registry: RegistryStore, model: str) -> None:
    registry.transition_model_version_stage(model, 1, "Production")
    registry.transition_model_version_stage(model, 2, "Production")
    registry.transition_model_version_stage(model, 3, "Staging")
    latest = {v.current_stage: v.version for v in registry.get_latest_versions(model)}
    assert latest == {"Production": 2, "Staging": 3, "None": 4}
    listed = registry.get_registered_model(model).latest_versions
    assert {v.current_stage: v.version for v in listed} == latest


def test_latest_versions_of_some_stages(registry: RegistryStore, model: str) -> None:
    registry.transition_model_version_stage(model, 1, "Production")
    registry.transition_model_version_stage(model, 3, "Archived")
    found = registry.get_latest_versions(model, ["production", "ARCHIVED"])
    assert sorted((v.current_stage, v.version) for v in found) == [
        ("Archived", 3),
        ("Production", 1),
    ]
    assert registry.get_latest_versions(model, ["Staging"]) == []


def test_latest_versions_skip_deleted(registry: RegistryStore, model: str) -> None:
    registry.transition_model_version_stage(model, 3, "Production")
    registry.transition_model_version_stage(model, 4, "Production")
    registry.delete_model_version(model, 4)
    assert [v.version for v in registry.get_latest_versions(model, ["Production"])] == [3]


def test_latest_versions_errors(registry: RegistryStore, model: str) -> None:
    with pytest.raises(InvalidParameter, match="Invalid Model Version stage: bogus"):
        registry.get_latest_versions(model, ["bogus"])
    with pytest.raises(NotFound, match="name=nope"):
        registry.get_latest_versions("nope")


def test_latest_versions_of_a_model_without_versions(registry: RegistryStore) -> None:
    registry.create_registered_model("empty")
    assert registry.get_latest_versions("empty") == []
