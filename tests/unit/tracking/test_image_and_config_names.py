"""``heron.Image``, ``heron.config`` and ``heron.environment_variables`` (MLflow's names)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image as PILImage

import heron
import heron.environment_variables as ev
from heron import config
from heron.artifacts import download_artifacts
from heron.exceptions import InvalidParameter


def test_image_from_array_list_pil_and_file(tmp_path: Path) -> None:
    pixels = np.zeros((4, 6, 3), dtype=np.uint8)
    pixels[:, :3] = [255, 128, 0]
    image = heron.Image(pixels)
    assert image.size == (6, 4)
    assert image.to_array().shape == (4, 6, 3)
    assert image.to_list()[0] == (255, 128, 0)
    image.save(str(tmp_path / "a.png"))
    from_file = heron.Image(str(tmp_path / "a.png"))
    assert np.array_equal(from_file.to_array(), pixels)
    assert heron.Image([[0.0, 1.0], [1.0, 0.0]]).to_list() == [0, 255, 255, 0]
    assert heron.Image(PILImage.new("RGB", (3, 2))).resize((6, 4)).size == (6, 4)
    with pytest.raises(InvalidParameter, match="Unsupported image object type"):
        heron.Image(42)
    with pytest.raises(InvalidParameter, match="out of acceptable range"):
        heron.Image(np.full((2, 2), 300))


def test_log_image_takes_an_image_object(fluent: ModuleType, tmp_path: Path) -> None:
    pixels = np.full((3, 3, 3), 200, dtype=np.uint8)
    with fluent.start_run() as run:
        fluent.log_image(heron.Image(pixels), artifact_file="img/gray.png")
        fluent.log_image(heron.Image(pixels), key="series", step=1)
    local = download_artifacts(
        run_id=run.info.run_id, artifact_path="img/gray.png", dst_path=str(tmp_path)
    )
    assert np.array_equal(np.array(PILImage.open(local)), pixels)
    assert any(
        f.path.startswith("images/")
        for f in fluent.artifacts.list_artifacts(run_id=run.info.run_id, artifact_path="images")
    )


def test_config_functions_set_and_read_the_uris(fluent: ModuleType, tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'other.db'}"
    heron.config.set_tracking_uri(uri)
    assert heron.config.get_tracking_uri() == uri == fluent.get_tracking_uri()
    assert heron.config.is_tracking_uri_set()
    heron.config.set_registry_uri(uri)
    assert heron.config.get_registry_uri() == uri


def test_enable_async_logging_overrides_the_heron_variable(
    fluent: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERON_ENABLE_ASYNC_LOGGING", "false")
    monkeypatch.delenv("MLFLOW_ENABLE_ASYNC_LOGGING", raising=False)
    heron.config.enable_async_logging()
    assert config.ENABLE_ASYNC_LOGGING.get() is True
    assert ev.MLFLOW_ENABLE_ASYNC_LOGGING.get() is True
    with fluent.start_run() as run:
        fluent.log_metric("m", 1.0)
    heron.flush_async_logging()
    assert fluent.get_run(run.info.run_id).data.metrics == {"m": 1.0}
    heron.config.enable_async_logging(False)
    assert config.ENABLE_ASYNC_LOGGING.get() is False


def test_honoured_variables_read_and_write_heron_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HERON_RUN_ID", "MLFLOW_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    variable = ev.MLFLOW_RUN_ID
    assert (variable.name, variable.default, variable.is_set()) == ("MLFLOW_RUN_ID", None, False)
    monkeypatch.setenv("HERON_RUN_ID", "from-heron")
    assert variable.get() == "from-heron"
    assert variable.is_set()
    variable.set("from-mlflow")  # the value set is the value Heron uses
    assert config.RUN_ID.get() == "from-mlflow"
    variable.unset()
    assert config.RUN_ID.get() is None
    assert ev.MLFLOW_HTTP_REQUEST_MAX_RETRIES.get() == config.HTTP_REQUEST_MAX_RETRIES.get()


def test_other_variables_keep_mlflow_types(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_POOL_MAXSIZE", "12")
    assert ev.MLFLOW_HTTP_POOL_MAXSIZE.get() == 12
    monkeypatch.setenv("MLFLOW_HTTP_POOL_MAXSIZE", "many")
    with pytest.raises(ValueError, match="Failed to convert 'many'"):
        ev.MLFLOW_HTTP_POOL_MAXSIZE.get()
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "TRUE")
    assert ev.MLFLOW_ALLOW_FILE_STORE.get() is True
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "yes")
    with pytest.raises(ValueError, match="must be one of"):
        ev.MLFLOW_ALLOW_FILE_STORE.get()
    monkeypatch.setenv("MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES", " http , ftp ")
    assert ev.MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES.get() == ["http", "ftp"]
    assert f"{ev.MLFLOW_TRACKING_URI}" == "MLFLOW_TRACKING_URI"
    with pytest.raises(ValueError, match="default value"):
        ev.BooleanEnvironmentVariable("MLFLOW_X", 1)  # type: ignore[arg-type]


def test_log_table_stores_image_columns_as_files(fluent: ModuleType, tmp_path: Path) -> None:
    import json

    pixels = np.full((300, 150, 3), 90, dtype=np.uint8)
    with fluent.start_run() as run:
        fluent.log_table(
            {"prompt": ["a", "b"], "output": [heron.Image(pixels), PILImage.fromarray(pixels)]},
            artifact_file="eval/table.json",
        )
        with pytest.raises(InvalidParameter, match="mix of images and non-images"):
            fluent.log_table({"x": [heron.Image(pixels), "text"]}, artifact_file="bad.json")
    local = download_artifacts(run_id=run.info.run_id, artifact_path="", dst_path=str(tmp_path))
    table = json.loads((Path(local) / "eval" / "table.json").read_text())
    first = table["data"][0][1]
    assert first["type"] == "image"
    assert first["filepath"].startswith("table_images/eval/table/")
    assert PILImage.open(Path(local) / first["filepath"]).size == (150, 300)
    assert PILImage.open(Path(local) / first["compressed_filepath"]).size == (128, 256)
    assert not (Path(local) / "bad.json").exists()
