"""The scoring server's web app (a bare ASGI app, see :mod:`heron.serving.asgi`):
``/ping``, ``/health``, ``/version`` and ``/invocations`` with MLflow's protocol.

Predictions run in a worker thread under the request timeout (504 when exceeded, while the
server keeps serving); bodies over the size limit are refused before they are read whole.
Worker processes build the app with :func:`app_from_env` from the variables
:func:`heron.serving.server.serve` sets.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from heron.config import SCORING_SERVER_MAX_BODY_SIZE, SCORING_SERVER_REQUEST_TIMEOUT
from heron.exceptions import BadRequest, HeronError
from heron.protocol.errors import error_body
from heron.serving.asgi import PredictionThread, Receive, Reply, Routes, Scope, header, read_body
from heron.serving.scoring import invocations
from heron.version import __version__

MODEL_PATH_ENV = "__pyfunc_model_path__"
MODEL_CONFIG_ENV = "SERVING_MODEL_CONFIG"
_SQLSTATE_BY_CLASS = {"SCHEMA_ENFORCEMENT_FAILED": "KAM01"}


def error_answer(error: HeronError) -> tuple[bytes, int]:
    """MLflow's error JSON for ``error`` (schema failures keep their own error class)."""
    import orjson

    body = error_body(error)
    error_class = getattr(error, "error_class", None)
    if isinstance(error_class, str) and error_class in _SQLSTATE_BY_CLASS:
        body["error_class"], body["sqlstate"] = error_class, _SQLSTATE_BY_CLASS[error_class]
    return orjson.dumps(body), error.http_status


def create_app(model: Any, timeout: float | None = None, max_body_size: int | None = None) -> Any:
    """The scoring app (an ASGI application) for a loaded pyfunc model.

    Args:
        model: A :class:`heron.pyfunc.PyFuncModel` (anything with ``metadata`` and
            ``predict(data, params=...)``).
        timeout: Seconds a request may take (default ``HERON_SCORING_SERVER_REQUEST_TIMEOUT``
            / ``MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT``, 60).
        max_body_size: Largest request body in bytes (default
            ``HERON_SCORING_SERVER_MAX_BODY_SIZE``, 64 MiB).
    """
    seconds = float(SCORING_SERVER_REQUEST_TIMEOUT.get(timeout) or 60)
    limit = int(SCORING_SERVER_MAX_BODY_SIZE.get(max_body_size) or 64 * 1024 * 1024)
    os.environ["_MLFLOW_IS_IN_SERVING_ENVIRONMENT"] = "true"
    # Predictions take the GIL: one thread runs them in turn (no thrashing between
    # threads, shorter tails); a timed-out request still answers 504 while it waits.
    predictions = PredictionThread()
    too_big = (
        f"The request body is larger than the scoring server's limit of {limit} bytes; send "
        "smaller batches or raise HERON_SCORING_SERVER_MAX_BODY_SIZE."
    )
    pong = Reply(b"\n", 200 if model is not None else 404)
    version_reply = Reply(__version__.encode())

    async def ping(scope: Scope, receive: Receive) -> Reply:
        return pong

    async def version(scope: Scope, receive: Receive) -> Reply:
        return version_reply

    async def predict(scope: Scope, receive: Receive) -> Reply:
        try:
            body = await read_body(scope, receive, limit, BadRequest(too_big))
            content_type = header(scope, b"content-type")
            answer = await predictions.run(
                functools.partial(invocations, body, content_type, model), seconds
            )
        except HeronError as error:
            content, status = error_answer(error)
            return Reply(content, status)
        except TimeoutError:
            return Reply(b"Request processing time exceeded limit", 504)
        return Reply(answer.body, answer.status, answer.media_type)

    return Routes(
        {
            "/ping": {"GET": ping},
            "/health": {"GET": ping},
            "/version": {"GET": version},
            "/invocations": {"POST": predict},
        }
    )


def load_served_model(model_uri: str) -> Any:
    """Load the model to serve, with ``SERVING_MODEL_CONFIG`` (JSON) as its model config."""
    import json

    from heron.pyfunc import load_model

    config_text = os.environ.get(MODEL_CONFIG_ENV)
    config = json.loads(config_text) if config_text else None
    return load_model(model_uri, model_config=config)


def app_from_env() -> Any:
    """The app of a worker process: the model named by ``__pyfunc_model_path__``."""
    model_uri = os.environ.get(MODEL_PATH_ENV)
    if not model_uri:
        raise HeronError(f"No model to serve: {MODEL_PATH_ENV} is not set")
    return create_app(load_served_model(model_uri))
