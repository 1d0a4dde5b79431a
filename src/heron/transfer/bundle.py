"""Run and logged-model directories of a bundle: written atomically, read with checks.

A run directory holds ``run.json`` and ``artifacts/``; a logged-model directory holds
``logged_model.json`` and ``artifacts/``. Each is written under a temporary name and
renamed into place once complete, so a bundle never holds half a run: an interrupted
export leaves the run absent, and exporting again replaces it whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

from heron.store.artifacts.paths import safe_relative_path
from heron.transfer import jsonio, modelfile, runfile
from heron.transfer.checksums import FileDigest, HashingStream
from heron.transfer.errors import CorruptBundle
from heron.transfer.layout import ARTIFACTS_DIR
from heron.transfer.records import LoggedModelRecord, RunRecord
from heron.transfer.sources import ArtifactSource, BundleArtifacts


@dataclass
class BundledRun:
    """A run read from a bundle: its record and its files."""

    record: RunRecord
    artifacts: BundleArtifacts
    directory: str
    system: dict[str, Any]


@dataclass
class BundledModel:
    """A logged model read from a bundle: its record and its files."""

    record: LoggedModelRecord
    artifacts: BundleArtifacts
    directory: str


def copy_files(source: ArtifactSource, destination: str) -> list[FileDigest]:
    """Copy every file of ``source`` under a local directory, hashing as it goes."""
    digests = []
    for path in source.paths():
        relative = safe_relative_path(path)  # a hostile listing must not write outside
        local = os.path.join(destination, *relative.split("/"))
        os.makedirs(os.path.dirname(local), exist_ok=True)
        stream = HashingStream(source.chunks(path))
        with open(local, "wb") as out:
            for chunk in stream:
                out.write(chunk)
        digests.append(FileDigest(relative, stream.size, stream.hexdigest()))
    return digests


def _write_atomically(directory: str, fill: Any, whole: bool = True) -> None:
    """Fill a temporary sibling of ``directory`` with ``fill(path)``, then swap it in.

    With ``whole`` False, ``directory`` may hold other things (a user's output directory):
    only the entries ``fill`` wrote replace their namesakes in it.
    """
    parent = os.path.dirname(os.path.abspath(directory))
    os.makedirs(parent, exist_ok=True)
    temporary = tempfile.mkdtemp(prefix=".heron-", suffix=".partial", dir=parent)
    try:
        fill(temporary)
        if whole:
            if os.path.isdir(directory):
                shutil.rmtree(directory)
            os.replace(temporary, directory)
            return
        os.makedirs(directory, exist_ok=True)
        for name in sorted(os.listdir(temporary), key=lambda n: n == runfile.RUN_FILE):
            target = os.path.join(directory, name)  # run.json last: it completes the run
            if os.path.isdir(target):
                shutil.rmtree(target)
            os.replace(os.path.join(temporary, name), target)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def write_run(
    directory: str,
    record: RunRecord,
    artifacts: ArtifactSource,
    system: dict[str, Any],
    whole: bool = True,
) -> None:
    """Write a run directory (``run.json`` and ``artifacts/``) with artifact checksums.

    ``record.artifacts`` is set to the checksums of the files written. ``whole`` replaces
    the directory; otherwise only its ``run.json`` and ``artifacts`` are replaced.
    """

    def fill(path: str) -> None:
        record.artifacts = copy_files(artifacts, os.path.join(path, ARTIFACTS_DIR))
        content = jsonio.envelope(system, runfile.encode_run(record), runfile.encode_info(record))
        finite = runfile.finite_metrics(record)
        jsonio.write_json(os.path.join(path, runfile.RUN_FILE), content, False, finite)

    _write_atomically(directory, fill, whole)


def write_model(
    directory: str,
    record: LoggedModelRecord,
    artifacts: ArtifactSource,
    system: dict[str, Any],
) -> None:
    """Write a logged-model directory (``logged_model.json`` and ``artifacts/``)."""

    def fill(path: str) -> None:
        record.artifacts = copy_files(artifacts, os.path.join(path, ARTIFACTS_DIR))
        content = jsonio.envelope(
            system, modelfile.encode_model(record), modelfile.encode_info(record)
        )
        jsonio.write_json(os.path.join(path, modelfile.MODEL_FILE), content, indent=False)

    _write_atomically(directory, fill)


def read_run(directory: str) -> BundledRun:
    """Read a run directory of any layout.

    Raises:
        CorruptBundle: ``run.json`` is missing or malformed.
    """
    path = os.path.join(directory, runfile.RUN_FILE)
    if not os.path.isdir(directory):
        raise CorruptBundle(f"Missing run directory '{directory}'")
    content = jsonio.read_json(path, "run")
    record = runfile.decode_run(content, path)
    artifacts = BundleArtifacts(
        os.path.join(directory, ARTIFACTS_DIR), record.artifacts, f"run '{record.run_id}'"
    )
    system = jsonio.section(content, jsonio.SYSTEM) or jsonio.section(content, "export_info")
    return BundledRun(record, artifacts, directory, system)


def read_parent(directory: str) -> str | None:
    """The parent run id of a bundled run (checking only that its ``run.json`` parses).

    Raises:
        CorruptBundle: ``run.json`` is missing, not JSON, or names no run.
    """
    path = os.path.join(directory, runfile.RUN_FILE)
    return runfile.parent_of(jsonio.read_json(path, "run"), path)[1]


def read_model(directory: str) -> BundledModel:
    """Read a logged-model directory.

    Raises:
        CorruptBundle: ``logged_model.json`` is missing or malformed.
    """
    path = os.path.join(directory, modelfile.MODEL_FILE)
    record = modelfile.decode_model(jsonio.read_json(path, "logged model"), path)
    artifacts = BundleArtifacts(
        os.path.join(directory, ARTIFACTS_DIR),
        record.artifacts,
        f"logged model '{record.model_id}'",
    )
    return BundledModel(record, artifacts, directory)
