"""Which changes move ``last_updated_timestamp`` (spec section 16).

Each step waits 2 ms first, so a timestamp that should move cannot stay equal by chance.
"""

from __future__ import annotations

import time

import pytest

from heron.entities.registry import ModelVersionTag, RegisteredModelTag
from heron.store.registry.base import RegistryStore

SOURCE = "s3://bucket/models/a"


def _later() -> None:
    time.sleep(0.002)


@pytest.fixture
def model(registry: RegistryStore) -> str:
    """A registered model with one version."""
    registry.create_registered_model("fraud")
    _later()
    registry.create_model_version("fraud", SOURCE)
    return "fraud"


def _model_time(registry: RegistryStore, name: str = "fraud") -> int:
    stamp = registry.get_registered_model(name).last_updated_timestamp
    assert stamp is not None
    return stamp


def _version_time(registry: RegistryStore, version: int = 1) -> int:
    stamp = registry.get_model_version("fraud", version).last_updated_timestamp
    assert stamp is not None
    return stamp


def test_creating_a_version_touches_the_model(registry: RegistryStore, model: str) -> None:
    created = registry.get_registered_model(model)
    assert created.creation_timestamp is not None
    assert created.last_updated_timestamp == registry.get_model_version(model, 1).creation_timestamp
    assert created.last_updated_timestamp > created.creation_timestamp


def test_model_changes_that_touch_it(registry: RegistryStore, model: str) -> None:
    steps = [
        lambda: registry.update_registered_model(model, "new"),
        lambda: registry.transition_model_version_stage(model, 1, "Staging"),
        lambda: registry.create_model_version(model, SOURCE),
        lambda: registry.delete_model_version(model, 2),
    ]
    for step in steps:
        before = _model_time(registry)
        _later()
        step()
        assert _model_time(registry) > before


def test_rename_touches_model_and_versions(registry: RegistryStore, model: str) -> None:
    before = (_model_time(registry), _version_time(registry))
    _later()
    renamed = registry.rename_registered_model(model, "renamed")
    assert renamed.last_updated_timestamp is not None
    assert renamed.last_updated_timestamp > before[0]
    version = registry.get_model_version("renamed", 1)
    assert version.last_updated_timestamp == renamed.last_updated_timestamp


def test_changes_that_leave_the_model_alone(registry: RegistryStore, model: str) -> None:
    before = _model_time(registry)
    _later()
    registry.set_registered_model_tag(model, RegisteredModelTag("k", "v"))
    registry.delete_registered_model_tag(model, "k")
    registry.set_model_version_tag(model, 1, ModelVersionTag("k", "v"))
    registry.set_registered_model_alias(model, "champion", 1)
    registry.delete_registered_model_alias(model, "champion")
    registry.update_model_version(model, 1, "described")
    assert _model_time(registry) == before


def test_version_changes_that_touch_it(registry: RegistryStore, model: str) -> None:
    for step in (
        lambda: registry.update_model_version(model, 1, "new"),
        lambda: registry.transition_model_version_stage(model, 1, "Production"),
    ):
        before = _version_time(registry)
        _later()
        step()
        assert _version_time(registry) > before
    created = registry.get_model_version(model, 1).creation_timestamp
    assert created < _version_time(registry)


def test_tags_and_aliases_leave_the_version_alone(registry: RegistryStore, model: str) -> None:
    before = _version_time(registry)
    _later()
    registry.set_model_version_tag(model, 1, ModelVersionTag("k", "v"))
    registry.delete_model_version_tag(model, 1, "k")
    registry.set_registered_model_alias(model, "champion", 1)
    assert _version_time(registry) == before
