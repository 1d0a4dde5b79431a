"""The run's artifact browser: a lazy tree, a preview of the chosen file, downloads.

Pages (``{e}``: experiment id, ``{r}``: run id; ``path`` is relative to the run's root):

- ``/experiments/{e}/runs/{r}/artifacts?path=`` the browser, opened at a file or folder
  (``.../artifacts/<path>`` and ``.../artifactPath/<path>``, the MLflow UI's forms,
  redirect there);
- ``.../artifact-tree?path=`` the entries of one folder (an HTMX fragment of the tree);
- ``.../artifact-preview?path=&offset=`` the preview pane (an HTMX fragment);
- ``.../artifact-view?path=`` an HTML, SVG or PDF file for the preview's ``<iframe>``:
  served with a ``sandbox`` Content-Security-Policy (no script, no same-origin rights, even
  when opened directly), ``nosniff``, and only under a size cap;
- ``.../artifact-zip?path=`` a folder as a zip, streamed.

Single files download through MLflow's ``/get-artifact`` (:mod:`.support`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from heron.entities import FileInfo, Run
from heron.exceptions import HeronError, InvalidParameter, NotFound
from heron.server.download_headers import content_disposition
from heron.server.ui import previews
from heron.server.ui.context import UiContext
from heron.server.ui.downloads import artifact_root
from heron.server.ui.mlmodel_view import is_model_folder, model_view
from heron.server.ui.zips import zip_files, zip_name, zip_stream
from heron.store.artifacts.base import ArtifactRepository
from heron.store.artifacts.paths import safe_relative_path

SANDBOX_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
"""The policy of HTML and SVG artifacts: an opaque origin, no script, nothing fetched."""
PDF_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
MAX_LISTED = 1000
"""Entries of one folder listed in the tree and the folder pane; past it, a count."""
_INLINE_TYPES = {
    "html": "text/html; charset=utf-8",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}


@dataclass
class Node:
    """An entry of the tree, with its children when the folder is open (and how many more
    entries it has than are listed)."""

    info: FileInfo
    name: str
    children: list[Node] | None = None
    more: int = 0


def sorted_entries(entries: list[FileInfo]) -> list[FileInfo]:
    """Folders first, then files, each by name."""
    return sorted(entries, key=lambda e: (not e.is_dir, e.path.rsplit("/", 1)[-1].lower()))


def tree(repository: ArtifactRepository, folder: str, open_path: str) -> tuple[list[Node], int]:
    """The first :data:`MAX_LISTED` entries of ``folder``, the folders on the way to
    ``open_path`` open; and how many entries are left out."""
    entries = sorted_entries(repository.list_artifacts(folder or None))
    nodes = []
    for info in entries[:MAX_LISTED]:
        node = Node(info, info.path.rsplit("/", 1)[-1])
        if info.is_dir and (open_path == info.path or open_path.startswith(info.path + "/")):
            node.children, node.more = tree(repository, info.path, open_path)
        nodes.append(node)
    return nodes, max(0, len(entries) - MAX_LISTED)


def routes(ui: UiContext) -> list[BaseRoute]:
    """The browser's page, fragments, inline views and zip download."""
    services = ui.services

    def load(request: Request) -> tuple[Any, Run, ArtifactRepository, str]:
        experiment_id = request.path_params["experiment_id"]
        run = services.tracking.get_run(request.path_params["run_id"])
        if run.info.experiment_id != experiment_id:
            raise NotFound(f"Run {run.info.run_id} is not in experiment {experiment_id}")
        experiment = services.tracking.get_experiment(experiment_id)
        repository = services.artifact_repository(artifact_root(run.info.artifact_uri))
        path = safe_relative_path(request.query_params.get("path", ""))
        return experiment, run, repository, path

    def pane(repository: ArtifactRepository, run: Run, path: str, offset: int) -> dict[str, Any]:
        """The preview pane's context: a folder (or model) view, or a file's preview."""
        info = previews.stat(repository, path)
        context: dict[str, Any] = {"path": path, "info": info}
        if info.is_dir:
            entries = sorted_entries(repository.list_artifacts(path or None))
            context["entries"] = entries[:MAX_LISTED]
            context["more"] = max(0, len(entries) - MAX_LISTED)
            if is_model_folder(entries):
                context["model"] = model_view(repository, run.info.run_id, path, entries)
        else:
            context["preview"] = previews.preview(repository, info, offset)
        return context

    def base_context(experiment: Any, run: Run) -> dict[str, Any]:
        return {"section": "experiments", "experiment": experiment, "run": run, "tab": "artifacts"}

    @ui.page
    def artifacts_page(request: Request) -> Response:
        params = request.path_params
        actual = services.tracking.get_run(params["run_id"]).info.experiment_id
        if actual != params["experiment_id"]:  # a link with a stale experiment id
            path = request.query_params.get("path", "")
            target = ui.links.run_artifacts(actual, params["run_id"], path)
            return RedirectResponse(target, status_code=307)
        experiment, run, repository, path = load(request)
        context = base_context(experiment, run)
        context["nodes"], context["more_nodes"] = tree(repository, "", path)
        try:
            context.update(pane(repository, run, path, _offset(request)))
        except NotFound as missing:
            context.update({"path": path, "missing": missing.message})
        return ui.render(request, "artifacts/page.html", context)

    def tree_fragment(request: Request) -> Response:
        try:
            experiment, run, repository, path = load(request)
            context = base_context(experiment, run)
            context["nodes"], context["more_nodes"] = tree(repository, path, "")
        except HeronError as error:
            return fragment_error(request, error)
        return ui.render(request, "artifacts/_tree.html", context)

    def preview_fragment(request: Request) -> Response:
        try:
            experiment, run, repository, path = load(request)
            context = base_context(experiment, run)
            context.update(pane(repository, run, path, _offset(request)))
        except HeronError as error:
            return fragment_error(request, error)
        return ui.render(request, "artifacts/_pane.html", context)

    def fragment_error(request: Request, error: HeronError) -> Response:
        """A fragment's error, as a message the browser shows in its place."""
        context = {"message": error.message}
        return ui.render(request, "artifacts/_error.html", context, status=error.http_status)

    @ui.page
    def inline_view(request: Request) -> Response:
        _, _, repository, path = load(request)
        info = previews.stat(repository, path)
        kind = previews.kind_of(info.path)
        if info.is_dir or kind not in _INLINE_TYPES:
            raise InvalidParameter("Only HTML, SVG and PDF files are shown here: download it")
        if info.file_size is not None and info.file_size > previews.INLINE_LIMITS[kind]:
            raise InvalidParameter("This file is too large to show: download it")
        reader = repository.open_read(path)
        headers = {
            "Content-Type": _INLINE_TYPES[kind],
            "Content-Security-Policy": PDF_POLICY if kind == "pdf" else SANDBOX_POLICY,
            "Content-Disposition": content_disposition(posixpath.basename(path), "inline"),
            "Cache-Control": "no-store",
        }
        return StreamingResponse(reader, headers=headers, background=BackgroundTask(reader.close))

    @ui.page
    def zip_download(request: Request) -> Response:
        _, run, repository, path = load(request)
        if not repository.is_dir(path):
            raise InvalidParameter(f"'{path}' is not a folder")
        files = zip_files(repository, path)
        name = zip_name(run.info.run_id, path)
        headers = {"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"}
        stream = zip_stream(repository, path, files)
        return StreamingResponse(stream, media_type="application/zip", headers=headers)

    def mlflow_style(request: Request) -> Response:
        params = request.path_params
        target = ui.links.run_artifacts(params["experiment_id"], params["run_id"], params["path"])
        return RedirectResponse(target, status_code=307)

    base = "/experiments/{experiment_id}/runs/{run_id}"
    return [
        Route(f"{base}/artifacts", artifacts_page, methods=["GET"]),
        Route(f"{base}/artifacts/{{path:path}}", mlflow_style, methods=["GET"]),
        Route(f"{base}/artifactPath/{{path:path}}", mlflow_style, methods=["GET"]),
        Route(f"{base}/artifact-tree", tree_fragment, methods=["GET"]),
        Route(f"{base}/artifact-preview", preview_fragment, methods=["GET"]),
        Route(f"{base}/artifact-view", inline_view, methods=["GET"]),
        Route(f"{base}/artifact-zip", zip_download, methods=["GET"]),
    ]


def _offset(request: Request) -> int:
    raw = request.query_params.get("offset", "0")
    return int(raw) if raw.isdigit() else 0
