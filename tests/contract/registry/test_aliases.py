"""Aliases: set, re-point, delete, reserved names, ``@latest``."""

from __future__ import annotations

import pytest

from heron.exceptions import InvalidParameter, NotFound
from heron.store.registry.base import RegistryStore

SOURCE = "s3://bucket/models/a"


@pytest.fixture
def model(registry: RegistryStore) -> str:
    """A registered model with three versions."""
    registry.create_registered_model("fraud")
    for _ in range(3):
        registry.create_model_version("fraud", SOURCE)
    return "fraud"


def test_set_and_get(registry: RegistryStore, model: str) -> None:
    registry.set_registered_model_alias(model, "champion", 2)
    registry.set_registered_model_alias(model, "prod-2024", "2")
    found = registry.get_model_version_by_alias(model, "champion")
    assert (found.name, found.version) == (model, 2)
    assert sorted(found.aliases) == ["champion", "prod-2024"]
    assert sorted(registry.get_model_version(model, 2).aliases) == ["champion", "prod-2024"]
    assert registry.get_model_version(model, 1).aliases == []
    assert registry.get_registered_model(model).aliases == {"champion": 2, "prod-2024": 2}


def test_setting_again_re_points(registry: RegistryStore, model: str) -> None:
    registry.set_registered_model_alias(model, "champion", 1)
    registry.set_registered_model_alias(model, "champion", 3)
    assert registry.get_model_version_by_alias(model, "champion").version == 3
    assert registry.get_model_version(model, 1).aliases == []
    assert registry.get_registered_model(model).aliases == {"champion": 3}


def test_aliases_are_per_model(registry: RegistryStore, model: str) -> None:
    registry.create_registered_model("other")
    registry.create_model_version("other", SOURCE)
    registry.set_registered_model_alias(model, "champion", 3)
    registry.set_registered_model_alias("other", "champion", 1)
    assert registry.get_model_version_by_alias(model, "champion").version == 3
    assert registry.get_model_version_by_alias("other", "champion").version == 1


def test_delete(registry: RegistryStore, model: str) -> None:
    registry.set_registered_model_alias(model, "champion", 1)
    registry.delete_registered_model_alias(model, "champion")
    with pytest.raises(InvalidParameter, match="Registered model alias champion not found"):
        registry.get_model_version_by_alias(model, "champion")
    registry.delete_registered_model_alias(model, "champion")  # absent: not an error
    assert registry.get_registered_model(model).aliases == {}


def test_delete_on_missing_model(registry: RegistryStore) -> None:
    with pytest.raises(NotFound):
        registry.delete_registered_model_alias("nope", "champion")


def test_get_on_missing_model(registry: RegistryStore) -> None:
    with pytest.raises(NotFound):
        registry.get_model_version_by_alias("nope", "champion")


@pytest.mark.parametrize("alias", ["latest", "LATEST", "Latest", "v1", "V12"])
def test_reserved_names(registry: RegistryStore, model: str, alias: str) -> None:
    with pytest.raises(InvalidParameter, match="reserved"):
        registry.set_registered_model_alias(model, alias, 1)


@pytest.mark.parametrize("alias", ["a b", "a.b", "a/b", "x" * 256])
def test_invalid_names(registry: RegistryStore, model: str, alias: str) -> None:
    with pytest.raises(InvalidParameter):
        registry.set_registered_model_alias(model, alias, 1)


def test_unreserved_lookalikes(registry: RegistryStore, model: str) -> None:
    for alias in ("v", "version1", "latest_good", "v1a", "x" * 255):
        registry.set_registered_model_alias(model, alias, 1)
    assert len(registry.get_registered_model(model).aliases) == 5


def test_alias_to_a_missing_version(registry: RegistryStore, model: str) -> None:
    with pytest.raises(NotFound, match=r"version=9\) not found"):
        registry.set_registered_model_alias(model, "champion", 9)
    registry.delete_model_version(model, 3)
    with pytest.raises(NotFound):
        registry.set_registered_model_alias(model, "champion", 3)
    with pytest.raises(NotFound):
        registry.set_registered_model_alias("nope", "champion", 1)


def test_latest_is_the_highest_live_version(registry: RegistryStore, model: str) -> None:
    registry.transition_model_version_stage(model, 1, "Production")
    assert registry.get_model_version_by_alias(model, "latest").version == 3
    assert registry.get_model_version_by_alias(model, "LATEST").version == 3
    registry.delete_model_version(model, 3)
    assert registry.get_model_version_by_alias(model, "latest").version == 2


def test_latest_without_versions(registry: RegistryStore) -> None:
    registry.create_registered_model("empty")
    with pytest.raises(NotFound, match="Latest version not found for model empty"):
        registry.get_model_version_by_alias("empty", "latest")


def test_deleting_a_version_drops_its_aliases(registry: RegistryStore, model: str) -> None:
    registry.set_registered_model_alias(model, "champion", 2)
    registry.set_registered_model_alias(model, "challenger", 3)
    registry.delete_model_version(model, 2)
    assert registry.get_registered_model(model).aliases == {"challenger": 3}
    registry.create_model_version(model, SOURCE)
    with pytest.raises(InvalidParameter):
        registry.get_model_version_by_alias(model, "champion")
