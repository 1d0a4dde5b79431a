"""Scoring Spark batches through a ``heron models serve`` process in the model's environment
(``spark_udf(..., env_manager="virtualenv"|"uv"|"conda")``): one server per task, fed
``dataframe_split`` requests over a keep-alive connection.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import orjson

from heron.exceptions import HeronError
from heron.serving.encoding import dumps


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def _server(python: str, environ: dict[str, str], model_path: str) -> Iterator[Any]:
    import httpx

    port = _free_port()
    command = [python, "-m", "heron", "models", "serve", "-m", model_path]
    process = subprocess.Popen(
        [*command, "--env-manager", "local", "-p", str(port)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=None)
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise HeronError(f"The model's scoring server exited:\n{error[-3000:]}")
            with contextlib.suppress(httpx.TransportError):
                if client.get("/ping").status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise HeronError("The model's scoring server did not start within 300 s")
            time.sleep(0.1)
        yield client
    finally:
        client.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)


def remote_batches(predictor: Any, iterator: Iterator[tuple[Any, ...]]) -> Iterator[Any]:
    """Predictions for each batch, from a server in the predictor's environment."""
    import pandas as pd

    from heron.serving.spark import predictions_for_spark

    with _server(predictor.python, predictor.environ, predictor.local_path()) as client:
        for columns in iterator:
            frame = predictor.input_frame(columns)
            split = frame.to_dict(orient="split")
            split.pop("index", None)
            body: dict[str, Any] = {"dataframe_split": split}
            if predictor.params:
                body["params"] = predictor.params
            answer = client.post(
                "/invocations", content=dumps(body), headers={"Content-Type": "application/json"}
            )
            decoded = orjson.loads(answer.content)
            if answer.status_code != 200:
                raise HeronError(str(decoded.get("message", decoded)))
            predictions = decoded["predictions"]
            if predictions and isinstance(predictions, list) and isinstance(predictions[0], dict):
                predictions = pd.DataFrame(predictions)
            yield predictions_for_spark(predictions, predictor.spark_type)
