"""The artifact steps of the scripted session: every fluent artifact call, list, download."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

TEXT = "hello heron\nçà ✓\n"
DICT = {"a": 1, "b": [1, 2], "c": {"d": "e"}}
BUNDLE = {"a.txt": b"alpha\n", "sub/b.txt": b"beta\n", "sub/deeper/c.json": b'{"c": 3}\n'}
ODD_NAME = "weird name é+%.txt"


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class ArtifactSteps:
    """Mixed into the session: uploads files of every kind, then reads them back."""

    mlflow: Any
    client: Any
    workdir: Path
    runs: dict[str, str]
    logged: dict[str, dict[str, Any]]
    record: Any  # Session.record(label, run_id) -> the run's record
    generated: dict[str, str | None]  # artifact path -> None, for files a library wrote

    def step_artifact_files(self) -> None:
        """log_text, log_dict, log_artifact(s) of files whose bytes are known."""
        with self.mlflow.start_run(run_name="artifacts") as run:
            entry = self.record("artifacts", run.info.run_id)
            entry["info"]["status"] = "FINISHED"
            entry["artifacts"].update(self._upload_files())

    def step_artifact_figures(self) -> None:
        """log_figure, log_image and log_table (their libraries permitting) on the same run."""
        run_id = self.runs["artifacts"]
        self.logged[run_id]["steps"].append("artifact_figures")
        try:
            with self.mlflow.start_run(run_id=run_id):
                self._upload_generated(self.generated)
        finally:
            self.logged[run_id]["artifacts"].update(self.generated)

    def step_artifact_listing(self) -> None:
        """list_artifacts at the root, in directories, and of a missing path."""
        self._check_listing(self.runs["artifacts"], self.generated)

    def step_artifact_downloads(self) -> None:
        """download_artifacts of each file and of a directory tree; their bytes are intact."""
        run_id = self.runs["artifacts"]
        self._check_downloads(run_id, self.logged[run_id]["artifacts"])
        if "tables/table.json" in self.generated:
            self._check_table(run_id)

    def _upload_files(self) -> dict[str, str | None]:
        """Files whose bytes are known, by artifact path -> sha256 (None: generated)."""
        mlflow, source = self.mlflow, self.workdir / "upload"
        (source / "bundle").mkdir(parents=True, exist_ok=True)
        blob = bytes(range(256)) + os.urandom(1 << 20)
        (source / "blob.bin").write_bytes(blob)
        (source / "data.csv").write_text("x,y\n1,2\n", encoding="utf-8")
        (source / ODD_NAME).write_bytes(b"odd\n")
        for relative, data in BUNDLE.items():
            (source / "bundle" / relative).parent.mkdir(parents=True, exist_ok=True)
            (source / "bundle" / relative).write_bytes(data)
        mlflow.log_text(TEXT, "notes/readme.txt")
        mlflow.log_dict(DICT, "config/params.json")
        mlflow.log_artifact(str(source / "data.csv"))
        mlflow.log_artifact(str(source / "blob.bin"), artifact_path="blobs")
        mlflow.log_artifact(str(source / ODD_NAME))
        mlflow.log_artifacts(str(source / "bundle"), artifact_path="bundle")
        return {
            "notes/readme.txt": sha256(TEXT.encode()),
            "config/params.json": None,
            "data.csv": sha256(b"x,y\n1,2\n"),
            "blobs/blob.bin": sha256(blob),
            ODD_NAME: sha256(b"odd\n"),
            **{f"bundle/{relative}": sha256(data) for relative, data in BUNDLE.items()},
        }

    def _upload_generated(self, made: dict[str, str | None]) -> None:
        """A figure, an image and a table, as their libraries permit; ``made`` notes each."""
        mlflow = self.mlflow
        if _installed("matplotlib"):
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            figure, axes = plt.subplots()
            axes.plot([0, 1, 2], [2, 1, 3])
            mlflow.log_figure(figure, "plots/figure.png")
            plt.close(figure)
            made["plots/figure.png"] = None
        if _installed("numpy") and _installed("PIL"):
            import numpy as np

            mlflow.log_image(np.full((8, 8, 3), 200, dtype=np.uint8), "images/square.png")
            made["images/square.png"] = None
        if _installed("pandas"):
            mlflow.log_table({"x": [1, 2, 3], "y": ["a", "b", "c"]}, "tables/table.json")
            made["tables/table.json"] = None

    def _check_listing(self, run_id: str, generated: dict[str, str | None]) -> None:
        client = self.client
        top = {f.path: f.is_dir for f in client.list_artifacts(run_id)}
        expected = {
            "notes": True,
            "config": True,
            "data.csv": False,
            "blobs": True,
            ODD_NAME: False,
            "bundle": True,
            **{path.split("/")[0]: True for path in generated},
        }
        assert top == expected, top
        bundle = {f.path: (f.is_dir, f.file_size) for f in client.list_artifacts(run_id, "bundle")}
        assert bundle == {"bundle/a.txt": (False, 6), "bundle/sub": (True, None)}, bundle
        deeper = [f.path for f in client.list_artifacts(run_id, "bundle/sub/deeper")]
        assert deeper == ["bundle/sub/deeper/c.json"], deeper
        assert client.list_artifacts(run_id, "no/such/dir") == []

    def _check_downloads(self, run_id: str, files: dict[str, str | None]) -> None:
        client, target = self.client, self.workdir / "download"
        for path, digest in files.items():
            if digest is None:
                continue
            local = client.download_artifacts(run_id, path, str(target / "files"))
            assert sha256(Path(local).read_bytes()) == digest, path
        local = Path(client.download_artifacts(run_id, "config/params.json", str(target)))
        assert json.loads(local.read_text(encoding="utf-8")) == DICT
        tree = Path(client.download_artifacts(run_id, "bundle", str(target / "tree")))
        got = {str(p.relative_to(tree)): p.read_bytes() for p in tree.rglob("*") if p.is_file()}
        assert got == BUNDLE, sorted(got)

    def _check_table(self, run_id: str) -> None:
        target = self.workdir / "download"
        table = Path(self.client.download_artifacts(run_id, "tables/table.json", str(target)))
        assert json.loads(table.read_text(encoding="utf-8"))["columns"] == ["x", "y"]
