"""The client's artifact methods: files, directories, and objects rendered to files.

Objects (text, dictionaries, images, figures, tables) are written to a file in a temporary
directory and uploaded with ``log_artifact`` into the run's artifact repository, which the
run's ``artifact_uri`` selects.
"""

from __future__ import annotations

import abc
import json
import os
import posixpath
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from heron.entities import FileInfo, Run
from heron.exceptions import InvalidParameter, InvalidState, NotFound
from heron.store.artifacts import get_artifact_repository
from heron.store.artifacts.base import ArtifactRepository, join_artifact_path
from heron.store.artifacts.paths import safe_relative_path
from heron.store.clock import now_millis
from heron.tracking import images
from heron.tracking.async_logging import RunOperations

LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts"
LOGGED_IMAGES_TAG = "mlflow.loggedImages"


class ArtifactMethods(abc.ABC):
    """Artifact methods of :class:`heron.tracking.MlflowClient`, on top of runs and tags."""

    @property
    @abc.abstractmethod
    def tracking_uri(self) -> str:
        """The tracking URI this client talks to (``mlflow-artifacts:`` resolves against it)."""

    @abc.abstractmethod
    def get_run(self, run_id: str) -> Run:
        """The run with this id."""

    @abc.abstractmethod
    def set_tag(
        self, run_id: str, key: str, value: Any, synchronous: bool | None = None
    ) -> RunOperations | None:
        """Set a run tag."""

    def _repository(self, run_id: str) -> ArtifactRepository:
        return self._repository_of(self.get_run(run_id))

    def _repository_of(self, run: Run) -> ArtifactRepository:
        uri = run.info.artifact_uri
        if not uri:
            raise InvalidState(f"Run '{run.info.run_id}' has no artifact URI")
        return get_artifact_repository(uri, self.tracking_uri)

    def log_artifact(self, run_id: str, local_path: str, artifact_path: str | None = None) -> None:
        """Upload a local file, or a whole directory, to a run's artifacts.

        Args:
            run_id: The run.
            local_path: A file, or a directory (uploaded as ``<artifact_path>/<dir name>``).
            artifact_path: The directory under the run's artifact root to write into.
        """
        repository = self._repository(run_id)
        local_path = os.fspath(local_path)
        if os.path.isdir(local_path):
            name = os.path.basename(os.path.normpath(local_path))
            directory = join_artifact_path(safe_relative_path(artifact_path), name)
            repository.log_artifacts(local_path, directory)
        else:
            repository.log_artifact(local_path, artifact_path)

    def log_artifacts(self, run_id: str, local_dir: str, artifact_path: str | None = None) -> None:
        """Upload the contents of a local directory to ``artifact_path`` of a run's artifacts."""
        self._repository(run_id).log_artifacts(os.fspath(local_dir), artifact_path)

    def _run_model(self, run: Run, path: str) -> tuple[ArtifactRepository, str, str] | None:
        """``(repository, name, path inside)`` of the run's logged model ``path`` falls in."""
        from heron.tracking.logged_models import LoggedModelMethods
        from heron.tracking.run_models import run_model_path

        if not path or not isinstance(self, LoggedModelMethods):
            return None
        found = run_model_path(self, run, path)
        if found is None:
            return None
        model, inside = found
        repository = get_artifact_repository(model.artifact_location, self.tracking_uri)
        return repository, model.name, inside

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[FileInfo]:
        """The direct children of ``path`` (the root by default) in a run's artifacts.

        As in MLflow 3.x, when ``path`` starts with the name of a model the run logged
        (``"model"``, ``"model/data"``), that logged model's files are listed too, under
        ``<name>/``.
        """
        run = self.get_run(run_id)
        listing = self._repository_of(run).list_artifacts(path)
        model = self._run_model(run, safe_relative_path(path))
        if model is None:
            return listing
        repository, name, inside = model
        seen = {info.path for info in listing}
        for info in repository.list_artifacts(inside or None):
            joined = f"{name}/{info.path}"
            if joined not in seen:
                listing.append(FileInfo(joined, info.is_dir, info.file_size))
        return listing

    def download_artifacts(self, run_id: str, path: str, dst_path: str | None = None) -> str:
        """Download a run's artifact file or directory and return its local path.

        A path in a model the run logged (``"model"``, ``"model/MLmodel"``) that the run's
        own artifacts lack is downloaded from that logged model, to ``<dst>/<path>``.

        Args:
            run_id: The run.
            path: The artifact path relative to the run's artifact root.
            dst_path: A local directory to download into; a new temporary one if None.
        """
        run = self.get_run(run_id)
        try:
            return self._repository_of(run).download_artifacts(path, dst_path)
        except NotFound:
            model = self._run_model(run, safe_relative_path(path))
            if model is None:
                raise
        repository, name, inside = model
        dst = os.path.abspath(dst_path or tempfile.mkdtemp(prefix="heron-artifacts-"))
        target = os.path.join(dst, name)
        os.makedirs(target, exist_ok=True)
        return repository.download_artifacts(inside, target)

    @contextmanager
    def _artifact_file(self, run_id: str, artifact_file: str) -> Iterator[str]:
        """Yield a temporary local path; on exit, upload it as ``artifact_file``."""
        relative = safe_relative_path(artifact_file)
        if not relative:
            raise InvalidParameter(f"Invalid artifact file {artifact_file!r}: it names no file")
        directory, name = posixpath.split(relative)
        with tempfile.TemporaryDirectory(prefix="heron-upload-") as tmp:
            local = os.path.join(tmp, name)
            yield local
            self.log_artifact(run_id, local, directory or None)

    def _image_saver(self, run_id: str) -> Any:
        """``save(artifact_path, image)`` writing one image (a table cell) to the run."""

        def save(path: str, image: Any) -> None:
            with self._artifact_file(run_id, path) as local:
                image.save(local)

        return save

    def log_text(self, run_id: str, text: str, artifact_file: str) -> None:
        """Save text (UTF-8) as a run artifact, e.g. ``artifact_file="notes/summary.txt"``."""
        with (
            self._artifact_file(run_id, artifact_file) as local,
            open(local, "w", encoding="utf-8") as f,
        ):
            f.write(text)

    def log_dict(self, run_id: str, dictionary: Any, artifact_file: str) -> None:
        """Save a dictionary as a run artifact: YAML for ``.yaml``/``.yml`` files, else JSON."""
        extension = os.path.splitext(artifact_file)[1].lower()
        with (
            self._artifact_file(run_id, artifact_file) as local,
            open(local, "w", encoding="utf-8") as f,
        ):
            if extension in (".yaml", ".yml"):
                import yaml

                yaml.safe_dump(dictionary, f, indent=2, default_flow_style=False)
            else:
                json.dump(dictionary, f, indent=2)

    def log_figure(
        self,
        run_id: str,
        figure: Any,
        artifact_file: str,
        *,
        save_kwargs: dict[str, Any] | None = None,
    ) -> None:
        """Save a matplotlib figure, or a plotly figure (HTML or image), as a run artifact."""
        with self._artifact_file(run_id, artifact_file) as local:
            images.save_figure(figure, local, save_kwargs)

    def log_image(
        self,
        run_id: str,
        image: Any,
        artifact_file: str | None = None,
        key: str | None = None,
        step: int | None = None,
        timestamp: int | None = None,
        synchronous: bool | None = None,
    ) -> None:
        """Save an image (numpy array or PIL image) as a run artifact.

        With ``artifact_file``, the image is saved there (format from the extension). With
        ``key``, it joins the image series ``key``: a PNG and a WebP thumbnail under
        ``images/`` named after key, step and timestamp, and the run gets tag
        ``mlflow.loggedImages``. Arrays are HxW or HxWxC (C = 1, 3, 4) with floats in [0, 1]
        or integers in [0, 255].

        Raises:
            InvalidParameter: Neither or both of ``artifact_file`` and ``key`` are given, or
                the image cannot be converted.
        """
        if (artifact_file is None) == (key is None):
            raise InvalidParameter("Exactly one of `artifact_file` and `key` must be given.")
        pil_image = images.to_pil_image(image)
        if artifact_file is not None:
            with self._artifact_file(run_id, artifact_file) as local:
                pil_image.save(local)
        else:
            self._log_image_series(run_id, pil_image, str(key), step, timestamp, synchronous)

    def _log_image_series(
        self,
        run_id: str,
        pil_image: Any,
        key: str,
        step: int | None,
        timestamp: int | None,
        synchronous: bool | None,
    ) -> None:
        full, small = images.image_series_files(
            key, step or 0, timestamp if timestamp is not None else now_millis()
        )
        with self._artifact_file(run_id, full) as local:
            pil_image.save(local)
        with self._artifact_file(run_id, small) as local:
            images.thumbnail(pil_image).save(local)
        self.set_tag(run_id, LOGGED_IMAGES_TAG, True, synchronous)

    def log_table(self, run_id: str, data: Any, artifact_file: str) -> None:
        """Save a table (dict of columns or pandas DataFrame) as JSON and index it on the run.

        The file holds ``{"columns": [...], "data": [[...], ...]}`` (pandas' "split" layout
        without the index); ``{"path": artifact_file, "type": "table"}`` is added to the
        run's ``mlflow.loggedArtifacts`` tag.
        """
        import pandas as pd

        if not isinstance(data, (dict, pd.DataFrame)):
            raise InvalidParameter("data must be a pandas.DataFrame or a dictionary")
        from heron.tracking.table_images import store_image_columns

        frame = pd.DataFrame(data)
        frame = store_image_columns(frame, artifact_file, self._image_saver(run_id))
        with self._artifact_file(run_id, artifact_file) as local:
            frame.to_json(local, orient="split", index=False, default_handler=str)
        tag = self.get_run(run_id).data.tags.get(LOGGED_ARTIFACTS_TAG)
        entries = json.loads(tag) if tag else []
        entry = {"path": artifact_file, "type": "table"}
        if entry not in entries:
            entries.append(entry)
            self.set_tag(run_id, LOGGED_ARTIFACTS_TAG, json.dumps(entries), synchronous=True)
