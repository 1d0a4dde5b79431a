"""What makes imports idempotent and resumable.

Every imported run carries two markers: ``heron.transfer.source_run_id`` (the run it was
copied from) and ``heron.transfer.state`` (``importing`` until the run is whole, then
``complete``; ``failed`` on a run given up and deleted). Before importing into an
experiment, :class:`DestinationIndex` reads those markers: complete runs are skipped,
leftovers of an interrupted import are deleted and imported again. :class:`StateFile`
keeps the source-to-destination id map on disk for people and later tools.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from heron.entities import LifecycleStage, ViewType
from heron.tracking.client import MlflowClient
from heron.tracking.pages import read_pages
from heron.transfer import jsonio
from heron.transfer.errors import CorruptBundle
from heron.transfer.tagpolicy import SOURCE_RUN_TAG, STATE_COMPLETE, STATE_TAG

STATE_FILE = "heron_import_state.json"
PAGE = 1000


class IdMap:
    """Source to destination ids (runs and logged models), shared by worker threads."""

    def __init__(self, initial: dict[str, str] | None = None):
        self._ids = dict(initial or {})
        self._lock = threading.Lock()

    def add(self, source: str, destination: str) -> None:
        """Record that ``source`` became ``destination``."""
        with self._lock:
            self._ids[source] = destination

    def get(self, source: str) -> str | None:
        """The destination id of ``source``, if known."""
        with self._lock:
            return self._ids.get(source)

    def __contains__(self, source: object) -> bool:
        with self._lock:
            return source in self._ids

    def snapshot(self) -> dict[str, str]:
        """A copy of the map as it is now."""
        with self._lock:
            return dict(self._ids)


@dataclass(frozen=True)
class ImportedRun:
    """A destination run that carries a source-run marker."""

    run_id: str
    state: str
    active: bool
    experiment_id: str


class DestinationIndex:
    """The imported runs found in destination experiments, by source run id."""

    def __init__(self, client: MlflowClient):
        self.client = client
        self._by_source: dict[str, list[ImportedRun]] = {}
        self._scanned: set[str] = set()

    def scan(self, experiment_id: str) -> None:
        """Read the markers of every run (deleted ones too) of a destination experiment."""
        if experiment_id in self._scanned:
            return
        self._scanned.add(experiment_id)
        runs = read_pages(
            lambda count, token: self.client.search_runs(
                [experiment_id], run_view_type=ViewType.ALL, max_results=count, page_token=token
            ),
            PAGE,
            None,
        )
        for run in runs:
            source = run.data.tags.get(SOURCE_RUN_TAG)
            if source:
                self._by_source.setdefault(source, []).append(
                    ImportedRun(
                        run.info.run_id,
                        run.data.tags.get(STATE_TAG, ""),
                        run.info.lifecycle_stage == LifecycleStage.ACTIVE,
                        experiment_id,
                    )
                )

    def completed(self, source_run_id: str, experiment_id: str | None = None) -> str | None:
        """The destination run a complete earlier import made of this source run (in
        ``experiment_id``, if given), if any."""
        for run in self._by_source.get(source_run_id, ()):
            here = experiment_id is None or run.experiment_id == experiment_id
            if run.active and run.state == STATE_COMPLETE and here:
                return run.run_id
        return None

    def leftovers(self, source_run_id: str, experiment_id: str) -> list[str]:
        """Active runs of this source run in ``experiment_id`` that an interrupted import
        left."""
        return [
            run.run_id
            for run in self._by_source.get(source_run_id, ())
            if run.active and run.state != STATE_COMPLETE and run.experiment_id == experiment_id
        ]

    def completed_ids(self) -> dict[str, str]:
        """Every source run id with a complete destination run, mapped to it."""
        found = {}
        for source in self._by_source:
            run_id = self.completed(source)
            if run_id is not None:
                found[source] = run_id
        return found


class StateFile:
    """The id map of imports into each destination, in one JSON file.

    Layout: ``{"destinations": {tracking URI: {"experiments": {source id: destination id},
    "runs": {...}}}}``; each import merges its maps into its destination's entry.
    """

    def __init__(self, path: str):
        self.path = path

    @classmethod
    def default(cls, input_dir: str | None, explicit: str | None) -> StateFile | None:
        """The explicit path, else ``heron_import_state.json`` in a writable input dir."""
        if explicit:
            return cls(explicit)
        if input_dir and os.path.isdir(input_dir) and os.access(input_dir, os.W_OK):
            return cls(os.path.join(input_dir, STATE_FILE))
        return None

    def read(self) -> dict[str, Any]:
        """The file's content (empty when it does not exist yet)."""
        if not os.path.exists(self.path):
            return {"destinations": {}}
        content = jsonio.read_json(self.path, "import state")
        if not isinstance(content.get("destinations"), dict):
            raise CorruptBundle(f"Corrupt import state file '{self.path}'")
        return content

    def record(self, destination: str, sections: dict[str, Iterable[tuple[str, str]]]) -> None:
        """Merge id maps (e.g. ``{"runs": [(source, destination), ...]}``) and save."""
        content = self.read()
        entry = content["destinations"].setdefault(destination, {})
        for name, pairs in sections.items():
            entry.setdefault(name, {}).update(dict(pairs))
        jsonio.write_json(self.path, content)
