"""Where a handler call runs: on the event loop, or on a worker thread.

Handlers block (stores wait on databases and files), so they run on a pool of worker
threads. Handing a call to a thread and back costs about 100 us of CPU and of latency per
request, as much as a whole quick read of an embedded database (a run, a page of a small
search). Such reads run directly on the event loop instead, when no other call is running
on a thread (under concurrent load every call goes to the threads, as before), and for as
long as they stay quick: the cost of each route's recent calls is tracked, and a route
whose calls take longer than the budget goes back to the threads until its calls are quick
again. A read running on a thread holds the GIL for most of its time anyway, so a read
within the budget (well under the interpreter's 5 ms switch interval) delays other requests
no more than it would on a thread.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

INLINE_BUDGET_S = 0.002
"""Routes whose recent calls took longer than this (seconds) run on worker threads."""

MAX_THREADS = 40
"""Worker threads at most (as many as Starlette's own thread pool)."""

_DECAY = 0.25  # weight of the newest call in a route's cost, when it is cheaper than before


class Scheduler:
    """Runs handler calls on the event loop or on worker threads.

    Args:
        budget: Longest recent cost (seconds) of a route whose calls may run on the loop;
            0 runs every call on a thread.
        max_threads: Worker threads at most.
        clock: Seconds, for timing calls (``time.perf_counter``).
    """

    def __init__(
        self,
        budget: float = INLINE_BUDGET_S,
        max_threads: int = MAX_THREADS,
        clock: Callable[[], float] = time.perf_counter,
    ):
        self.budget = budget
        self.max_threads = max_threads
        self._clock = clock
        self._costs: dict[str, float] = {}
        self._executor: ThreadPoolExecutor | None = None
        self._on_threads = 0  # calls running on worker threads (counted on the loop)

    def cost(self, name: str) -> float:
        """The recent cost of route ``name``'s calls, in seconds (0 before any call)."""
        return self._costs.get(name, 0.0)

    def runs_inline(self, name: str) -> bool:
        """Whether the next quick-read call of route ``name`` runs on the event loop."""
        return self.budget > 0 and self._costs.get(name, 0.0) <= self.budget

    async def run(self, name: str, quick: bool, call: Callable[[], T]) -> T:
        """Run ``call`` (a call of route ``name``) and return its result.

        Args:
            name: The route, whose calls' costs are tracked together.
            quick: Whether the call may run on the event loop (a read that normally
                takes well under a millisecond); other calls always run on a thread.
            call: The work.
        """
        if quick and not self._on_threads and self.runs_inline(name):
            return self._timed(name, call)
        loop = asyncio.get_running_loop()
        work = (lambda: self._timed(name, call)) if quick else call
        self._on_threads += 1
        try:
            return await loop.run_in_executor(self._threads(), work)
        finally:
            self._on_threads -= 1

    def _timed(self, name: str, call: Callable[[], T]) -> T:
        started = self._clock()
        try:
            return call()
        finally:
            self._record(name, self._clock() - started)

    def _record(self, name: str, seconds: float) -> None:
        # A slower call counts at once (one slow call sends the route to the threads);
        # quicker ones bring the cost down gradually.
        before = self._costs.get(name, 0.0)
        self._costs[name] = max(seconds, before + (seconds - before) * _DECAY)

    def _threads(self) -> ThreadPoolExecutor:
        executor = self._executor
        if executor is None:  # made on first use: after a fork, in the worker process
            executor = ThreadPoolExecutor(self.max_threads, thread_name_prefix="heron-handler")
            self._executor = executor
        return executor

    def close(self) -> None:
        """Stop the worker threads once their calls are done."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None
