"""The UI's URLs, built in one place: every page has a plain, bookmarkable address.

``/#/experiments/<id>/runs/<run_id>`` and the other hash links the mlflow client prints
are the same paths behind a ``#``; ``static/js/heron.js`` moves the browser from one to
the other, so each page here must keep MLflow's path for the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlencode

from heron.server.ui.static_files import fingerprint

QueryValue = str | int | Iterable[str] | None


def segment(value: str | int) -> str:
    """One path segment, every reserved character (``/`` too) percent-encoded."""
    return quote(str(value), safe="")


class Links:
    """URL builders for pages, all under the server's static prefix.

    Args:
        prefix: The static prefix (``""`` or ``/something``).
    """

    def __init__(self, prefix: str):
        self.prefix = prefix

    def path(self, path: str, query: Mapping[str, QueryValue] | None = None) -> str:
        """``path`` under the prefix, with the query parameters that have a value."""
        url = self.prefix + path
        if query:
            pairs: list[tuple[str, str]] = []
            for key, value in query.items():
                if value is None or value == "":
                    continue
                if isinstance(value, (str, int)):
                    pairs.append((key, str(value)))
                else:
                    pairs.extend((key, str(item)) for item in value)
            if pairs:
                url += "?" + urlencode(pairs)
        return url

    def static(self, name: str) -> str:
        """A file under ``static/``, at a path that changes with its content."""
        return self.path(f"/static/{fingerprint()}/{name}")

    def home(self) -> str:
        return self.path("/")

    def experiments(self, **query: QueryValue) -> str:
        return self.path("/experiments", query)

    def experiment(self, experiment_id: str, **query: QueryValue) -> str:
        """The runs table of one experiment."""
        return self.path(f"/experiments/{segment(experiment_id)}", query)

    def compare_experiments(self, experiment_ids: Iterable[str], **query: QueryValue) -> str:
        """The runs table of several experiments together."""
        return self.path("/compare-experiments", {"experiments": list(experiment_ids), **query})

    def compare_runs(self, run_ids: Iterable[str], **query: QueryValue) -> str:
        """The compare page of these runs (``diff``, ``transpose``, ``plot``...: see
        pages/compare.py)."""
        return self.path("/compare-runs", {"runs": list(run_ids), **query})

    def charts(self, experiment_id: str, **query: QueryValue) -> str:
        """The metric charts of some runs of an experiment (``runs``, ``keys``, ``filter``,
        ``order_by``, ``limit``, ``x``, ``smooth``, ``log``, ``band``: see pages/charts.py)."""
        return self.path(f"/experiments/{segment(experiment_id)}/charts", query)

    def several_charts(self, experiment_ids: Iterable[str], **query: QueryValue) -> str:
        """The metric charts of runs of several experiments (``runs`` from any of them, or
        the runs table's ``filter`` across ``experiment_ids``: see pages/charts.py)."""
        return self.path(
            "/compare-experiments/charts", {"experiments": list(experiment_ids), **query}
        )

    def run(self, experiment_id: str, run_id: str, **query: QueryValue) -> str:
        return self.path(f"/experiments/{segment(experiment_id)}/runs/{segment(run_id)}", query)

    def run_by_id(self, run_id: str) -> str:
        """A run's page when only its id is known (redirects to the run page)."""
        return self.path(f"/runs/{segment(run_id)}")

    def run_artifacts(self, experiment_id: str, run_id: str, path: str = "") -> str:
        """The run page's artifact browser, opened at ``path``."""
        base = f"/experiments/{segment(experiment_id)}/runs/{segment(run_id)}/artifacts"
        return self.path(base, {"path": path})

    def metric(self, experiment_id: str, run_id: str, key: str, **query: QueryValue) -> str:
        """A metric's chart on the run page (``x``, ``order``, ``page``: see pages/run.py)."""
        return self.path(
            f"/experiments/{segment(experiment_id)}/runs/{segment(run_id)}/metrics",
            {"key": key, **query},
        )

    def run_artifact_part(
        self, experiment_id: str, run_id: str, part: str, path: str, **query: QueryValue
    ) -> str:
        """A part of the artifact browser for ``path``: ``artifact-tree`` (a folder's
        entries), ``artifact-preview`` (the preview pane), ``artifact-view`` (an HTML, SVG or
        PDF file, sandboxed) or ``artifact-zip`` (a folder as a zip)."""
        base = f"/experiments/{segment(experiment_id)}/runs/{segment(run_id)}/{part}"
        return self.path(base, {"path": path, **query})

    def logged_model(self, experiment_id: str, model_id: str) -> str:
        return self.path(f"/experiments/{segment(experiment_id)}/models/{segment(model_id)}")

    def logged_model_file(self, model_id: str, path: str) -> str:
        """MLflow's download route for one file of a logged model."""
        return self.path(
            f"/ajax-api/2.0/mlflow/logged-models/{segment(model_id)}/artifacts/files",
            {"artifact_file_path": path},
        )

    def models(self, **query: QueryValue) -> str:
        return self.path("/models", query)

    def model(self, name: str, **query: QueryValue) -> str:
        return self.path(f"/models/{segment(name)}", query)

    def model_compare(
        self, name: str, versions: Iterable[str | int] = (), **query: QueryValue
    ) -> str:
        """Versions of a registered model side by side (``diff=1``: differing rows only)."""
        return self.path(
            f"/models/{segment(name)}/compare", {"versions": [str(v) for v in versions], **query}
        )

    def model_version(self, name: str, version: str | int) -> str:
        return self.path(f"/models/{segment(name)}/versions/{segment(version)}")

    def get_artifact(self, run_id: str, path: str) -> str:
        """MLflow's download route for one file of a run."""
        return self.path("/get-artifact", {"run_id": run_id, "path": path})

    def api(self, path: str) -> str:
        """A REST API path as the UI calls it (``/ajax-api/2.0/mlflow/...``)."""
        return self.path(f"/ajax-api/2.0/{path.lstrip('/')}")
