"""Tags of registered models and model versions."""

from __future__ import annotations

import pytest

from heron.entities.registry import ModelVersionTag, RegisteredModelTag
from heron.exceptions import InvalidParameter, NotFound
from heron.store.registry.base import RegistryStore

SOURCE = "s3://bucket/models/a"


@pytest.fixture
def model(registry: RegistryStore) -> str:
    """A registered model with one version."""
    registry.create_registered_model("fraud")
    registry.create_model_version("fraud", SOURCE)
    return "fraud"


def test_model_tags(registry: RegistryStore, model: str) -> None:
    registry.set_registered_model_tag(model, RegisteredModelTag("team", "risk"))
    registry.set_registered_model_tag(model, RegisteredModelTag("mlflow.note", "a: b/c"))
    registry.set_registered_model_tag(model, RegisteredModelTag("team", "fraud"))
    assert registry.get_registered_model(model).tags == {"team": "fraud", "mlflow.note": "a: b/c"}
    registry.delete_registered_model_tag(model, "team")
    registry.delete_registered_model_tag(model, "absent")
    assert registry.get_registered_model(model).tags == {"mlflow.note": "a: b/c"}


def test_model_tags_on_a_missing_model(registry: RegistryStore) -> None:
    with pytest.raises(NotFound):
        registry.set_registered_model_tag("nope", RegisteredModelTag("k", "v"))
    with pytest.raises(NotFound):
        registry.delete_registered_model_tag("nope", "k")


def test_version_tags(registry: RegistryStore, model: str) -> None:
    registry.create_model_version(model, SOURCE, tags=[ModelVersionTag("other", "x")])
    registry.set_model_version_tag(model, 1, ModelVersionTag("validated", "no"))
    registry.set_model_version_tag(model, "1", ModelVersionTag("validated", "yes"))
    registry.set_model_version_tag(model, 1, ModelVersionTag("empty", ""))
    assert registry.get_model_version(model, 1).tags == {"validated": "yes", "empty": ""}
    registry.delete_model_version_tag(model, 1, "validated")
    registry.delete_model_version_tag(model, 1, "absent")
    assert registry.get_model_version(model, 1).tags == {"empty": ""}
    assert registry.get_model_version(model, 2).tags == {"other": "x"}


def test_version_tags_on_a_missing_version(registry: RegistryStore, model: str) -> None:
    with pytest.raises(NotFound):
        registry.set_model_version_tag(model, 9, ModelVersionTag("k", "v"))
    with pytest.raises(NotFound):
        registry.delete_model_version_tag(model, 9, "k")
    registry.delete_model_version(model, 1)
    with pytest.raises(NotFound):
        registry.set_model_version_tag(model, 1, ModelVersionTag("k", "v"))


def test_latest_versions_carry_their_tags(registry: RegistryStore, model: str) -> None:
    registry.set_model_version_tag(model, 1, ModelVersionTag("k", "v"))
    (latest,) = registry.get_registered_model(model).latest_versions
    assert latest.tags == {"k": "v"}
    assert registry.get_latest_versions(model)[0].tags == {"k": "v"}


@pytest.mark.parametrize("key", ["a!b", "../up", "/abs", "a//b", "x" * 251])
def test_invalid_keys(registry: RegistryStore, model: str, key: str) -> None:
    with pytest.raises(InvalidParameter):
        registry.set_registered_model_tag(model, RegisteredModelTag(key, "v"))
    with pytest.raises(InvalidParameter):
        registry.set_model_version_tag(model, 1, ModelVersionTag(key, "v"))
    with pytest.raises(InvalidParameter):
        registry.create_registered_model("other", [RegisteredModelTag(key, "v")])
    with pytest.raises(InvalidParameter):
        registry.create_model_version(model, SOURCE, tags=[ModelVersionTag(key, "v")])


def test_value_length_limit(registry: RegistryStore, model: str) -> None:
    registry.set_registered_model_tag(model, RegisteredModelTag("big", "x" * 100_000))
    registry.set_model_version_tag(model, 1, ModelVersionTag("big", "y" * 100_000))
    assert len(registry.get_registered_model(model).tags["big"]) == 100_000
    assert len(registry.get_model_version(model, 1).tags["big"]) == 100_000
    with pytest.raises(InvalidParameter, match="exceeds the maximum length of 100000"):
        registry.set_registered_model_tag(model, RegisteredModelTag("big", "x" * 100_001))
    with pytest.raises(InvalidParameter, match="exceeds the maximum length of 100000"):
        registry.set_model_version_tag(model, 1, ModelVersionTag("big", "y" * 100_001))


def test_tags_stay_with_their_owner(registry: RegistryStore, model: str) -> None:
    registry.create_registered_model("other")
    registry.create_model_version("other", SOURCE)
    registry.set_registered_model_tag(model, RegisteredModelTag("k", "mine"))
    registry.set_model_version_tag(model, 1, ModelVersionTag("k", "mine"))
    assert registry.get_registered_model("other").tags == {}
    assert registry.get_model_version("other", 1).tags == {}
