"""Repeated creates answered once (the rule is :mod:`heron.protocol.idempotency`'s).

:class:`RecentCreates` remembers, per server process, the successful answers of recent
creates by key; a repeat of a key gets the first answer, and a repeat that arrives while
the first is still running waits for it. Entries expire after their window and the table
is bounded (the oldest go first). With several worker processes each keeps its own table,
so a retry that lands on another worker is not recognised: run one worker behind clients
that lose responses, or give them Heron's client (its request ids make the retry go to the
same answer only within one process too, which is why the window is per process).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from heron.protocol.idempotency import (
    FINGERPRINT_ROUTES,
    REQUEST_ID_HEADER,
    REQUEST_ID_ROUTES,
    REQUEST_ID_WINDOW_S,
    RETRYING_CLIENT_AGENTS,
)
from heron.server.asgi import Scope, header

Answer = tuple[int, bytes]
Key = tuple[str, ...]
MAX_ENTRIES = 10_000
_REQUEST_ID = REQUEST_ID_HEADER.lower().encode()
MAX_REQUEST_ID_LENGTH = 200


_CHILD_RUN_TAG = b'"mlflow.parentRunId"'


@dataclass
class _Entry:
    answer: asyncio.Future[Answer]
    expires: float
    connection: object = None
    """The client connection of the first call, for fingerprint keys: a response that was
    lost broke its connection, so a retry comes on another one, while a deliberate second
    create on the same keep-alive connection is a new object."""


class RecentCreates:
    """Recent successful creates, by key.

    Args:
        window_s: How long an MLflow client's identical create counts as a retry (0: never).
        clock: Seconds (``time.monotonic``).
    """

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.window_s = window_s
        self._clock = clock
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()

    def key(self, route: str, scope: Scope, body: bytes) -> tuple[Key, float, object] | None:
        """The key, window and connection (None for request ids) of a create that may be a
        repeat, or None."""
        request_id = header(scope, _REQUEST_ID)
        if request_id and route in REQUEST_ID_ROUTES:
            digest = hashlib.sha256(body).hexdigest()
            key: Key = ("id", route, request_id[:MAX_REQUEST_ID_LENGTH], digest)
            return key, REQUEST_ID_WINDOW_S, None
        agent = header(scope, b"user-agent") or ""
        if self.window_s <= 0 or route not in FINGERPRINT_ROUTES:
            return None
        if not agent.startswith(RETRYING_CLIENT_AGENTS):
            return None
        if route == "CreateRun" and _CHILD_RUN_TAG in body:
            # MLflow's autolog creates a parameter search's child runs with one body each
            # (the parent's start time, the same tags), from a pool of connections: identical
            # child-run creates are distinct runs, never retries of one another.
            return None
        client = scope.get("client") or ("", 0)
        credentials = hashlib.sha256(
            (header(scope, b"authorization") or "").encode("latin-1")
        ).hexdigest()
        digest = hashlib.sha256(body).hexdigest()
        fingerprint: Key = ("body", route, str(client[0]), credentials, digest)
        return fingerprint, self.window_s, tuple(client)

    async def run(
        self,
        key: Key,
        window_s: float,
        connection: object,
        call: Callable[[], Awaitable[Answer]],
        still_valid: Callable[[Answer], Awaitable[bool]] | None = None,
    ) -> Answer:
        """The first answer of ``key`` if it is recent (and ``still_valid``), else ``call()``'s.

        Only 200 answers are kept; concurrent repeats wait for the first call. With a
        ``connection`` (fingerprint keys), a repeat on the first call's own connection is
        not a retry.
        """
        self._expire()
        entry = self._entries.get(key)
        if entry is not None and (connection is None or connection != entry.connection):
            try:
                answer: Answer | None = await asyncio.shield(entry.answer)
            except asyncio.CancelledError:
                if not entry.answer.cancelled():
                    raise  # this request was cancelled, not the first one
                answer = None
            if (
                answer is not None
                and answer[0] == 200
                and (still_valid is None or await still_valid(answer))
            ):
                return answer
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        entry = _Entry(future, float("inf"), connection)
        self._entries[key] = entry
        self._entries.move_to_end(key)
        try:
            first = await call()
        except BaseException:
            self._forget(key, entry)
            future.cancel()
            raise
        future.set_result(first)
        if first[0] == 200:
            entry.expires = self._clock() + window_s
        else:
            self._forget(key, entry)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)
        return first

    def _forget(self, key: Key, entry: _Entry) -> None:
        if self._entries.get(key) is entry:
            del self._entries[key]

    def _expire(self) -> None:
        now = self._clock()
        expired = [key for key, entry in self._entries.items() if entry.expires <= now]
        for key in expired:
            del self._entries[key]
