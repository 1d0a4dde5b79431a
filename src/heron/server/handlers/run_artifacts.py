"""A run's artifacts, listed through the tracking API (``/mlflow/artifacts/list``)."""

from __future__ import annotations

from heron.exceptions import InvalidParameter
from heron.server.handlers.registry import Request, Result, handles
from heron.server.services import Services
from heron.store.artifacts.paths import safe_relative_path


@handles("ListArtifacts")
def list_artifacts(request: Request, services: Services) -> Result:
    """The direct children of ``path`` in a run's artifacts, paths relative to the run."""
    run = services.tracking.get_run(request["run_id"])
    root = run.info.artifact_uri
    if not root:
        raise InvalidParameter(f"Run '{run.info.run_id}' has no artifact URI")
    path = safe_relative_path(request.get("path")) or None
    files = services.artifact_repository(root).list_artifacts(path)
    return {"root_uri": root, "files": files}
