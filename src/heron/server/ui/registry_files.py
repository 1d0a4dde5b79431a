"""A model version's files as the registry pages show them: its MLmodel (flavors, signature,
example) read from the version's download URI through the server's artifact repositories.

A version's files are read only where :mod:`heron.server.served_sources` allows, as the
version download route does; prompt versions have no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from heron.entities.registry import ModelVersion, ModelVersionTag
from heron.exceptions import HeronError
from heron.models.uris import parse_model_uri
from heron.server.served_sources import served_version_uri
from heron.server.services import Services
from heron.server.settings import ServerSettings
from heron.server.sources import is_prompt
from heron.server.ui.downloads import artifact_root
from heron.server.ui.mlmodel_view import ModelView, is_model_folder, model_view
from heron.store.artifacts.base import ArtifactRepository
from heron.tracking.uris import parse_runs_uri


@dataclass
class VersionFiles:
    """What the version page knows of a version's files: its model view, or why not."""

    model: ModelView | None = None
    note: str | None = None


def version_uri(version: ModelVersion) -> str:
    """The ``models:/<name>/<version>`` URI a client loads the version with."""
    return f"models:/{version.name}/{version.version}"


def read_version_files(
    services: Services, settings: ServerSettings, version: ModelVersion
) -> VersionFiles:
    """The version's MLmodel as a :class:`ModelView`; a note instead when its files cannot
    be read (a prompt, a refused source, a missing folder, no MLmodel file)."""
    tags = [ModelVersionTag(key, value) for key, value in version.tags.items()]
    if is_prompt(tags):
        return VersionFiles(note="A prompt version has no model files.")
    try:
        uri = served_version_uri(services.tracking, services.registry, settings, version)
        repository, folder = located_files(services, uri)
        entries = repository.list_artifacts(folder or None)
    except HeronError as error:
        return VersionFiles(note=f"The model's files could not be read: {error.message}")
    except OSError as error:  # storage unreachable: said on the page, never a failed page
        return VersionFiles(note=f"The model's files could not be read: {error}")
    if not is_model_folder(entries):
        return VersionFiles(note="The version's source holds no MLmodel file.")
    view = model_view(repository, version.run_id or "", folder, entries)
    view.uri = version_uri(version)
    return VersionFiles(model=view)


def located_files(services: Services, uri: str) -> tuple[ArtifactRepository, str]:
    """The repository and the folder in it that a download URI names: ``runs:/`` through
    its run, ``models:/<model_id>`` through its logged model, any other URI as a root."""
    scheme = urlsplit(uri).scheme.lower()
    if scheme == "runs":
        run_id, path = parse_runs_uri(uri)
        run = services.tracking.get_run(run_id)
        return services.artifact_repository(artifact_root(run.info.artifact_uri)), path
    if scheme == "models":
        model_id = parse_model_uri(uri).model_id
        if model_id is None:
            raise HeronError(f"'{uri}' names no logged model")
        model = services.tracking.get_logged_model(model_id)
        return services.artifact_repository(artifact_root(model.artifact_location)), ""
    return services.artifact_repository(uri), ""
