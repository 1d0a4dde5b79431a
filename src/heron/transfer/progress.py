"""What a transfer tells its user while it works: progress lines, and a bar on a terminal.

Lines (``Exporting experiment 'wine' (ID 1) to 'out/1'``) go to the output stream. On a
terminal, a one-line bar (``[#####-----]  120/500 runs  24%  31.0/s``, never wider than
80 columns) is redrawn in place on the error stream; elsewhere (pipes, files, CI logs)
there is no bar. Safe to use from several worker threads.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO

MAX_WIDTH = 80
REDRAW_SECONDS = 0.1


class Reporter:
    """Progress lines and an optional bar.

    Args:
        out: Where lines go (standard output by default).
        bar_stream: Where the bar goes (standard error by default).
        bar: Draw the bar; by default only when ``bar_stream`` is a terminal.
        quiet: Print nothing at all (the Python API's default).
    """

    def __init__(
        self,
        out: TextIO | None = None,
        bar_stream: TextIO | None = None,
        bar: bool | None = None,
        quiet: bool = False,
    ):
        self._out = out
        self._bar_stream = bar_stream
        self._bar = bar
        self.quiet = quiet
        self._lock = threading.Lock()
        self._total = 0
        self._done = 0
        self._noun = ""
        self._started = 0.0
        self._drawn_at = 0.0
        self._visible = False

    @property
    def out(self) -> TextIO:
        """The stream lines go to."""
        return self._out or sys.stdout

    def _bar_out(self) -> TextIO | None:
        stream = self._bar_stream or sys.stderr
        wanted = self._bar if self._bar is not None else _is_terminal(stream)
        return stream if wanted and not self.quiet else None

    def line(self, text: str) -> None:
        """Print one line (above the bar, which is then redrawn)."""
        if self.quiet:
            return
        with self._lock:
            self._clear()
            self.out.write(text + "\n")
            self.out.flush()
            self._draw(force=True)

    def start(self, total: int, noun: str = "runs") -> None:
        """Begin counting ``total`` items named ``noun``."""
        with self._lock:
            self._total, self._done, self._noun = total, 0, noun
            self._started = time.monotonic()
            self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more items done (succeeded or not)."""
        with self._lock:
            self._done += count
            self._draw(force=self._done >= self._total)

    def finish(self) -> None:
        """Remove the bar."""
        with self._lock:
            self._clear()
            self._total = 0

    def _clear(self) -> None:
        stream = self._bar_out()
        if stream is not None and self._visible:
            stream.write("\r" + " " * (self._width(stream) - 1) + "\r")
            stream.flush()
            self._visible = False

    def _draw(self, force: bool) -> None:
        stream = self._bar_out()
        if stream is None or self._total <= 0:
            return
        now = time.monotonic()
        if not force and now - self._drawn_at < REDRAW_SECONDS:
            return
        self._drawn_at = now
        text = render_bar(
            self._done, self._total, self._noun, now - self._started, self._width(stream)
        )
        stream.write("\r" + text)
        stream.flush()
        self._visible = True

    @staticmethod
    def _width(stream: TextIO) -> int:
        return min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def render_bar(done: int, total: int, noun: str, seconds: float, width: int = MAX_WIDTH) -> str:
    """One bar line, at most ``width - 1`` characters (the last column stays empty, so the
    terminal never wraps), e.g. ``[########--------]  5/10 runs  50%  5.0/s``.
    """
    done = min(done, total)
    rate = f"{done / seconds:.1f}/s" if seconds > 0 else ""
    counts = f"  {done}/{total} {noun}  {100 * done // max(total, 1)}%  {rate}".rstrip()
    room = max(width - 1 - len(counts) - 2, 0)
    cells = min(room, 40)
    filled = cells * done // max(total, 1)
    return f"[{'#' * filled}{'-' * (cells - filled)}]{counts}"[: width - 1]
