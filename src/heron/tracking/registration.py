"""Registering by model URI: the messages MLflow prints, and copying versions.

``ensure_registered_model`` and :func:`echo` are shared by ``register_model``,
``log_model(registered_model_name=...)`` and :meth:`RegistrationMethods.copy_model_version`.
"""

from __future__ import annotations

import sys

from heron.entities.registry import ModelVersion, ModelVersionTag
from heron.exceptions import AlreadyExists, HeronError, InvalidParameter
from heron.models.uris import ModelUri, is_models_uri, parse_model_uri
from heron.tracking.registry import RegistryMethods


def echo(message: str) -> None:
    """Print an event message to stderr, as MLflow's ``eprint`` does."""
    print(message, file=sys.stderr)


def ensure_registered_model(client: RegistryMethods, name: str) -> None:
    """Create the registered model ``name`` unless it exists, saying which, as MLflow does."""
    try:
        created = client.create_registered_model(name)
    except HeronError as error:
        if error.error_code != AlreadyExists.error_code:
            raise
        echo(f"Registered model '{name}' already exists. Creating a new version of this model...")
    else:
        echo(f"Successfully registered model '{created.name}'.")


class RegistrationMethods(RegistryMethods):
    """Registry methods of :class:`heron.tracking.MlflowClient` that take model URIs."""

    def registered_version_number(self, ref: ModelUri) -> int:
        """The version number a parsed ``models:/<name>/...`` or ``@alias`` URI names.

        Raises:
            NotFound: The model, version or alias is missing, or no version is in the stage.
        """
        return self.registry_store.version_number(str(ref.name), ref.version, ref.stage, ref.alias)

    def copy_model_version(self, src_model_uri: str, dst_name: str) -> ModelVersion:
        """Copy a registered version to a new version of ``dst_name`` (created if missing).

        The copy's source is ``models:/<src name>/<src version>``; it keeps the source
        version's run, tags, run link, description and logged model.

        Args:
            src_model_uri: ``models:/<name>/<version|stage|latest>`` or ``models:/<name>@<alias>``.
            dst_name: The registered model that gets the new version.

        Raises:
            InvalidParameter: ``src_model_uri`` is not a registered-model ``models:/`` URI.
        """
        ref = parse_model_uri(src_model_uri) if is_models_uri(src_model_uri) else None
        if ref is None or ref.name is None:
            raise InvalidParameter(
                f"Unsupported source model URI: '{src_model_uri}'. The `copy_model_version` "
                "API only copies models stored in the 'models:/' scheme."
            )
        try:
            src = self.get_model_version(ref.name, self.registered_version_number(ref))
        except HeronError as error:
            raise type(error)(
                f"Failed to fetch model version from source model URI: '{src_model_uri}'. "
                f"Error: {error.message}"
            ) from error
        ensure_registered_model(self, dst_name)
        copy = self.registry_store.create_model_version(
            dst_name,
            f"models:/{src.name}/{src.version}",
            src.run_id,
            [ModelVersionTag(k, v) for k, v in src.tags.items()],
            src.run_link,
            src.description,
            model_id=src.model_id,
        )
        echo(
            f"Copied version '{src.version}' of model '{src.name}' to version "
            f"'{copy.version}' of model '{copy.name}'."
        )
        return copy
