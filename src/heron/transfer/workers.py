"""Doing many runs at once (``--workers N``), parents before their children.

Nested runs name their parent by id, and an import must know a parent's new id before it
writes the child: :func:`waves` orders runs in generations (runs whose parent is not being
transferred first, then their children, ...), and :func:`run_all` works through each
generation with a pool of threads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")


def waves(parents: Mapping[str, str | None]) -> list[list[str]]:
    """Group ids into generations: each id comes after its parent's generation.

    Args:
        parents: Every id to transfer, with its parent's id (None, or an id that is not a
            key, for a run whose parent is not transferred with it).

    Returns:
        Lists of ids, in input order within each; a cycle (never seen in practice) is
        cut where it was entered.
    """
    depth: dict[str, int] = {}
    for start in parents:
        chain: list[str] = []  # start, its parent, ... up to a known depth or a root
        node: str | None = start
        while node is not None and node in parents and node not in depth and node not in chain:
            chain.append(node)
            node = parents[node]
        base = depth[node] + 1 if node is not None and node in depth else 0
        for offset, member in enumerate(reversed(chain)):
            depth[member] = base + offset
    generations: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for run_id in parents:
        generations[depth[run_id]].append(run_id)
    return generations


def run_all(items: Sequence[T], work: Callable[[T], None], workers: int) -> None:
    """Call ``work(item)`` for every item, ``workers`` at a time.

    ``work`` reports its own failures; an exception escaping it (a bug, or an interrupt)
    cancels the items not started yet and is raised here.
    """
    if workers <= 1 or len(items) <= 1:
        for item in items:
            work(item)
        return
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="heron-transfer")
    try:
        futures: list[Future[None]] = [executor.submit(work, item) for item in items]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            error = future.exception()
            if error is not None:
                raise error
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
