"""Run the scoring server under uvicorn: one worker in this process, or N worker processes.

The model is downloaded once (a remote URI to a local directory) before any worker starts;
workers find it in ``__pyfunc_model_path__`` as MLflow's do.
"""

from __future__ import annotations

import os
from typing import Any

from heron.exceptions import InvalidParameter
from heron.serving.app import MODEL_PATH_ENV, app_from_env, create_app, load_served_model

APP_FACTORY = "heron.serving.app:app_from_env"
_OPTIONS: dict[str, Any] = {
    "loop": "auto",  # uvloop when installed
    "http": "auto",  # httptools when installed
    "access_log": False,
    "log_level": "info",
    "timeout_keep_alive": 30,
}

__all__ = ["APP_FACTORY", "app_from_env", "serve"]


def serve(
    model_uri: str,
    port: int = 5000,
    host: str = "127.0.0.1",
    workers: int = 1,
    timeout: float | None = None,
    model_path: str | None = None,
) -> None:
    """Serve a model's predictions until interrupted.

    Args:
        model_uri: Any model URI Heron loads (``runs:/``, ``models:/``, a path, ...).
        port: TCP port.
        host: Address to bind.
        workers: uvicorn worker processes (1 serves from this process).
        timeout: Seconds a request may take before it is answered 504.
        model_path: The model already downloaded to this directory (skips the download).

    Raises:
        InvalidParameter: ``workers`` below 1.
        NotFound: No model at the URI.
    """
    import uvicorn

    if workers < 1:
        raise InvalidParameter(f"--workers must be at least 1, got {workers}")
    if timeout is not None:
        os.environ["HERON_SCORING_SERVER_REQUEST_TIMEOUT"] = str(timeout)
    options = {**_OPTIONS, "host": host, "port": port}
    if workers == 1:
        model = load_served_model(model_path or model_uri)
        uvicorn.run(create_app(model, timeout=timeout), **options)
        return
    if model_path is None:
        from heron.artifacts import download_model

        model_path = download_model(model_uri)
    os.environ[MODEL_PATH_ENV] = model_path
    uvicorn.run(APP_FACTORY, factory=True, workers=workers, **options)
