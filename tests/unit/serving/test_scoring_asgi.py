"""The scoring app's HTTP edges: unknown paths, wrong methods, HEAD, slashes, defects, lifespan."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

import heron.pyfunc
from heron.serving.app import create_app
from heron.serving.asgi import PredictionThread

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")


class Identity(heron.pyfunc.PythonModel):
    def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
        return model_input


class BrokenMetadata:
    """A served object whose metadata fails: a defect, not a prediction error."""

    @property
    def metadata(self) -> Any:
        raise RuntimeError("no metadata")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from starlette.testclient import TestClient

    path = tmp_path_factory.mktemp("asgi") / "identity"
    heron.pyfunc.save_model(path, python_model=Identity())
    with TestClient(create_app(heron.pyfunc.load_model(str(path)))) as http:
        yield http


def test_unknown_path_and_wrong_method(client: Any) -> None:
    missing = client.get("/nowhere")
    assert (missing.status_code, missing.text) == (404, "Not Found")
    assert missing.headers["content-type"] == "text/plain; charset=utf-8"
    wrong = client.get("/invocations")
    assert (wrong.status_code, wrong.text) == (405, "Method Not Allowed")
    assert wrong.headers["allow"] == "POST"
    assert client.post("/ping").headers["allow"] == "GET, HEAD"


def test_head_and_trailing_slash(client: Any) -> None:
    head = client.head("/ping")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == "1"
    moved = client.get("/ping/?x=1", follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == "/ping?x=1"
    assert client.post("/invocations/", json={"inputs": [1]}).json() == {"predictions": [1]}


def test_predictions_and_version(client: Any) -> None:
    answer = client.post("/invocations", json={"inputs": [1, 2, 3]})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"predictions": [1, 2, 3]}
    assert client.get("/version").text == heron.__version__


def test_a_defect_answers_500_and_the_server_goes_on() -> None:
    from starlette.testclient import TestClient

    with TestClient(create_app(BrokenMetadata()), raise_server_exceptions=False) as http:
        broken = http.post("/invocations", json={"inputs": [1]})
        assert (broken.status_code, broken.text) == (500, "Internal Server Error")
        assert http.get("/ping").status_code == 200


def test_prediction_thread_times_out_queued_work_and_runs_in_turn() -> None:
    thread = PredictionThread()
    order: list[str] = []

    def slow(name: str) -> str:
        time.sleep(0.3)
        order.append(name)
        return name

    async def scenario() -> list[Any]:
        return await asyncio.gather(
            thread.run(lambda: slow("first"), 5.0),
            thread.run(lambda: slow("second"), 0.1),  # expires while waiting its turn
            thread.run(lambda: 1 / 0, 5.0),
            thread.run(lambda: "last", 5.0),
            return_exceptions=True,
        )

    first, second, failed, last = asyncio.run(scenario())
    assert first == "first"
    assert isinstance(second, TimeoutError)
    assert isinstance(failed, ZeroDivisionError)
    assert last == "last"
    assert order == ["first"]  # the expired job never ran


def test_many_concurrent_requests_each_get_their_own_answer(tmp_path: Path) -> None:
    import httpx

    path = tmp_path / "identity"
    heron.pyfunc.save_model(path, python_model=Identity())
    app = create_app(heron.pyfunc.load_model(str(path)))

    async def scenario() -> list[Any]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            answers = await asyncio.gather(
                *(http.post("/invocations", json={"inputs": [i]}) for i in range(50))
            )
        return [a.json()["predictions"] for a in answers]

    assert asyncio.run(scenario()) == [[i] for i in range(50)]
