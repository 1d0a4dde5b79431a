"""The dispatcher runs quick reads of an open SQLite file store on the event loop, and
everything else on worker threads."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from heron.protocol import ROUTES
from heron.server.asgi import Message
from heron.server.dispatch import Dispatcher
from heron.server.handlers import QUICK_READS
from heron.server.handlers.registry import Request, Result
from heron.server.services import Services
from heron.server.settings import ServerSettings


def _dispatcher(backend_store_uri: str, tmp_path: Path) -> tuple[Dispatcher, list[str]]:
    """A dispatcher whose GetRun (a quick read) and LogBatch handlers note where they ran:
    "loop" on the event loop's thread, "thread" elsewhere."""
    places: list[str] = []
    loop_thread: list[threading.Thread] = []

    def note(request: Request, services: Services) -> Result:
        on_loop = threading.current_thread() is loop_thread[0]
        places.append("loop" if on_loop else "thread")
        return None

    settings = ServerSettings(
        backend_store_uri=backend_store_uri, default_artifact_root=str(tmp_path / "a")
    )
    dispatcher = Dispatcher(ROUTES, {"GetRun": note, "LogBatch": note}, Services(settings))
    loop_thread.append(threading.current_thread())
    return dispatcher, places


def _call(dispatcher: Dispatcher, method: str, path: str, body: bytes = b"") -> int:
    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"run_id=r1" if method == "GET" else b"",
        "headers": [(b"content-type", b"application/json")],
    }
    found = dispatcher.lookup(path)
    assert found is not None
    asyncio.run(dispatcher.serve(scope, receive, send, *found))
    status: int = sent[0]["status"]
    return status


def test_quick_reads_of_an_open_sqlite_store_run_on_the_loop(tmp_path: Path) -> None:
    dispatcher, places = _dispatcher(f"sqlite:///{tmp_path / 'h.db'}", tmp_path)
    assert _call(dispatcher, "GET", "/api/2.0/mlflow/runs/get") == 200  # store not open yet
    _ = dispatcher.services.tracking
    assert _call(dispatcher, "GET", "/api/2.0/mlflow/runs/get") == 200
    body = b'{"run_id": "r1"}'
    assert _call(dispatcher, "POST", "/api/2.0/mlflow/runs/log-batch", body) == 200
    assert places == ["thread", "loop", "thread"]
    dispatcher.scheduler.close()
    dispatcher.services.tracking.close()


def test_reads_of_an_in_memory_store_run_on_threads(tmp_path: Path) -> None:
    dispatcher, places = _dispatcher("sqlite://", tmp_path)
    _ = dispatcher.services.tracking
    assert _call(dispatcher, "GET", "/api/2.0/mlflow/runs/get") == 200
    assert places == ["thread"]
    dispatcher.scheduler.close()
    dispatcher.services.tracking.close()


def test_only_reads_are_quick_reads() -> None:
    assert {"GetRun", "SearchRuns", "GetMetricHistory", "GetExperiment"} <= QUICK_READS
    names = {route.name for route in ROUTES}
    assert names >= QUICK_READS
    writes = ("Log", "Set", "Create", "Delete", "Update", "Restore", "Finalize", "Import")
    assert not [name for name in QUICK_READS if name.startswith(writes)]
