"""MlflowClient's artifact methods on a real SQLite store and local artifact root."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from heron.entities import FileInfo
from heron.exceptions import InvalidParameter
from heron.tracking import MlflowClient


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    monkeypatch.setenv("HERON_DEFAULT_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    return MlflowClient(tracking_uri=f"sqlite:///{tmp_path}/t.db")


@pytest.fixture
def run_id(client: MlflowClient) -> str:
    return client.create_run("0").info.run_id


def _root(tmp_path: Path, run_id: str) -> Path:
    return tmp_path / "artifacts" / "0" / run_id / "artifacts"


def test_log_artifact_writes_under_the_runs_artifact_root(
    client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    (tmp_path / "f.txt").write_text("hello")

    client.log_artifact(run_id, str(tmp_path / "f.txt"), "docs")

    assert (_root(tmp_path, run_id) / "docs" / "f.txt").read_text() == "hello"
    assert client.list_artifacts(run_id) == [FileInfo("docs", True, None)]
    assert client.list_artifacts(run_id, "docs") == [FileInfo("docs/f.txt", False, 5)]


def test_log_artifact_of_a_directory_keeps_its_name(
    client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    (tmp_path / "outputs" / "sub").mkdir(parents=True)
    (tmp_path / "outputs" / "sub" / "x.txt").write_text("x")

    client.log_artifact(run_id, str(tmp_path / "outputs"), "run")

    assert client.list_artifacts(run_id, "run/outputs/sub") == [
        FileInfo("run/outputs/sub/x.txt", False, 1)
    ]


def test_log_artifacts_and_download(client: MlflowClient, run_id: str, tmp_path: Path) -> None:
    (tmp_path / "src" / "d").mkdir(parents=True)
    (tmp_path / "src" / "d" / "y.txt").write_text("why")

    client.log_artifacts(run_id, str(tmp_path / "src"))
    local = client.download_artifacts(run_id, "d", str(tmp_path / "dst"))

    assert Path(local) == tmp_path / "dst" / "d"
    assert (Path(local) / "y.txt").read_text() == "why"


def test_artifact_paths_cannot_escape_the_run(
    client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    client.log_text(run_id, "fine", "ok.txt")

    with pytest.raises(InvalidParameter, match="Invalid artifact path"):
        client.log_text(run_id, "evil", "../../evil.txt")
    with pytest.raises(InvalidParameter):
        client.log_artifact(run_id, str(tmp_path / "t.db"), "%2e%2e/%2e%2e")
    with pytest.raises(InvalidParameter):
        client.list_artifacts(run_id, "..%2f..")

    everything = (tmp_path / "artifacts").rglob("*")
    files = [p.relative_to(tmp_path / "artifacts") for p in everything if p.is_file()]
    assert files == [Path("0", run_id, "artifacts", "ok.txt")]


def test_log_text(client: MlflowClient, run_id: str, tmp_path: Path) -> None:
    client.log_text(run_id, "ünïcode ✓", "notes/readme.md")

    assert (_root(tmp_path, run_id) / "notes" / "readme.md").read_text("utf-8") == "ünïcode ✓"


def test_an_artifact_file_must_name_a_file(client: MlflowClient, run_id: str) -> None:
    with pytest.raises(InvalidParameter, match="names no file"):
        client.log_text(run_id, "x", "./")


def test_log_dict_as_json_or_yaml(client: MlflowClient, run_id: str, tmp_path: Path) -> None:
    data = {"a": [1, 2], "b": {"c": "d"}}

    client.log_dict(run_id, data, "config.json")
    client.log_dict(run_id, data, "conf/config.yaml")
    client.log_dict(run_id, data, "config.txt")

    root = _root(tmp_path, run_id)
    assert json.loads((root / "config.json").read_text()) == data
    assert yaml.safe_load((root / "conf" / "config.yaml").read_text()) == data
    assert json.loads((root / "config.txt").read_text()) == data


def test_log_image_from_an_integer_array(client: MlflowClient, run_id: str, tmp_path: Path) -> None:
    pixels = np.zeros((4, 6, 3), dtype=np.uint8)
    pixels[0, 0] = (255, 0, 0)

    client.log_image(run_id, pixels, "img/red.png")

    with Image.open(_root(tmp_path, run_id) / "img" / "red.png") as saved:
        assert saved.size == (6, 4)
        assert saved.getpixel((0, 0)) == (255, 0, 0)


def test_log_image_scales_float_arrays(client: MlflowClient, run_id: str, tmp_path: Path) -> None:
    client.log_image(run_id, np.full((2, 2, 1), 0.5), "gray.png")

    with Image.open(_root(tmp_path, run_id) / "gray.png") as saved:
        assert saved.mode == "L"
        assert saved.getpixel((1, 1)) == 128


def test_log_image_from_pil(client: MlflowClient, run_id: str, tmp_path: Path) -> None:
    client.log_image(run_id, Image.new("RGB", (3, 3), "blue"), "blue.jpg")

    with Image.open(_root(tmp_path, run_id) / "blue.jpg") as saved:
        assert saved.format == "JPEG"


@pytest.mark.parametrize(
    "image",
    [
        np.full((2, 2), 1.5),
        np.full((2, 2), 300, dtype=np.int32),
        np.zeros((2, 2, 2)),
        np.zeros((2, 2, 3, 1)),
        [[0, 1], [1, 0]],
    ],
)
def test_log_image_refuses_bad_images(client: MlflowClient, run_id: str, image: object) -> None:
    with pytest.raises(InvalidParameter):
        client.log_image(run_id, image, "bad.png")


def test_log_image_needs_exactly_one_of_file_and_key(client: MlflowClient, run_id: str) -> None:
    image = np.zeros((2, 2), dtype=np.uint8)

    with pytest.raises(InvalidParameter, match="Exactly one"):
        client.log_image(run_id, image)
    with pytest.raises(InvalidParameter, match="Exactly one"):
        client.log_image(run_id, image, "a.png", key="k")


def test_log_image_series(client: MlflowClient, run_id: str) -> None:
    image = np.zeros((300, 200, 3), dtype=np.uint8)

    client.log_image(run_id, image, key="val/sample", step=3, timestamp=1700000000123)

    names = [info.path for info in client.list_artifacts(run_id, "images")]
    pattern = r"images/val~sample%step%3%timestamp%1700000000123%[g-z][0-9a-f-]{35}"
    stem = names[-1].removesuffix(".png")
    assert re.fullmatch(pattern, stem)
    assert names == [f"{stem}%compressed.webp", f"{stem}.png"]
    assert client.get_run(run_id).data.tags["mlflow.loggedImages"] == "True"


def test_image_series_thumbnails_fit_in_100_pixels(
    client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    client.log_image(run_id, np.zeros((300, 200), dtype=np.uint8), key="k")

    [thumb] = (_root(tmp_path, run_id) / "images").glob("*%compressed.webp")
    with Image.open(thumb) as saved:
        assert saved.size == (67, 100)


def test_log_image_series_refuses_odd_keys(client: MlflowClient, run_id: str) -> None:
    with pytest.raises(InvalidParameter, match="`key` parameter"):
        client.log_image(run_id, np.zeros((2, 2), dtype=np.uint8), key="a#b")


def test_log_figure_saves_a_matplotlib_figure(
    client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    figure.add_subplot().plot([1, 2, 3])

    client.log_figure(run_id, figure, "plots/line.png", save_kwargs={"dpi": 50})

    with Image.open(_root(tmp_path, run_id) / "plots" / "line.png") as saved:
        assert saved.size == (100, 50)


def test_log_figure_refuses_other_objects(client: MlflowClient, run_id: str) -> None:
    with pytest.raises(InvalidParameter, match="Unsupported figure"):
        client.log_figure(run_id, object(), "x.png")


def test_log_table_writes_split_json_and_indexes_it(
    client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    client.log_table(run_id, {"a": [1, 2], "b": ["x", "y"]}, "tables/t.json")

    saved = json.loads((_root(tmp_path, run_id) / "tables" / "t.json").read_text())
    assert saved == {"columns": ["a", "b"], "data": [[1, "x"], [2, "y"]]}
    assert json.loads(client.get_run(run_id).data.tags["mlflow.loggedArtifacts"]) == [
        {"path": "tables/t.json", "type": "table"}
    ]


def test_log_table_appends_each_table_once(client: MlflowClient, run_id: str) -> None:
    import pandas as pd

    frame = pd.DataFrame({"v": [0.5]})
    client.log_table(run_id, frame, "one.json")
    client.log_table(run_id, frame, "two.json")
    client.log_table(run_id, frame, "one.json")

    index = json.loads(client.get_run(run_id).data.tags["mlflow.loggedArtifacts"])
    assert [entry["path"] for entry in index] == ["one.json", "two.json"]


def test_log_table_refuses_other_data(client: MlflowClient, run_id: str) -> None:
    with pytest.raises(InvalidParameter, match="DataFrame or a dictionary"):
        client.log_table(run_id, [[1, 2]], "t.json")
