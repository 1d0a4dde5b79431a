"""The models a run produced: what ``runs:/<run_id>/<path>`` means when it names a model.

MLflow 2.x stored a model under the run's artifacts at ``<path>``; MLflow 3.x (and Heron)
store it only as a LoggedModel named ``<path>`` whose ``source_run_id`` is the run.
Registering, downloading and listing look in the run's artifacts and at the logged model
named by the path's first segment.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from heron.models.model import MLMODEL_FILE_NAME
from heron.search.lexer import string_literal

if TYPE_CHECKING:
    from heron.entities import LoggedModel, Run
    from heron.tracking.client import MlflowClient
    from heron.tracking.logged_models import LoggedModelMethods


def has_run_model(client: MlflowClient, run_id: str, path: str) -> bool:
    """Whether the run's own artifacts (not its logged models') hold an MLmodel file
    directly under ``path``."""
    from heron.store.artifacts import get_artifact_repository

    root = client.get_run(run_id).info.artifact_uri or ""
    listing = get_artifact_repository(root, client.tracking_uri).list_artifacts(path or None)
    wanted = posixpath.join(path, MLMODEL_FILE_NAME) if path else MLMODEL_FILE_NAME
    return any(info.path == wanted and not info.is_dir for info in listing)


def run_logged_models(client: LoggedModelMethods, run: Run, name: str) -> list[LoggedModel]:
    """Every logged model named ``name`` that ``run`` produced (read over all pages)."""
    query = f"name = {string_literal(name)} AND source_run_id = {string_literal(run.info.run_id)}"
    found: list[LoggedModel] = []
    token: str | None = None
    while True:
        page = client.search_logged_models(
            [run.info.experiment_id], filter_string=query, page_token=token
        )
        found.extend(model for model in page if model.source_run_id == run.info.run_id)
        token = page.token
        if not token:
            return found


def run_logged_model(client: LoggedModelMethods, run: Run, name: str) -> LoggedModel | None:
    """The logged model named ``name`` that ``run`` produced, or None.

    When the run logged several under that name, the one at the largest step of the run's
    outputs wins (as in MLflow).
    """
    models = run_logged_models(client, run, name)
    if len(models) <= 1:
        return models[0] if models else None
    steps = {output.model_id: output.step for output in run.outputs.model_outputs}
    return max(models, key=lambda model: steps.get(model.model_id, -1))


def run_model_path(
    client: LoggedModelMethods, run: Run, path: str
) -> tuple[LoggedModel, str] | None:
    """The logged model a run-relative ``path`` falls in, and the path inside it.

    ``path``'s first segment names the model (``model/MLmodel`` -> the run's logged model
    ``model``, ``"MLmodel"``); None when the run produced no model of that name.
    """
    name, _, rest = path.strip("/").partition("/")
    if not name:
        return None
    logged = run_logged_model(client, run, name)
    return None if logged is None else (logged, rest)
