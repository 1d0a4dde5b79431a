"""A model's files by URI: ``get_model_info``, ``set_signature``, ``Model.load``,
``update_model_requirements``.

Reads (and for ``set_signature`` rewrites) only the MLmodel file of a model named by any
model URI: a local path, ``runs:/<run_id>/<path>``, ``models:/m-<id>``, a registry URI
``models:/<name>/<version>`` (read only) or a storage URI. ``heron.models`` exposes these
under MLflow's names.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from typing import Literal

from heron.artifacts import download_artifacts
from heron.exceptions import HeronError, InvalidParameter
from heron.models.model import MLMODEL_FILE_NAME, Model, ModelInfo
from heron.models.signature import ModelSignature
from heron.models.uris import is_models_uri, local_path, split_model_uri
from heron.tracking.uris import is_runs_uri, join_artifact_uri, parse_runs_uri


def load_mlmodel(model_uri: str) -> Model:
    """The Model (MLmodel file) of the model at any model URI.

    Raises:
        NotFound: No MLmodel file there.
    """
    path = local_path(model_uri)
    if path is not None:
        return Model.load(path)
    with tempfile.TemporaryDirectory(prefix="heron-mlmodel-") as temp:
        file = download_artifacts(join_artifact_uri(model_uri, MLMODEL_FILE_NAME), dst_path=temp)
        return Model.load(file)


def get_model_info(model_uri: str) -> ModelInfo:
    """What is known of the model at ``model_uri``, read from its MLmodel file.

    Args:
        model_uri: A model URI: a path, ``runs:/<run_id>/<path>``, ``models:/m-<id>``,
            ``models:/<name>/<version>``, ``models:/<name>@<alias>``...

    Returns:
        A :class:`ModelInfo` with the model's flavors, signature, run and model ids.
    """
    model = load_mlmodel(model_uri)
    info = ModelInfo.from_model(model, model.artifact_path or "", model_uri)
    return info


def set_signature(model_uri: str, signature: ModelSignature) -> None:
    """Replace the signature in a model's MLmodel file.

    Args:
        model_uri: A local path, ``runs:/<run_id>/<path>`` or ``models:/m-<id>``; a
            registered version's signature cannot change (set it on the source model, then
            register again).
        signature: The new signature.

    Raises:
        InvalidParameter: A registry URI, or a URI of another kind.
    """
    from heron.tracking.session import client

    if not isinstance(signature, ModelSignature):
        raise InvalidParameter("Signature must be an instance of ModelSignature.")
    path = local_path(model_uri)
    model = load_mlmodel(model_uri)
    model.signature = signature
    if path is not None:
        model.save(path)
        return
    with tempfile.TemporaryDirectory(prefix="heron-mlmodel-") as temp:
        file = os.path.join(temp, MLMODEL_FILE_NAME)
        model.save(file)
        if is_runs_uri(model_uri):
            run_id, artifact_path = parse_runs_uri(model_uri)
            client().log_artifact(run_id, file, artifact_path or None)
            return
        if is_models_uri(model_uri):
            ref = split_model_uri(model_uri)
            if ref.model_id is not None and not ref.path:
                client().log_model_artifact(ref.model_id, file)
                return
            raise InvalidParameter(
                f"Failed to set signature on {model_uri!r}: a model version's signature cannot "
                "be changed. Set it on the source model, then register that model again."
            )
    raise InvalidParameter(
        f"Failed to set signature on {model_uri!r}: only local paths, runs:/ and "
        "models:/<model_id> URIs can be updated."
    )


_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([<>=!~;@ ].*)?$")


def _requirement_name(requirement: str) -> str | None:
    match = _REQUIREMENT.match(requirement.strip())
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else None


def _updated(existing: list[str], wanted: list[str], operation: str) -> list[str]:
    names = {_requirement_name(item) for item in wanted}
    kept = [item for item in existing if _requirement_name(item) not in names]
    return kept + wanted if operation == "add" else kept


def _rewrite(folder: str, wanted: list[str], operation: str) -> list[str]:
    """Update requirements.txt and conda.yaml in ``folder``; the files changed."""
    import yaml

    from heron.models.environment import CONDA_ENV_FILE, REQUIREMENTS_FILE

    changed = []
    requirements = os.path.join(folder, REQUIREMENTS_FILE)
    if os.path.isfile(requirements):
        with open(requirements, encoding="utf-8") as source:
            lines = [line.strip() for line in source if line.strip()]
        with open(requirements, "w", encoding="utf-8") as out:
            out.write("\n".join(_updated(lines, wanted, operation)) + "\n")
        changed.append(requirements)
    conda = os.path.join(folder, CONDA_ENV_FILE)
    if os.path.isfile(conda):
        with open(conda, encoding="utf-8") as source:
            environment = yaml.safe_load(source) or {}
        for entry in environment.get("dependencies") or []:
            if isinstance(entry, dict) and isinstance(entry.get("pip"), list):
                entry["pip"] = _updated([str(p) for p in entry["pip"]], wanted, operation)
        with open(conda, "w", encoding="utf-8") as out:
            yaml.safe_dump(environment, out, default_flow_style=False, sort_keys=False)
        changed.append(conda)
    return changed


def update_model_requirements(
    model_uri: str, operation: Literal["add", "remove"], requirement_list: list[str]
) -> None:
    """Add (or overwrite) or remove requirements in a model's requirements.txt and conda.yaml.

    Args:
        model_uri: A local path, ``runs:/<run_id>/<path>`` or ``models:/<model_id>``;
            registered versions are read-only.
        operation: ``"add"`` (replacing a requirement of the same package) or ``"remove"``
            (by package name, version specifiers ignored).
        requirement_list: E.g. ``["numpy==1.26.4", "pandas>=2"]``.

    Raises:
        InvalidParameter: Another operation, an invalid requirement, or a registry URI.
    """
    from heron.tracking.session import client

    if operation not in ("add", "remove"):
        raise InvalidParameter(f"Unsupported operation {operation!r}: use 'add' or 'remove'.")
    wanted = [item.strip().lower() for item in requirement_list]
    invalid = [item for item in wanted if _requirement_name(item) is None]
    if invalid:
        raise InvalidParameter(f"Found invalid requirements: {invalid}")
    path = local_path(model_uri)
    if path is not None:
        _rewrite(path, wanted, operation)
        return
    model_id = split_model_uri(model_uri).model_id if is_models_uri(model_uri) else None
    if is_models_uri(model_uri) and model_id is None:
        raise InvalidParameter(
            f'Failed to set requirements on "{model_uri}". '
            "Model URIs with the `models:/` scheme are not supported."
        )
    with tempfile.TemporaryDirectory(prefix="heron-requirements-") as temp:
        for name in ("requirements.txt", "conda.yaml"):
            with contextlib.suppress(HeronError):
                download_artifacts(join_artifact_uri(model_uri, name), dst_path=temp)
        for file in _rewrite(temp, wanted, operation):
            if model_id is not None:
                client().log_model_artifact(model_id, file)
            elif is_runs_uri(model_uri):
                run_id, artifact_path = parse_runs_uri(model_uri)
                client().log_artifact(run_id, file, artifact_path or None)
            else:
                raise InvalidParameter(
                    f"Failed to set requirements on {model_uri!r}: only local paths, runs:/ "
                    "and models:/<model_id> URIs can be updated."
                )
