"""Run the server under uvicorn: in this process for one worker, else N worker processes.

Worker processes build their application from ``HERON_SERVER_*`` variables
(:func:`heron.server.app.app_from_env`), which :func:`serve` sets from the settings. At
start-up, the files uploads interrupted by a crash left in local artifact roots are removed
in the background (:func:`remove_partial_uploads`).
"""

from __future__ import annotations

import logging
import os
import shlex
import threading
from typing import Any

from heron.exceptions import HeronError, InvalidParameter
from heron.server.settings import ServerSettings

APP_FACTORY = "heron.server.app:app_from_env"
_log = logging.getLogger(__name__)
_DEFAULTS: dict[str, Any] = {
    "loop": "auto",  # uvloop when installed
    "http": "auto",  # httptools when installed
    "access_log": False,
    "log_level": "info",
    "timeout_keep_alive": 30,
}


_RESERVED = frozenset({"app", "host", "port", "workers", "factory", "reload", "uds", "fd"})


def uvicorn_options(text: str | None) -> dict[str, Any]:
    """``--uvicorn-opts`` (uvicorn's own command-line options) as ``uvicorn.run`` arguments.

    Only the options given are returned, e.g. ``"--log-level debug --access-log"`` gives
    ``{"log_level": "debug", "access_log": True}``.
    """
    if not text or not text.strip():
        return {}
    import click
    import uvicorn

    command: click.Command = uvicorn.main  # uvicorn's own command line
    try:
        context = command.make_context(
            "uvicorn", [*shlex.split(text), APP_FACTORY], resilient_parsing=False
        )
    except click.ClickException as error:
        raise InvalidParameter(
            f"Invalid --uvicorn-opts {text!r}: {error.format_message()}"
        ) from None
    given = {
        name: value
        for name, value in context.params.items()
        if context.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
        and name not in _RESERVED
    }
    return given


def serve(
    settings: ServerSettings,
    port: int,
    workers: int = 1,
    extra_options: str | None = None,
    reload: bool = False,
) -> None:
    """Serve until interrupted.

    With one worker the server listens at once and opens its stores in the background;
    if they cannot be opened (a bad URI, an out-of-date schema), it stops and this raises
    the error. With several, the stores are opened here first (so a fresh database is
    created once), then the worker processes start.

    Args:
        settings: What to serve.
        port: The TCP port (the address is ``settings.host``).
        workers: Worker processes; 1 serves from this process.
        extra_options: ``--uvicorn-opts`` text.
        reload: Restart the server when Heron's source changes (``heron server --dev``).
    """
    import uvicorn

    options: dict[str, Any] = {**_DEFAULTS, **uvicorn_options(extra_options)}
    options.update(host=settings.host, port=port)
    threading.Thread(
        target=remove_partial_uploads, args=(settings,), name="heron-partials", daemon=True
    ).start()
    if workers > 1 or reload:
        if not settings.artifacts_only:
            open_stores(settings)
        os.environ.update(settings.to_env())
        if reload:
            package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            options.update(reload=True, reload_dirs=[package])
        else:
            options.update(workers=workers)
        uvicorn.run(APP_FACTORY, factory=True, **options)
        return
    from heron.server.app import create_app
    from heron.server.services import Services

    services = Services(settings)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, services), **options))
    if not settings.artifacts_only:
        services.warm_up(on_failure=lambda error: setattr(server, "should_exit", True))
    server.run()
    if services.startup_error is not None:
        raise services.startup_error


def open_stores(settings: ServerSettings) -> None:
    """Open (creating or checking the schema) and close the backend store."""
    from heron.store.tracking import clear_store_cache, get_tracking_store

    get_tracking_store(settings.backend_store_uri, settings.artifact_root)
    clear_store_cache()


def local_artifact_roots(settings: ServerSettings) -> list[str]:
    """The server's artifact roots that are local directories."""
    from urllib.parse import urlsplit

    from heron.store.artifacts.local import local_path_from_uri

    roots = [settings.artifact_root]
    if settings.serve_artifacts:
        roots.append(settings.artifacts_destination)
    local = []
    for root in roots:
        scheme = urlsplit(root).scheme.lower()
        if len(scheme) <= 1 or scheme == "file":
            try:
                local.append(local_path_from_uri(root))
            except HeronError:
                continue
    return list(dict.fromkeys(local))


def remove_partial_uploads(settings: ServerSettings) -> None:
    """Remove what uploads interrupted by a crash left in the local artifact roots
    (:func:`heron.store.artifacts.staging.remove_partial_uploads`); run at start-up."""
    from heron.store.artifacts import staging

    for root in local_artifact_roots(settings):
        removed = staging.remove_partial_uploads(root)
        if removed:
            _log.info("Removed %d file(s) of interrupted uploads", removed)
