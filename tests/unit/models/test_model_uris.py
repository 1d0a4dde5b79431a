"""Parsing ``models:/`` URIs (spec 14.1): every form, the sub-path form, and what is refused."""

from __future__ import annotations

import pytest

from heron.exceptions import InvalidParameter
from heron.models.uris import ModelUri, is_models_uri, parse_model_uri, split_model_uri

LOGGED_ID = "m-" + "0123456789abcdef" * 2


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("models:/rf/3", ModelUri(name="rf", version=3)),
        ("models:/rf/Production", ModelUri(name="rf", stage="Production")),
        ("models:/rf/staging", ModelUri(name="rf", stage="Staging")),
        ("models:/rf/NONE", ModelUri(name="rf", stage="None")),
        ("models:/rf/archived", ModelUri(name="rf", stage="Archived")),
        ("models:/rf/latest", ModelUri(name="rf")),
        ("models:/rf/LaTeSt", ModelUri(name="rf")),
        ("models:/rf@champion", ModelUri(name="rf", alias="champion")),
        ("models:/a@b@c", ModelUri(name="a@b", alias="c")),
        (f"models:/{LOGGED_ID}", ModelUri(model_id=LOGGED_ID)),
        ("models:/some-id", ModelUri(model_id="some-id")),
        ("MODELS:/rf/1", ModelUri(name="rf", version=1)),
        ("models:/my model/2", ModelUri(name="my model", version=2)),
    ],
)
def test_every_form_parses(uri: str, expected: ModelUri) -> None:
    assert parse_model_uri(uri) == expected


def test_latest_means_no_version_stage_or_alias() -> None:
    assert parse_model_uri("models:/rf/latest").is_latest
    assert not parse_model_uri("models:/rf/1").is_latest
    assert not parse_model_uri("models:/rf@x").is_latest
    assert not parse_model_uri(f"models:/{LOGGED_ID}").is_latest


@pytest.mark.parametrize(
    "uri",
    [
        "models:/",
        "models:",
        "models:rf/1",
        "models://host/rf/1",
        "models:/rf/1/extra",
        "models:/rf/",
        "models:/ /1",
        "models:/rf@",
        "models:/@alias",
        "models:/rf/1?x=1",
        "runs:/abc/model",
    ],
)
def test_malformed_uris_are_refused_with_mlflows_message(uri: str) -> None:
    with pytest.raises(InvalidParameter, match="Not a proper models:/ URI"):
        parse_model_uri(uri)


def test_an_unknown_stage_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="Invalid Model Version stage: Prod"):
        parse_model_uri("models:/rf/Prod")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("models:/rf/1/MLmodel", ModelUri(name="rf", version=1, path="MLmodel")),
        ("models:/rf/Staging/a/b/", ModelUri(name="rf", stage="Staging", path="a/b")),
        ("models:/rf@champ/data/x.pkl", ModelUri(name="rf", alias="champ", path="data/x.pkl")),
        (f"models:/{LOGGED_ID}/MLmodel", ModelUri(model_id=LOGGED_ID, path="MLmodel")),
        ("models:/rf/latest", ModelUri(name="rf")),
        ("models:/rf@champ", ModelUri(name="rf", alias="champ")),
    ],
)
def test_split_keeps_a_path_inside_the_model(uri: str, expected: ModelUri) -> None:
    assert split_model_uri(uri) == expected


def test_is_models_uri() -> None:
    assert is_models_uri("models:/rf/1")
    assert is_models_uri("Models:/rf@a")
    assert not is_models_uri("runs:/abc/model")
    assert not is_models_uri("/tmp/models/rf")
