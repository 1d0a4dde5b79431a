"""Reading runs, logged models and experiments from a live tracking store.

Works through :class:`heron.tracking.MlflowClient`, so the store may be an embedded
database, a Heron server or an MLflow server. Each run is read whole: info, params, tags,
inputs and outputs, and the full history of every metric.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from heron.entities import Experiment, LoggedModel, Run, ViewType
from heron.exceptions import HeronError, InvalidParameter, NotFound
from heron.store.artifacts import get_artifact_repository
from heron.tracking.client import MlflowClient
from heron.tracking.pages import read_pages
from heron.transfer.history import HistoryReader
from heron.transfer.records import LoggedModelRecord, RunRecord
from heron.transfer.sources import RepositoryArtifacts

PAGE = 1000


class LiveStore:
    """The source (or destination, when compared) side of a transfer: a tracking store."""

    def __init__(self, client: MlflowClient):
        self.client = client
        self._histories = HistoryReader(client)

    @property
    def tracking_uri(self) -> str:
        """The store's tracking URI."""
        return self.client.tracking_uri

    def experiment(self, id_or_name: str) -> Experiment:
        """An experiment by name, or else by id (as mlflow-export-import looks them up).

        Raises:
            NotFound: Neither matches.
        """
        found = self.client.get_experiment_by_name(id_or_name)
        if found is not None:
            return found
        try:
            return self.client.get_experiment(id_or_name)
        except (NotFound, InvalidParameter):
            raise NotFound(f"Cannot find experiment ID or name '{id_or_name}'") from None

    def experiments(self, spec: str | Sequence[str]) -> list[Experiment]:
        """Experiments named by ``"all"`` (every active one) or by names or ids (a
        comma-separated string or a list)."""
        names = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else list(spec)
        names = [name for name in names if name]
        if names == ["all"]:
            found = read_pages(
                lambda count, token: self.client.search_experiments(
                    ViewType.ACTIVE_ONLY, count, page_token=token
                ),
                PAGE,
                None,
            )
            return sorted(found, key=_id_order)
        return [self.experiment(name) for name in names]

    def runs(self, experiment_id: str, view_type: int = ViewType.ACTIVE_ONLY) -> list[Run]:
        """Every run of an experiment, oldest first."""
        runs = read_pages(
            lambda count, token: self.client.search_runs(
                [experiment_id],
                run_view_type=view_type,
                max_results=count,
                order_by=["attributes.start_time ASC"],
                page_token=token,
            ),
            PAGE,
            None,
        )
        return runs

    def run_record(self, run_id: str) -> RunRecord:
        """A run with the full history of each of its metrics."""
        return self.run_records([run_id])[0]

    def run_records(
        self, run_ids: Sequence[str], known: Mapping[str, Run] | None = None
    ) -> list[RunRecord]:
        """Several runs with their full metric histories, read with as few calls as the
        store allows.

        A store that reads whole runs (SQL, a Heron server) also answers searches with
        whole runs, so the runs in ``known`` (search results) are used as they are; from
        other stores (MLflow's search leaves out model inputs) each run is read again.
        """
        whole = self._histories.whole(run_ids)
        if whole is None:
            runs = [self.client.get_run(run_id) for run_id in run_ids]
            histories = self._histories.by_metric(runs)
        else:
            known = known or {}
            runs = [known.get(run_id) or self.client.get_run(run_id) for run_id in run_ids]
            histories = {history.run_id: history for history in whole}
        return [RunRecord.from_run(run, histories[run.info.run_id]) for run in runs]

    def run_artifacts(self, record: RunRecord) -> RepositoryArtifacts:
        """The files of a run's artifact repository."""
        uri = record.info.artifact_uri
        if not uri:
            raise InvalidParameter(f"Run '{record.run_id}' has no artifact URI")
        repository = get_artifact_repository(uri, self.tracking_uri)
        return RepositoryArtifacts(repository, f"run '{record.run_id}'")

    def logged_model(self, model_id: str) -> LoggedModelRecord | None:
        """A logged model, or None when the store has no logged models (MLflow 2.x)."""
        try:
            model: LoggedModel = self.client.get_logged_model(model_id, allow_deleted=True)
        except NotFound:
            return None
        except HeronError as error:
            if error.error_code in ("NOT_IMPLEMENTED", "ENDPOINT_NOT_FOUND"):
                return None
            raise
        return LoggedModelRecord(model)

    def model_artifacts(self, record: LoggedModelRecord) -> RepositoryArtifacts:
        """The files of a logged model."""
        repository = get_artifact_repository(record.model.artifact_location, self.tracking_uri)
        return RepositoryArtifacts(repository, f"logged model '{record.model_id}'")


def _id_order(experiment: Experiment) -> tuple[int, int, str]:
    """Numeric ids in numeric order (0, 1, 2, ..., 10), then any others."""
    identifier = experiment.experiment_id
    return (0, int(identifier), "") if identifier.isdigit() else (1, 0, identifier)
