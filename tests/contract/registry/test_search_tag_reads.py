"""Tag filters on the prompt tag (absent reads as 'false'), and tags and aliases read back
current, in gets and searches, after every kind of write to them."""

from __future__ import annotations

import pytest

from heron.entities.registry import ModelVersionTag, RegisteredModelTag
from heron.store.registry.base import RegistryStore

PROMPT = "mlflow.prompt.is_prompt"


@pytest.fixture
def prompt_tagged(registry: RegistryStore) -> None:
    """Models and their version 1: "none" untagged, "no" tagged 'false', "yes" 'true',
    "odd" 'False'."""
    for name, value in (("none", None), ("no", "false"), ("yes", "true"), ("odd", "False")):
        model_tags = [] if value is None else [RegisteredModelTag(PROMPT, value)]
        version_tags = [] if value is None else [ModelVersionTag(PROMPT, value)]
        registry.create_registered_model(name, model_tags)
        source = "dummy-source" if value == "true" else f"s3://b/{name}"  # prompts: a placeholder
        registry.create_model_version(name, source, tags=version_tags)


@pytest.mark.parametrize(
    ("test", "expected"),
    [  # as MLflow 3.17.2's server answers: a clause that does not ask for prompts
        # ('= true' or '!= false') is dropped, leaving every non-prompt
        ("= 'false'", {"none", "no", "odd"}),
        ("!= 'false'", {"yes", "odd"}),
        ("!= 'true'", {"none", "no", "odd"}),
        ("LIKE 'f%'", {"none", "no", "odd"}),
        ("ILIKE 'F%'", {"none", "no", "odd"}),
        ("LIKE 'F%'", {"none", "no", "odd"}),
    ],
)
@pytest.mark.usefixtures("prompt_tagged")
def test_a_missing_prompt_tag_reads_as_false(
    registry: RegistryStore, test: str, expected: set[str]
) -> None:
    where = f"tags.`{PROMPT}` {test}"
    assert {m.name for m in registry.search_registered_models(where)} == expected
    assert {v.name for v in registry.search_model_versions(where)} == expected


@pytest.mark.usefixtures("prompt_tagged")
def test_other_filters_leave_prompts_out(registry: RegistryStore) -> None:
    names = {"none", "no", "odd"}
    assert {m.name for m in registry.search_registered_models("name LIKE '%'")} == names
    assert {v.name for v in registry.search_model_versions("name != 'x'")} == names


def test_model_tags_and_aliases_read_back_current(registry: RegistryStore) -> None:
    registry.create_registered_model("m", [RegisteredModelTag("a", "1")])
    for _ in range(3):
        registry.create_model_version("m", "s3://b/m")
    registry.set_registered_model_tag("m", RegisteredModelTag("a", "2"))
    registry.set_registered_model_tag("m", RegisteredModelTag("b", "x"))
    registry.delete_registered_model_tag("m", "a")
    registry.set_registered_model_alias("m", "champion", 1)
    registry.set_registered_model_alias("m", "champion", 2)
    registry.set_registered_model_alias("m", "old", 1)
    registry.set_registered_model_alias("m", "gone", 3)
    registry.delete_registered_model_alias("m", "gone")
    registry.set_registered_model_alias("m", "removed", 3)
    registry.delete_model_version("m", 3)
    (found,) = registry.search_registered_models("name = 'm'")
    for model in (registry.get_registered_model("m"), found):
        assert (model.tags, model.aliases) == ({"b": "x"}, {"champion": 2, "old": 1})


def test_version_tags_and_aliases_read_back_current(registry: RegistryStore) -> None:
    registry.create_registered_model("m")
    registry.create_model_version("m", "s3://b/1", tags=[ModelVersionTag("a", "1")])
    registry.create_model_version("m", "s3://b/2")
    registry.set_model_version_tag("m", 1, ModelVersionTag("a", "2"))
    registry.set_model_version_tag("m", 1, ModelVersionTag("b", "x"))
    registry.delete_model_version_tag("m", 1, "a")
    registry.set_model_version_tag("m", 2, ModelVersionTag("c", "y"))
    for alias, version in (("z", 1), ("y", 2), ("w", 1), ("y", 1)):
        registry.set_registered_model_alias("m", alias, version)
    registry.delete_registered_model_alias("m", "z")
    one, two = registry.get_model_version("m", 1), registry.get_model_version("m", 2)
    assert (one.tags, one.aliases, two.tags, two.aliases) == (
        {"b": "x"},
        ["w", "y"],
        {"c": "y"},
        [],
    )
    searched = {v.version: v for v in registry.search_model_versions("name = 'm'")}
    assert (searched[1].tags, searched[1].aliases) == ({"b": "x"}, ["w", "y"])
    assert (searched[2].tags, searched[2].aliases) == ({"c": "y"}, [])
    (latest,) = registry.get_registered_model("m").latest_versions
    assert (latest.version, latest.tags, latest.aliases) == (2, {"c": "y"}, [])
