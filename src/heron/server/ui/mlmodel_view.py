"""A folder holding an ``MLmodel`` file, shown as a model: flavors, signature, input example,
environment files and the code that loads it.

The MLmodel file is read through :class:`heron.models.Model` (the same parsing as loading a
model); only small files are read, and only their heads.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from heron.entities import FileInfo
from heron.exceptions import HeronError
from heron.models.model import MLMODEL_FILE_NAME, Model
from heron.server.ui.previews import decode_text, read_head
from heron.server.ui.tables import Table, cell, logged_table
from heron.store.artifacts.base import ArtifactRepository, join_artifact_path

MAX_MLMODEL_BYTES = 1_000_000
EXAMPLE_HEAD = 1_000_000
ENVIRONMENT_HEAD = 64_000
EXAMPLE_ROWS = 10
ENVIRONMENT_FILES = ("requirements.txt", "python_env.yaml", "conda.yaml")


@dataclass
class ModelView:
    """What the model panel shows."""

    path: str
    uri: str
    flavors: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    inputs: list[dict[str, str]] | None = None
    outputs: list[dict[str, str]] | None = None
    params: list[dict[str, str]] | None = None
    example_table: Table | None = None
    example_text: str | None = None
    environment: list[tuple[str, str]] = field(default_factory=list)
    model_id: str | None = None
    error: str | None = None


def is_model_folder(entries: list[FileInfo]) -> bool:
    """Whether a folder's listing holds an MLmodel file."""
    return any(not e.is_dir and e.path.rsplit("/", 1)[-1] == MLMODEL_FILE_NAME for e in entries)


def load_model(repository: ArtifactRepository, folder: str, entries: list[FileInfo]) -> Model:
    """The folder's MLmodel, read with :meth:`Model.load` from a local copy of the file."""
    file = next(e for e in entries if e.path.rsplit("/", 1)[-1] == MLMODEL_FILE_NAME)
    if file.file_size is not None and file.file_size > MAX_MLMODEL_BYTES:
        raise HeronError(f"The MLmodel file is larger than {MAX_MLMODEL_BYTES} bytes")
    data = read_head(repository, file.path, MAX_MLMODEL_BYTES)
    with tempfile.TemporaryDirectory(prefix="heron-mlmodel-") as directory:
        with open(os.path.join(directory, MLMODEL_FILE_NAME), "wb") as out:
            out.write(data)
        return Model.load(directory)


def model_view(
    repository: ArtifactRepository, run_id: str, folder: str, entries: list[FileInfo]
) -> ModelView:
    """The model panel of a model folder of run ``run_id``."""
    uri = f"runs:/{run_id}/{folder}" if folder else f"runs:/{run_id}"
    view = ModelView(folder, uri)
    try:
        model = load_model(repository, folder, entries)
    except (HeronError, ValueError, UnicodeDecodeError) as error:
        view.error = f"The MLmodel file could not be read: {error}"
        return view
    except Exception as error:  # yaml errors: shown, never a failed page
        view.error = f"The MLmodel file could not be read: {type(error).__name__}"
        return view
    if model.model_id:
        view.uri, view.model_id = f"models:/{model.model_id}", str(model.model_id)
    view.flavors = [
        (str(name), [(str(k), cell(v)) for k, v in sorted((config or {}).items())])
        for name, config in sorted(model.flavors.items())
    ]
    if model.signature is not None:
        view.inputs = _schema_rows(model.signature.inputs)
        view.outputs = _schema_rows(model.signature.outputs)
        params = model.signature.params
        view.params = [_spec_row(p) for p in params.to_dict()] if params is not None else None
    _add_example(repository, folder, model, view)
    names = {e.path.rsplit("/", 1)[-1]: e for e in entries if not e.is_dir}
    for name in ENVIRONMENT_FILES:
        if name in names:
            text = decode_text(read_head(repository, names[name].path, ENVIRONMENT_HEAD))
            view.environment.append((name, text if text is not None else "(binary)"))
    return view


def _schema_rows(schema: Any) -> list[dict[str, str]] | None:
    if schema is None:
        return None
    return [_spec_row(spec.to_dict()) for spec in schema.inputs]


def _spec_row(spec: dict[str, Any]) -> dict[str, str]:
    """One row of a signature table: name, type, and shape / required / default."""
    tensor = spec.get("tensor-spec")
    if isinstance(tensor, dict):
        kind, detail = f"tensor ({tensor.get('dtype')})", f"shape {tensor.get('shape')}"
    else:
        kind = cell(spec.get("type"))
        for key in ("items", "properties", "values"):
            if key in spec:
                kind += " " + cell(spec[key])
        detail = "required" if spec.get("required", True) else "optional"
        if "default" in spec:
            detail = f"default {cell(spec['default'])}"
    return {"name": cell(spec.get("name", "")), "type": kind, "detail": detail}


def _add_example(
    repository: ArtifactRepository, folder: str, model: Model, view: ModelView
) -> None:
    info = model.saved_input_example_info or {}
    name = info.get("artifact_path")
    if not isinstance(name, str) or not name:
        return
    try:
        data = read_head(repository, join_artifact_path(folder, name), EXAMPLE_HEAD + 1)
    except HeronError:
        return
    text = decode_text(data[:EXAMPLE_HEAD])
    if text is None:
        return
    import json

    try:
        value = json.loads(data) if len(data) <= EXAMPLE_HEAD else None
    except ValueError:
        value = None
    if isinstance(value, dict) and isinstance(value.get("dataframe_split"), dict):
        value = value["dataframe_split"]
    table = logged_table(value, 0, EXAMPLE_ROWS) if value is not None else None
    if table is not None:
        view.example_table = table
    elif value is not None:
        view.example_text = json.dumps(value, indent=2, ensure_ascii=False)[:EXAMPLE_HEAD]
    else:
        view.example_text = text
