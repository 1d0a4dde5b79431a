"""``model.json`` details: where a version's model files are, and the sources written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heron.entities import ModelVersion, RegisteredModel
from heron.transfer.registryfile import (
    MODEL_JSON,
    encode_model,
    encode_version,
    read_model,
    run_relative_path,
    source_model_id,
)

RUN = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("source", "artifact_uri", "expected"),
    [
        (f"runs:/{RUN}/model", None, "model"),
        (f"runs:/{RUN}", None, ""),
        (f"mlflow-artifacts:/1/{RUN}/artifacts/sub/model", None, "sub/model"),
        (f"s3://bucket/artifacts/x/{RUN}/artifacts/model", None, "model"),
        ("/data/store/runs/r1/files/model", "/data/store/runs/r1/files", "model"),
        (f"mlflow-artifacts:/1/{RUN}/artifactsmore/model", None, None),
        ("models:/m-abc", None, None),
        (f"runs:/{RUN}x/model", None, None),
    ],
)
def test_run_relative_path(source: str, artifact_uri: str | None, expected: str | None) -> None:
    assert run_relative_path(source, RUN, artifact_uri) == expected


def _version(source: str, model_id: str | None = None) -> ModelVersion:
    return ModelVersion("m", 1, 1, 1, source=source, run_id=RUN, model_id=model_id, tags={"k": "v"})


def test_source_model_id_from_the_field_or_the_source() -> None:
    assert source_model_id(_version("models:/m-abc", "m-abc")) == "m-abc"
    assert source_model_id(_version("models:/m-abc")) == "m-abc"  # MLflow leaves model_id out
    assert source_model_id(_version("models:/wine/3")) is None  # another version, not a model
    assert source_model_id(_version(f"runs:/{RUN}/model")) is None
    assert source_model_id(_version("models:/")) is None


def test_another_source_is_written_and_the_registrys_read_back(tmp_path: Path) -> None:
    entry = encode_version(_version(f"runs:/{RUN}/model"), "wine", f"{RUN}/artifacts/model")
    assert (entry["source"], entry["_source"]) == (f"{RUN}/artifacts/model", f"runs:/{RUN}/model")
    same = encode_version(_version("x"), None, "x")
    assert "_source" not in same
    model = RegisteredModel("m", 1, 1, aliases={"best": 1})
    entry["_run_artifact_uri"] = "mlflow-artifacts:/1/r/artifacts"
    content = {"mlflow": encode_model(model, [entry])}
    (tmp_path / MODEL_JSON).write_text(json.dumps(content))
    found = read_model(str(tmp_path))
    (version,) = found.versions
    assert (version.source, version.aliases, version.tags) == (
        f"runs:/{RUN}/model",
        ["best"],
        {"k": "v"},
    )
    assert found.experiments == {RUN: "wine"}
    assert found.artifact_uris == {RUN: "mlflow-artifacts:/1/r/artifacts"}
