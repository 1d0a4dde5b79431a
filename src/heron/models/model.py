"""The MLmodel file: a model directory's description (spec 13.2), read and written like MLflow.

Heron writes ``mlflow_version`` as the MLflow release whose format it follows (so MLflow's
version checks accept the model) and its own version under ``heron_version``. Keys neither
library knows are kept as they were read and written back unchanged.
"""

from __future__ import annotations

import datetime
import importlib
import os
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heron.exceptions import InvalidParameter, NotFound
from heron.models.uris import local_path
from heron.models.yaml_expansion import check_expansion
from heron.version import __version__

if TYPE_CHECKING:
    from heron.models.schema import ParamSchema, Schema
    from heron.models.signature import ModelSignature

MLMODEL_FILE_NAME = "MLmodel"
# The MLflow release whose model format Heron writes.
MLFLOW_COMPATIBLE_VERSION = "3.17.2"

_KNOWN_KEYS = (
    "artifact_path",
    "flavors",
    "model_uuid",
    "model_id",
    "run_id",
    "utc_time_created",
    "mlflow_version",
    "heron_version",
    "signature",
    "saved_input_example_info",
    "model_size_bytes",
    "metadata",
)


def _utc_now() -> str:
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return now.strftime("%Y-%m-%d %H:%M:%S.%f")


def mlmodel_path(path: str | os.PathLike[str]) -> str:
    """The MLmodel file of a model directory (or ``path`` itself when it names the file)."""
    text = os.fspath(path)
    if os.path.isdir(text):
        return os.path.join(text, MLMODEL_FILE_NAME)
    return text


