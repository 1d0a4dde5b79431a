"""Where handler calls run: quick reads on the event loop while they stay quick."""

from __future__ import annotations

import asyncio
import threading

import pytest

from heron.server.scheduling import Scheduler


class Clock:
    """A clock that only the calls below move on."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _thread_of(
    scheduler: Scheduler, name: str, quick: bool, clock: Clock | None = None, lasting: float = 0
) -> threading.Thread:
    """Run a call of route ``name`` that lasts ``lasting`` seconds on ``clock``; the thread
    it ran on."""

    def call() -> threading.Thread:
        if clock is not None:
            clock.now += lasting
        return threading.current_thread()

    async def run() -> threading.Thread:
        return await scheduler.run(name, quick, call)

    return asyncio.run(run())


def test_quick_reads_run_on_the_loop_and_other_calls_on_threads() -> None:
    scheduler = Scheduler()
    assert _thread_of(scheduler, "GetRun", quick=True) is threading.current_thread()
    assert _thread_of(scheduler, "LogBatch", quick=False) is not threading.current_thread()
    scheduler.close()


def test_a_slow_route_moves_to_threads_until_it_is_quick_again() -> None:
    clock = Clock()
    scheduler = Scheduler(budget=0.002, clock=clock)
    slow = _thread_of(scheduler, "SearchRuns", True, clock, lasting=0.050)
    assert slow is threading.current_thread()
    assert scheduler.cost("SearchRuns") == 0.050
    threads = [_thread_of(scheduler, "SearchRuns", True, clock, 0.001) for _ in range(30)]
    on_loop = [thread is threading.current_thread() for thread in threads]
    first_inline = on_loop.index(True)
    assert first_inline > 5  # several quick calls (timed on threads) before it comes back
    assert all(on_loop[first_inline:])
    assert scheduler.runs_inline("SearchRuns")
    assert scheduler.runs_inline("GetRun")  # routes are tracked apart
    scheduler.close()


def test_a_zero_budget_runs_everything_on_threads() -> None:
    scheduler = Scheduler(budget=0)
    assert _thread_of(scheduler, "GetRun", quick=True) is not threading.current_thread()
    scheduler.close()


def test_errors_reach_the_caller_and_are_timed() -> None:
    clock = Clock()
    scheduler = Scheduler(budget=0.002, clock=clock)

    def fail() -> None:
        clock.now += 0.010
        raise ValueError("boom")

    async def run() -> None:
        await scheduler.run("GetRun", True, fail)

    with pytest.raises(ValueError, match="boom"):
        asyncio.run(run())
    assert not scheduler.runs_inline("GetRun")
    scheduler.close()


def test_quick_reads_go_to_threads_while_another_call_runs_there() -> None:
    scheduler = Scheduler()
    started, release = threading.Event(), threading.Event()

    def slow_write() -> threading.Thread:
        started.set()
        release.wait(30)
        return threading.current_thread()

    async def run() -> tuple[threading.Thread, threading.Thread]:
        write = asyncio.ensure_future(scheduler.run("LogBatch", False, slow_write))
        while not started.is_set():
            await asyncio.sleep(0.001)
        read = await scheduler.run("GetRun", True, threading.current_thread)
        release.set()
        await write
        alone = await scheduler.run("GetRun", True, threading.current_thread)
        return read, alone

    read, alone = asyncio.run(run())
    assert read is not threading.current_thread()
    assert alone is threading.current_thread()
    scheduler.close()
