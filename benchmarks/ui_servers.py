"""The two servers of the UI benchmark (``ui.py``) on their cached stores, loaded if needed."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ui_data
from artifacts_proxy import heron_executable

from compat.processes import (
    ServerProcess,
    clean_env,
    mlflow_server_command,
    peer_venv,
    start_server,
)

MLFLOW_PACKAGES = ("mlflow==3.17.2", "scikit-learn")  # what the shared peers.sh installs


def cache_dir(*parts: str) -> Path:
    """Where a benchmark keeps its loaded stores between runs: ``$XDG_CACHE_HOME`` (or
    ``~/.cache``) joined with ``parts``."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")).joinpath(*parts)


def heron_command() -> list[str]:
    """This checkout's ``heron server`` on the store of :func:`start_server`."""
    return [
        heron_executable(),
        "server",
        "--backend-store-uri=sqlite:///{database}",
        "--artifacts-destination={artifacts}",
        "--host=127.0.0.1",
        "--port={port}",
    ]


def mlflow_python() -> Path:
    """The MLflow 3.17.2 virtualenv's python (built on first use)."""
    return peer_venv("mlflow", MLFLOW_PACKAGES) / "bin" / "python"


def serve(
    kind: str, directory: Path, shape: ui_data.Shape, args: argparse.Namespace
) -> tuple[ServerProcess, ui_data.Loaded]:
    """The ``kind`` server on its cached store, loaded first if needed."""
    loaded = None if args.fresh else ui_data.cached(directory)
    if loaded is None:
        ui_data.prepare(directory)
    if kind == "heron":
        command = heron_command()
    else:
        command = mlflow_server_command(mlflow_python(), "--artifacts-destination={artifacts}")
    server = start_server(kind, command, directory)
    if loaded is None:
        print(f"loading {shape.key} into {kind} ({directory})", flush=True)
        rows = None if kind == "heron" or args.mlflow_via_rest else mlflow_rows(server, shape)
        try:
            loaded = ui_data.load(kind, server.url, shape, args.load_workers, rows)
        except BaseException:
            server.stop()
            raise
        ui_data.mark_loaded(directory, loaded)
        print(f"  {kind}: loaded in {loaded.load_seconds:.0f} s ({loaded.method})", flush=True)
    return server, loaded


def mlflow_rows(server: ServerProcess, shape: ui_data.Shape) -> Any:
    """The row loader of MLflow's store (``ui_mlflow_rows.py`` run by MLflow's python)."""

    def write(experiment_id: str) -> None:
        numbers = (shape.runs, shape.params, shape.metrics, shape.steps, shape.tags)
        subprocess.run(
            [str(mlflow_python()), str(Path(__file__).with_name("ui_mlflow_rows.py"))]
            + [server.store_uri, experiment_id]
            + [str(n) for n in numbers],
            check=True,
            env=clean_env(),
        )

    return write
