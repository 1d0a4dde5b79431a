"""The import engine shared by bundle imports and direct copies.

Given destination experiments and run tasks, it creates (or finds) the experiments, reads
which runs earlier imports completed, and writes the rest, parents before children,
``workers`` at a time. Each run is counted in the :class:`~heron.transfer.summary.Summary`
as imported, already there, or failed (with its reason); a failure never stops the others.
"""

from __future__ import annotations

from heron.entities import LifecycleStage
from heron.exceptions import AlreadyExists, HeronError, InvalidState, TemporarilyUnavailable
from heron.tracking.client import MlflowClient
from heron.transfer.options import ImportOptions
from heron.transfer.packages import ExperimentTarget, RunTask
from heron.transfer.progress import Reporter
from heron.transfer.resume import DestinationIndex, IdMap
from heron.transfer.store_writer import StoreWriter
from heron.transfer.summary import Summary
from heron.transfer.workers import run_all, waves


def describe_error(error: BaseException) -> str:
    """A one-line reason: Heron's message, or the exception's type and text."""
    if isinstance(error, HeronError):
        return error.message
    return f"{type(error).__name__}: {error}"


class ImportEngine:
    """Writes runs into a destination store, resumably.

    Args:
        client: The destination.
        options: Import options.
        reporter: Where progress goes.
        summary: What is counted.
    """

    def __init__(
        self, client: MlflowClient, options: ImportOptions, reporter: Reporter, summary: Summary
    ):
        self.client = client
        self.options = options
        self.reporter = reporter
        self.summary = summary
        self.ids = IdMap()
        self.index = DestinationIndex(client)
        self.writer = StoreWriter(client, options, self.ids)
        self._in_transfer: set[str] = set()
        self._unreachable: str | None = None

    def prepare(self, target: ExperimentTarget) -> None:
        """Find or create the destination experiment and read its imported runs.

        Raises:
            InvalidState: The destination experiment exists but is deleted.
        """
        existing = self.client.get_experiment_by_name(target.name)
        if existing is None:
            try:
                target.experiment_id = self.client.create_experiment(target.name, tags=target.tags)
            except AlreadyExists:  # created meanwhile by someone else
                existing = self.client.get_experiment_by_name(target.name)
        if existing is not None:
            if existing.lifecycle_stage != LifecycleStage.ACTIVE:
                raise InvalidState(
                    f"Experiment '{target.name}' is deleted in the destination: restore it "
                    f"or import under another name"
                )
            target.experiment_id = existing.experiment_id
        self.index.scan(target.experiment_id)
        for source, destination in self.index.completed_ids().items():
            self.ids.add(source, destination)

    def unreadable(self, run_id: str, reason: str, experiment_name: str) -> None:
        """Count a run whose bundle files cannot be read (its children will wait)."""
        self._in_transfer.add(run_id)
        self.summary.run_failed(run_id, reason, f"experiment '{experiment_name}'")

    def run(self, tasks: list[RunTask]) -> None:
        """Import every task: generation by generation, ``workers`` runs at a time."""
        by_id = {task.source_id: task for task in tasks}
        self._in_transfer.update(by_id)
        self.reporter.start(len(tasks), "runs")
        try:
            for generation in waves({task.source_id: task.parent_id for task in tasks}):
                run_all([by_id[i] for i in generation], self._one, self.options.workers)
        finally:
            self.reporter.finish()

    def _one(self, task: RunTask) -> None:
        try:
            if self._unreachable is not None:
                raise TemporarilyUnavailable(f"not attempted: {self._unreachable}")
            self._import(task)
        except Exception as error:  # reported, counted, and the tool exits non-zero
            if isinstance(error, TemporarilyUnavailable) and self._unreachable is None:
                self._unreachable = error.message  # retries are spent: stop trying
            reason = describe_error(error)
            self.summary.run_failed(task.source_id, reason, f"experiment '{task.target.name}'")
            self.reporter.line(f"Failed to import run '{task.source_id}': {reason}")
        finally:
            self.reporter.advance()

    def _import(self, task: RunTask) -> None:
        done = self.index.completed(task.source_id, task.target.experiment_id)
        if done is not None:
            self.summary.run_succeeded(task.source_id, done, skipped=True)
            return
        parent = task.parent_id
        if (
            parent
            and parent != task.source_id
            and parent in self._in_transfer
            and (parent not in self.ids)
        ):
            raise InvalidState(f"its parent run '{parent}' was not imported")
        for leftover in self.index.leftovers(task.source_id, task.target.experiment_id):
            self.client.delete_run(leftover)  # an interrupted import's partial run
        run_id = self.writer.write_run(task.load(), task.target.experiment_id)
        self.summary.run_succeeded(task.source_id, run_id, skipped=False)
