"""Registry validation: MLflow's rules and messages."""

from __future__ import annotations

import pytest

from heron.exceptions import InvalidParameter
from heron.validation_registry import (
    validate_alias,
    validate_description,
    validate_model_name,
    validate_new_alias,
    validate_registry_tag,
    validate_version,
)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Missing value for required parameter 'name'."),
        ("  ", "Missing value for required parameter 'name'."),
        (None, "Missing value for required parameter 'name'."),
        ("a/b", "Invalid model name 'a/b'. Names cannot contain '/' or ':'."),
        ("a:b", "Invalid model name 'a:b'. Names cannot contain '/' or ':'."),
        ("..", "This name would resolve to '..'"),
        ("x" * 257, "'name' exceeds the maximum length of 256 characters"),
    ],
)
def test_bad_model_names(name: object, message: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        validate_model_name(name)
    assert message in caught.value.message


def test_new_name_is_named_in_messages() -> None:
    with pytest.raises(InvalidParameter, match="parameter 'new_name'"):
        validate_model_name("", "new_name")


def test_good_model_names() -> None:
    for name in ("m", "my model", "a.b", "a..b", "x" * 256, "模型"):
        assert validate_model_name(name) == name


@pytest.mark.parametrize(("given", "number"), [(3, 3), ("3", 3), (" 12 ", 12), ("-1", -1)])
def test_versions(given: object, number: int) -> None:
    assert validate_version(given) == number


@pytest.mark.parametrize("given", ["abc", "1.5", "", None, 1.0, True])
def test_bad_versions(given: object) -> None:
    with pytest.raises(InvalidParameter, match="Parameter 'version' must be an integer, got"):
        validate_version(given)


def test_aliases() -> None:
    assert validate_alias("champion-2_b") == "champion-2_b"
    assert validate_alias("latest") == "latest"  # reserved only when setting
    with pytest.raises(InvalidParameter, match="alias name cannot be empty"):
        validate_alias("")
    with pytest.raises(InvalidParameter, match=r"Invalid alias name: 'a\.b'"):
        validate_alias("a.b")
    with pytest.raises(InvalidParameter, match="exceeds the maximum length of 255"):
        validate_alias("x" * 256)


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("latest", "'latest' alias name (case insensitive) is reserved."),
        ("LaTeSt", "'latest' alias name (case insensitive) is reserved."),
        ("v3", "Version alias name 'v3' is reserved."),
        ("V10", "Version alias name 'V10' is reserved."),
    ],
)
def test_reserved_aliases(alias: str, message: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        validate_new_alias(alias)
    assert caught.value.message == message


def test_registry_tags() -> None:
    assert validate_registry_tag("k", None) == ""
    assert validate_registry_tag("k", 5) == "5"
    with pytest.raises(InvalidParameter, match="Tag value cannot be None"):
        validate_registry_tag("k", None, version_tag=True)
    with pytest.raises(InvalidParameter, match="'value' exceeds the maximum length of 100000"):
        validate_registry_tag("k", "x" * 100_001)
    with pytest.raises(InvalidParameter, match="Invalid tag name"):
        validate_registry_tag("a!", "v")


def test_descriptions() -> None:
    assert validate_description("") is None
    assert validate_description("text") == "text"
    with pytest.raises(InvalidParameter, match="exceeds the maximum length of 5000"):
        validate_description("x" * 5001)
