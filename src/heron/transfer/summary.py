"""The account a transfer gives at the end, and its verdict.

Shaped like the user guide's output::

    2 experiments exported
    1770/1770 runs successfully exported
    Duration: 1.6 seconds

Anything that failed is named, and :meth:`Summary.raise_for_failures` turns failures into a
:class:`~heron.transfer.errors.TransferFailed`, so the tools exit non-zero.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from heron.transfer.errors import TransferFailed


@dataclass(frozen=True)
class Failure:
    """One object that could not be transferred, and why."""

    kind: str
    object_id: str
    reason: str
    context: str = ""

    def describe(self) -> str:
        """``run 'abc' (experiment 'wine'): <reason>``."""
        where = f" ({self.context})" if self.context else ""
        name = f" '{self.object_id}'" if self.object_id else ""
        return f"{self.kind}{name}{where}: {self.reason}"


@dataclass
class Summary:
    """Counts of one export, import or copy (safe to update from worker threads).

    Attributes:
        action: ``exported``, ``imported`` or ``copied``.
        experiments: Experiments handled.
        runs_total: Runs attempted (skipped ones included).
        runs_ok: Runs transferred now or found already transferred.
        runs_skipped: Runs an import found already there (a resumed import).
        failures: What failed.
        id_map: Source to destination run ids (imports and copies).
        per_experiment: Whether the account starts with the experiment count (not for
            single-run tools).
    """

    action: str
    experiments: int = 0
    runs_total: int = 0
    runs_ok: int = 0
    runs_skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    id_map: dict[str, str] = field(default_factory=dict)
    per_experiment: bool = True
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def run_succeeded(self, source_id: str, destination_id: str | None, skipped: bool) -> None:
        """Count a run transferred (or found already there)."""
        with self._lock:
            self.runs_total += 1
            self.runs_ok += 1
            self.runs_skipped += int(skipped)
            if destination_id is not None:
                self.id_map[source_id] = destination_id

    def run_failed(self, run_id: str, reason: str, context: str = "") -> None:
        """Count a run that failed."""
        with self._lock:
            self.runs_total += 1
            self.failures.append(Failure("run", run_id, reason, context))

    def failed(self, kind: str, object_id: str, reason: str, context: str = "") -> None:
        """Record a failure of something other than a run (an experiment, a file...)."""
        with self._lock:
            self.failures.append(Failure(kind, object_id, reason, context))

    @property
    def duration(self) -> float:
        """Seconds since the transfer started."""
        return time.monotonic() - self.started

    def lines(self) -> list[str]:
        """The closing account, one line each."""
        noun = "experiment" if self.experiments == 1 else "experiments"
        lines = [f"{self.experiments} {noun} {self.action}"] if self.per_experiment else []
        runs = f"{self.runs_ok}/{self.runs_total} runs successfully {self.action}"
        if self.runs_skipped:
            runs += f" ({self.runs_skipped} already there)"
        lines.append(runs)
        run_failures = sum(1 for f in self.failures if f.kind == "run")
        if run_failures:
            lines.append(f"{run_failures}/{self.runs_total} runs failed")
        lines.extend(f"Failed: {failure.describe()}" for failure in self.failures)
        lines.append(f"Duration: {self.duration:.1f} seconds")
        return lines

    def raise_for_failures(self) -> None:
        """Raise :class:`TransferFailed` naming every failure, if there was any."""
        if not self.failures:
            return
        runs = sum(1 for f in self.failures if f.kind == "run")
        others = len(self.failures) - runs
        parts = []
        if runs:
            parts.append(f"{runs} of {self.runs_total} runs")
        if others:
            parts.append(f"{others} other object{'s' if others > 1 else ''}")
        message = f"{' and '.join(parts)} failed to be {self.action}: " + "; ".join(
            failure.describe() for failure in self.failures[:5]
        )
        if len(self.failures) > 5:
            message += f"; and {len(self.failures) - 5} more"
        raise TransferFailed(message, [failure.describe() for failure in self.failures])
