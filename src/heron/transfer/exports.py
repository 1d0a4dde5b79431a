"""Exporting runs and experiments from a tracking store into bundle directories.

Bundles follow mlflow-export-import's current layout (or its 1.2.0 layout on request), so
its importer reads them; Heron adds each artifact file's sha256 and keeps every metric's
full history. Each run directory appears whole or not at all.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from heron.entities import Experiment, Run
from heron.tracking.client import MlflowClient
from heron.transfer import bundle, jsonio, layout
from heron.transfer.engine import describe_error
from heron.transfer.experimentfile import (
    EXPERIMENT_FILE,
    EXPERIMENTS_FILE,
    encode_experiment,
    encode_experiment_info,
    encode_experiment_list,
)
from heron.transfer.live import LiveStore
from heron.transfer.modelfile import MODELS_FILE
from heron.transfer.options import ExportOptions
from heron.transfer.progress import Reporter
from heron.transfer.records import ExperimentRecord, RunRecord
from heron.transfer.summary import Summary
from heron.transfer.tagpolicy import Lineage, metadata_tags
from heron.transfer.workers import run_all

BATCH = 25
"""Runs read together: a server answers one metric's history for all of them at once."""


class Exporter:
    """Writes runs and experiments of one source store into bundle directories."""

    def __init__(
        self,
        source: LiveStore,
        options: ExportOptions,
        reporter: Reporter,
        summary: Summary,
        script: str,
    ):
        self.source = source
        self.options = options
        self.reporter = reporter
        self.summary = summary
        self.script = script
        self._models_done: set[str] = set()
        self._lock = threading.Lock()

    def system(self) -> dict[str, Any]:
        """The ``system`` section of the files written now."""
        return jsonio.system_section(self.script, self.source.tracking_uri)

    def export_run(
        self,
        record: RunRecord,
        run_dir: str,
        models_dir: str,
        experiment_name: str,
        whole: bool = True,
    ) -> list[str]:
        """Write one run (and the logged models it produced); their ids.

        Raises:
            HeronError: The run could not be read or written (nothing of it is left).
        """
        if self.options.export_metadata_tags:
            lineage = Lineage(self.source.tracking_uri, experiment_name, int(time.time()))
            record.tags.update(metadata_tags(record, lineage))
        models = []
        for output in record.model_outputs:
            with self._lock:
                if output.model_id in self._models_done:
                    continue
                self._models_done.add(output.model_id)
            model = self.source.logged_model(output.model_id)
            if model is not None:
                bundle.write_model(
                    os.path.join(models_dir, output.model_id),
                    model,
                    self.source.model_artifacts(model),
                    self.system(),
                )
                models.append(output.model_id)
        bundle.write_run(run_dir, record, self.source.run_artifacts(record), self.system(), whole)
        return models

    def _records(
        self, run_ids: list[str], known: Mapping[str, Run] | None = None
    ) -> list[RunRecord | Exception]:
        """Read a batch of runs at once (``known``: search results, which some stores
        answer whole); on error, each run alone (so one bad run fails alone)."""
        try:
            return list(self.source.run_records(run_ids, known))
        except Exception:  # retried run by run just below, where each error is kept
            found: list[RunRecord | Exception] = []
            for run_id in run_ids:
                try:
                    found.append(self.source.run_record(run_id))
                except Exception as error:  # reported by the caller as this run's failure
                    found.append(error)
            return found

    def export_experiment(
        self, experiment: Experiment, directory: str, run_ids: Sequence[str] | None = None
    ) -> ExperimentRecord:
        """Write an experiment and its active runs (or only ``run_ids``)."""
        self.reporter.line(
            f"Exporting experiment '{experiment.name}' (ID {experiment.experiment_id}) "
            f"to '{directory}'"
        )
        found = (
            {}
            if run_ids
            else {r.info.run_id: r for r in self.source.runs(experiment.experiment_id)}
        )
        ids = list(run_ids) if run_ids else list(found)
        record = ExperimentRecord(experiment)
        parents: dict[str, str] = {}
        done: dict[str, list[str]] = {}
        models_dir = layout.experiment_models_dir(directory)

        def one(batch: list[str]) -> None:
            for run_id, read in zip(batch, self._records(batch, found), strict=True):
                run_dir = layout.run_dir(directory, run_id, self.options.bundle_format)
                try:
                    if isinstance(read, Exception):
                        raise read
                    done[run_id] = self.export_run(read, run_dir, models_dir, experiment.name)
                    if read.parent_run_id:
                        parents[run_id] = read.parent_run_id
                    self.summary.run_succeeded(run_id, None, skipped=False)
                except Exception as error:  # reported, counted, and the tool exits non-zero
                    reason = describe_error(error)
                    self.summary.run_failed(run_id, reason, f"experiment '{experiment.name}'")
                    self.reporter.line(f"Failed to export run '{run_id}': {reason}")
                finally:
                    self.reporter.advance()

        self.reporter.start(len(ids), "runs")
        try:
            size = max(1, min(BATCH, -(-len(ids) // self.options.workers)))
            batches = [ids[start : start + size] for start in range(0, len(ids), size)]
            run_all(batches, one, self.options.workers)
        finally:
            self.reporter.finish()
        record.run_ids = [run_id for run_id in ids if run_id in done]
        record.failed_run_ids = [run_id for run_id in ids if run_id not in done]
        record.logged_model_ids = [m for run_id in record.run_ids for m in done[run_id]]
        record.parents = {child: parents[child] for child in record.run_ids if child in parents}
        self._write_experiment(record, directory)
        self.summary.experiments += 1
        return record

    def _write_experiment(self, record: ExperimentRecord, directory: str) -> None:
        system = self.system()
        if record.logged_model_ids:
            experiment = record.experiment
            listing = {
                "experiments": [
                    {
                        "id": experiment.experiment_id,
                        "name": experiment.name,
                        "logged_models": record.logged_model_ids,
                    }
                ]
            }
            jsonio.write_json(
                os.path.join(layout.experiment_models_dir(directory), MODELS_FILE),
                jsonio.envelope(system, listing),
            )
        content = jsonio.envelope(system, encode_experiment(record), encode_experiment_info(record))
        jsonio.write_json(os.path.join(directory, EXPERIMENT_FILE), content)


def start_export(
    options: ExportOptions | None,
    settings: dict[str, Any],
    client: MlflowClient | None,
    reporter: Reporter | None,
    script: str,
    per_experiment: bool = True,
) -> Exporter:
    """An exporter for one tool run (``script`` names the tool in the bundle's info)."""
    return Exporter(
        LiveStore(client or MlflowClient()),
        replace(options or ExportOptions(), **settings),
        reporter or Reporter(quiet=True),
        Summary("exported", per_experiment=per_experiment),
        script,
    )


def finish_export(exporter: Exporter) -> Summary:
    """Print the export's summary; raise TransferFailed if anything failed."""
    for line in exporter.summary.lines():
        exporter.reporter.line(line)
    exporter.summary.raise_for_failures()
    return exporter.summary


def export_run(
    run_id: str,
    output_dir: str,
    options: ExportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Export one run into ``output_dir`` (``run.json``, ``artifacts/``, and a directory
    per logged model it produced).

    Raises:
        TransferFailed: The run could not be exported.
    """
    exporter = start_export(
        options, settings, client, reporter, "export_run.py", per_experiment=False
    )
    exporter.reporter.line(f"Exporting run '{run_id}' to '{output_dir}'")
    try:
        record = exporter.source.run_record(run_id)
        name = exporter.source.client.get_experiment(record.info.experiment_id).name
        exporter.export_run(record, output_dir, output_dir, name, whole=False)
        exporter.summary.run_succeeded(run_id, None, skipped=False)
    except Exception as error:  # reported as the tool's failure below
        exporter.summary.run_failed(run_id, describe_error(error))
    return finish_export(exporter)


def export_experiment(
    experiment: str,
    output_dir: str,
    options: ExportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    run_ids: Sequence[str] | None = None,
    **settings: Any,
) -> Summary:
    """Export an experiment (by name or id) and its active runs into ``output_dir``.

    Args:
        experiment: The experiment's name or id.
        output_dir: Where to write (``experiment.json``, ``runs/<run id>/``, ...).
        options: Export options; ``settings`` (e.g. ``workers=4``) override its fields.
        client: The source; by default the tracking URI's.
        reporter: Where progress goes; silent by default.
        run_ids: Export only these runs.

    Raises:
        NotFound: No such experiment.
        TransferFailed: Some runs failed (the others are exported).
    """
    exporter = start_export(options, settings, client, reporter, "export_experiment.py")
    found = exporter.source.experiment(experiment)
    exporter.export_experiment(found, output_dir, run_ids)
    return finish_export(exporter)


def export_experiments(
    experiments: str | Sequence[str],
    output_dir: str,
    options: ExportOptions | None = None,
    client: MlflowClient | None = None,
    reporter: Reporter | None = None,
    **settings: Any,
) -> Summary:
    """Export several experiments (``"all"``, or names or ids) into ``output_dir``, one
    directory per experiment id, listed in ``experiments.json``.

    Raises:
        NotFound: A named experiment does not exist.
        TransferFailed: Some runs failed (the others are exported).
    """
    exporter = start_export(options, settings, client, reporter, "export_experiments.py")
    entries = []
    for experiment in exporter.source.experiments(experiments):
        started = time.monotonic()
        directory = os.path.join(output_dir, experiment.experiment_id)
        record = exporter.export_experiment(experiment, directory)
        entries.append(
            {
                "id": experiment.experiment_id,
                "name": experiment.name,
                "ok_runs": len(record.run_ids),
                "failed_runs": len(record.failed_run_ids),
                "duration": round(time.monotonic() - started, 1),
            }
        )
    summary = exporter.summary
    info = {
        "duration": round(summary.duration, 1),
        "experiments": len(entries),
        "total_runs": summary.runs_total,
        "ok_runs": summary.runs_ok,
        "failed_runs": summary.runs_total - summary.runs_ok,
    }
    content = jsonio.envelope(exporter.system(), encode_experiment_list(entries), info)
    jsonio.write_json(os.path.join(output_dir, EXPERIMENTS_FILE), content)
    return finish_export(exporter)
