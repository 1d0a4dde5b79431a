"""A run's artifacts, listed through the tracking API (``/mlflow/artifacts/list``)."""

from __future__ import annotations

from heron.exceptions import InvalidParameter
from heron.server.handlers.registry import Request, Result, handles
from heron.server.proxy_http import MAX_PATH_LENGTH
from heron.server.services import Services
from heron.store.artifacts.paths import safe_relative_path


@handles("ListArtifacts")
def list_artifacts(request: Request, services: Services) -> Result:
    """The direct children of ``path`` in a run's artifacts, paths relative to the run.

    The path is checked before the run is read, with MLflow's message ("Invalid path").
    """
    requested = request.get("path")
    if requested and len(requested) > MAX_PATH_LENGTH:
        raise InvalidParameter(f"Invalid artifact path: longer than {MAX_PATH_LENGTH} characters")
    try:
        if requested and requested.startswith("/"):
            raise InvalidParameter("absolute")
        path = safe_relative_path(requested) or None
    except InvalidParameter:
        raise InvalidParameter("Invalid path") from None
    run = services.tracking.get_run(request["run_id"])
    root = run.info.artifact_uri
    if not root:
        raise InvalidParameter(f"Run '{run.info.run_id}' has no artifact URI")
    files = services.artifact_repository(root).list_artifacts(path)
    return {"root_uri": root, "files": files}
