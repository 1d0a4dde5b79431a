"""A logged model's MLmodel file by URI: ``get_model_info``, ``set_signature``, ``Model.load``.

Reads (and for ``set_signature`` rewrites) only the MLmodel file of a model named by any
model URI: a local path, ``runs:/<run_id>/<path>``, ``models:/m-<id>``, a registry URI
``models:/<name>/<version>`` (read only) or a storage URI. ``heron.models`` exposes these
under MLflow's names.
"""

from __future__ import annotations

import os
import tempfile

from heron.artifacts import download_artifacts
from heron.exceptions import InvalidParameter
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