class Model:
    """An MLflow Model: its flavors, signature, input example and identity.

    Args:
        artifact_path: Where the model was logged (run-relative path or logged-model URI).
        run_id: The run it was logged in.
        utc_time_created: ``YYYY-MM-DD HH:MM:SS.ffffff`` naive UTC; now when None.
        flavors: Flavor name to its configuration.
        signature: Input, output and params schemas.
        saved_input_example_info: Where the input example is and what it is (spec 13.7).
        model_uuid: A 32-hex id; a new one when None.
        mlflow_version: The MLflow format version written.
        metadata: Free-form user metadata.
        model_size_bytes: Total size of the model directory at save time.
        model_id: The LoggedModel id (``m-<hex>``), if logged as one.
        **kwargs: Other MLmodel keys, kept and written back as they are.
    """

    def __init__(
        self,
        artifact_path: str | None = None,
        run_id: str | None = None,
        utc_time_created: str | None = None,
        flavors: dict[str, dict[str, Any]] | None = None,
        signature: ModelSignature | None = None,
        saved_input_example_info: dict[str, Any] | None = None,
        model_uuid: str | None = None,
        mlflow_version: str | None = MLFLOW_COMPATIBLE_VERSION,
        metadata: dict[str, Any] | None = None,
        model_size_bytes: int | None = None,
        model_id: str | None = None,
        **kwargs: Any,
    ):
        self.artifact_path = artifact_path
        self.run_id = run_id
        self.utc_time_created = utc_time_created or _utc_now()
        self.flavors: dict[str, dict[str, Any]] = dict(flavors or {})
        self.signature = signature
        self.saved_input_example_info = saved_input_example_info
        self.model_uuid = model_uuid or uuid.uuid4().hex
        self.mlflow_version = mlflow_version
        self.heron_version: str | None = kwargs.pop("heron_version", __version__)
        self.metadata = metadata
        self.model_size_bytes = model_size_bytes
        self.model_id = model_id
        self.extra: dict[str, Any] = dict(kwargs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Model(flavors={sorted(self.flavors)}, model_uuid={self.model_uuid!r})"

    def add_flavor(self, name: str, **params: Any) -> Model:
        """Add (or replace) a flavor's configuration; returns the model for chaining."""
        self.flavors[name] = params
        return self

    def get_input_schema(self) -> Schema | None:
        """The signature's input schema, or None."""
        return self.signature.inputs if self.signature is not None else None

    def get_output_schema(self) -> Schema | None:
        """The signature's output schema, or None."""
        return self.signature.outputs if self.signature is not None else None

    def get_params_schema(self) -> ParamSchema | None:
        """The signature's params schema, or None."""
        return self.signature.params if self.signature is not None else None

    def load_input_example(self, path: str | None = None) -> Any:
        """The saved input example (DataFrame, ndarray, dict, ...), or None if there is none.

        Args:
            path: The model directory the example was saved in.
        """
        if self.saved_input_example_info is None:
            return None
        if path is None:
            raise InvalidParameter("load_input_example needs the model directory as 'path'")
        from heron.models.example import load_example

        return load_example(path, self.saved_input_example_info, self.get_input_schema())

    def to_dict(self) -> dict[str, Any]:
        """The MLmodel content as a dict; unset optional keys are left out like MLflow does."""
        result: dict[str, Any] = {}
        if self.artifact_path is not None:
            result["artifact_path"] = self.artifact_path
        result["flavors"] = self.flavors
        result["model_uuid"] = self.model_uuid
        result["model_id"] = self.model_id
        if self.run_id is not None:
            result["run_id"] = self.run_id
        result["utc_time_created"] = self.utc_time_created
        if self.mlflow_version is not None:
            result["mlflow_version"] = self.mlflow_version
        if self.heron_version is not None:
            result["heron_version"] = self.heron_version
        if self.signature is not None:
            result["signature"] = self.signature.to_dict()
            result.setdefault("is_signature_from_type_hint", False)
            hinted = bool(getattr(self.signature, "_is_type_hint_from_example", False))
            result.setdefault("type_hint_from_example", hinted)
        if self.saved_input_example_info is not None:
            result["saved_input_example_info"] = self.saved_input_example_info
        if self.model_size_bytes is not None:
            result["model_size_bytes"] = self.model_size_bytes
        if self.metadata is not None:
            result["metadata"] = self.metadata
        for key, value in self.extra.items():
            result[key] = value
        return result

    def to_yaml(self) -> str:
        """The MLmodel file's text."""
        import yaml

        return str(yaml.safe_dump(self.to_dict(), default_flow_style=False, sort_keys=True))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the MLmodel file to ``path`` (a file path, or a directory to write it in)."""
        with open(mlmodel_path(path), "w", encoding="utf-8") as out:
            out.write(self.to_yaml())

    @classmethod
    def from_dict(cls, model_dict: dict[str, Any]) -> Model:
        """A Model from MLmodel content; unknown keys are kept in :attr:`extra`."""
        values = dict(model_dict)
        signature = values.pop("signature", None)
        if signature is not None:
            from heron.models.signature import ModelSignature

            values["signature"] = ModelSignature.from_dict(signature)
        values.setdefault("mlflow_version", None)
        values.setdefault("heron_version", None)
        values["utc_time_created"] = (
            str(values["utc_time_created"]) if values.get("utc_time_created") else None
        )
        known = {key: values.pop(key) for key in _KNOWN_KEYS if key in values}
        return cls(**known, **values)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Model:
        """Read the MLmodel file at ``path`` (the file, or the model directory holding it).

        ``path`` may also be a model URI (``runs:/``, ``models:/``, ``s3://``...): its MLmodel
        file is downloaded first, as MLflow's ``Model.load`` does.

        Raises:
            NotFound: There is no MLmodel file there.
            InvalidParameter: The file is not a YAML mapping.
        """
        import yaml

        if local_path(path) is None:
            # A URI: downloading lives above this package, looked up on first use only.
            loaded: Model = importlib.import_module("heron.model_files").load_mlmodel(path)
            return loaded
        file = mlmodel_path(path)
        if not os.path.isfile(file):
            raise NotFound(f"Could not find an 'MLmodel' configuration file at '{os.fspath(path)}'")
        with open(file, encoding="utf-8") as source:
            text = source.read()
        # The C loader when libyaml is there: the pure-Python one dominates model loading.
        content = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if not isinstance(content, dict):
            raise InvalidParameter(f"The MLmodel file at '{file}' is not a YAML mapping")
        if "*" in text:  # YAML aliases: no "billion laughs"
            check_expansion(content, "The MLmodel file")
        return cls.from_dict(content)


@dataclass
class ModelInfo:
    """What ``log_model`` returns: where the model went and what it is."""

    artifact_path: str
    flavors: dict[str, dict[str, Any]]
    model_uri: str
    model_uuid: str
    run_id: str | None
    saved_input_example_info: dict[str, Any] | None
    signature: ModelSignature | None
    utc_time_created: str
    mlflow_version: str | None
    metadata: dict[str, Any] | None = None
    model_id: str | None = None
    name: str | None = None
    registered_model_version: int | None = None
    signature_dict: dict[str, Any] | None = field(default=None)

    @classmethod
    def from_model(cls, model: Model, artifact_path: str, model_uri: str) -> ModelInfo:
        """The info of a logged model: its MLmodel, run-relative path and URI."""
        return cls(
            artifact_path=artifact_path,
            flavors=model.flavors,
            model_uri=model_uri,
            model_uuid=model.model_uuid,
            run_id=model.run_id,
            saved_input_example_info=model.saved_input_example_info,
            signature=model.signature,
            utc_time_created=model.utc_time_created,
            mlflow_version=model.mlflow_version,
            metadata=model.metadata,
            model_id=model.model_id,
            name=artifact_path,
            signature_dict=model.signature.to_dict() if model.signature is not None else None,
        )
