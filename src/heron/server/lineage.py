"""A new version's lineage: versions made from versions, and logged models told of versions.

- A ``models:/<name>/<version|stage|latest>`` or ``models:/<name>@<alias>`` source names a
  registered version: it is stored as ``models:/<name>/<version>`` and the new version
  inherits that version's run and logged model (ids given in the request must agree).
- A version made from a logged model is listed in the model's ``mlflow.modelVersions`` tag
  (a JSON list of ``{"name", "version"}``), as MLflow's server does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from heron.entities import LoggedModelTag
from heron.entities.registry import (
    MODEL_VERSIONS_TAG,
    PROMPT_TAG,
    ModelVersion,
    with_model_version,
)
from heron.exceptions import InvalidParameter
from heron.models.uris import parse_model_uri

if TYPE_CHECKING:
    from heron.store.registry.base import RegistryStore
    from heron.store.tracking.base import TrackingStore


@dataclass(frozen=True)
class VersionSource:
    """A checked source and the lineage the new version records."""

    source: str
    run_id: str | None
    model_id: str | None


def _refused(source: str, detail: str) -> InvalidParameter:
    return InvalidParameter(f"Invalid model version source: '{source}'. {detail}")


class RegisteredSource:
    """Resolves sources that name a registered version.

    Args:
        registry: The registry the versions are in.
    """

    def __init__(self, registry: RegistryStore):
        self.registry = registry

    def resolve(self, source: str, run_id: str | None, model_id: str | None) -> VersionSource:
        """The normalised source and the lineage the new version records.

        Args:
            source: ``models:/<name>/<suffix>`` or ``models:/<name>@<alias>``.
            run_id: The request's ``run_id`` (None when absent).
            model_id: The request's ``model_id`` (None when absent).

        Raises:
            InvalidParameter: A malformed URI, a prompt, ids that disagree with the
                version's, or no version in the stage asked for.
            NotFound: The registered model or version does not exist.
        """
        if urlsplit(source).netloc:
            raise _refused(source, "Registered model sources must use the active model registry.")
        version = self._version(source)
        if (run_id is not None and run_id != (version.run_id or "")) or (
            model_id is not None and model_id != (version.model_id or "")
        ):
            raise _refused(
                source,
                "The run_id and model_id request parameters must match the referenced "
                "model version.",
            )
        return VersionSource(
            f"models:/{version.name}/{version.version}",
            (version.run_id if run_id is None else run_id) or None,
            (version.model_id if model_id is None else model_id) or None,
        )

    def _version(self, source: str) -> ModelVersion:
        parsed = parse_model_uri(source)
        name = parsed.name or ""
        model = self.registry.get_registered_model(name)
        if model.tags.get(PROMPT_TAG, "false").lower() == "true":
            raise _refused(source, "Prompt versions cannot be used as model version sources.")
        number = self.registry.version_number(name, parsed.version, parsed.stage, parsed.alias)
        return self.registry.get_model_version(name, number)


def record_version_on_model(tracking: TrackingStore, model_id: str, version: ModelVersion) -> None:
    """List the version in the logged model's ``mlflow.modelVersions`` tag (once)."""
    model = tracking.get_logged_model(model_id)
    value = with_model_version(model.tags.get(MODEL_VERSIONS_TAG), version.name, version.version)
    if value is not None:
        tracking.set_logged_model_tags(model_id, [LoggedModelTag(MODEL_VERSIONS_TAG, value)])
