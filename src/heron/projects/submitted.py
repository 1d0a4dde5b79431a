"""A launched project run: wait for it, ask its status, cancel it.

The child runs in its own process group so :meth:`LocalSubmittedRun.cancel` stops the whole
command (shell and the programs it started). A monitor thread records the child's outcome
as the run's status (FINISHED, FAILED or KILLED) as soon as it exits, for asynchronous runs
too.
"""

from __future__ import annotations

import abc
import contextlib
import logging
import os
import signal
import subprocess
import threading
from collections.abc import Callable

from heron.entities import RunStatus

_logger = logging.getLogger(__name__)

CANCEL_GRACE_SECONDS = 5.0


class SubmittedRun(abc.ABC):
    """A project run that was started; MLflow's ``SubmittedRun`` contract."""

    @property
    @abc.abstractmethod
    def run_id(self) -> str:
        """The Heron run this project run logs into."""

    @abc.abstractmethod
    def wait(self) -> bool:
        """Block until the run ends; True when it succeeded."""

    @abc.abstractmethod
    def get_status(self) -> str:
        """``RUNNING``, ``FINISHED``, ``FAILED`` or ``KILLED``."""

    @abc.abstractmethod
    def cancel(self) -> None:
        """Stop the run (its status becomes KILLED) and wait until it has stopped."""


class LocalSubmittedRun(SubmittedRun):
    """A project command running as a local child process.

    Args:
        run_id: The run the child logs into.
        process: The child, started in its own session (``start_new_session=True``).
        on_exit: Called once with the final status when the child has exited (records it
            on the run, removes a temporary clone).
    """

    def __init__(
        self,
        run_id: str,
        process: subprocess.Popen[bytes],
        on_exit: Callable[[str], None] | None = None,
    ):
        self._run_id = run_id
        self.command_proc = process
        self._on_exit = on_exit
        self._cancelled = False
        self._status: str | None = None
        self._done = threading.Event()
        self._monitor = threading.Thread(
            target=self._watch, name=f"heron-run-{run_id}", daemon=True
        )
        self._monitor.start()

    @property
    def run_id(self) -> str:
        """The Heron run this project run logs into."""
        return self._run_id

    @property
    def returncode(self) -> int | None:
        """The child's exit code once it has exited (negative: killed by that signal)."""
        return self.command_proc.returncode

    def _watch(self) -> None:
        code = self.command_proc.wait()
        if self._cancelled:
            status = RunStatus.to_string(RunStatus.KILLED)
        elif code == 0:
            status = RunStatus.to_string(RunStatus.FINISHED)
        else:
            status = RunStatus.to_string(RunStatus.FAILED)
        try:
            if self._on_exit is not None:
                self._on_exit(status)
        except Exception:  # the status must still be known locally; the error is logged
            _logger.exception("Could not record the end of run %s", self._run_id)
        finally:
            self._status = status
            self._done.set()

    def wait(self) -> bool:
        """Block until the child exits and its status is recorded; True on exit code 0."""
        self._done.wait()
        return self._status == RunStatus.to_string(RunStatus.FINISHED)

    def get_status(self) -> str:
        """``RUNNING`` while the child runs, then its recorded final status."""
        if self._done.is_set() and self._status is not None:
            return self._status
        return RunStatus.to_string(RunStatus.RUNNING)

    def cancel(self) -> None:
        """SIGTERM the child's process group, SIGKILL it after a grace period; run KILLED."""
        if self._done.is_set():
            return
        self._cancelled = True
        self._signal(signal.SIGTERM)
        try:
            self.command_proc.wait(timeout=CANCEL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
        self._done.wait()

    def _signal(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.command_proc.pid, sig)
