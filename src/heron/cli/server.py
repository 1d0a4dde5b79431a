"""``heron server`` (alias ``heron ui``): MLflow's tracking server options, on uvicorn."""

from __future__ import annotations

import errno
import socket

import click

from heron import config
from heron.cli.refusals import (
    GATEWAY,
    GUNICORN,
    PROMETHEUS,
    TRACING,
    WORKSPACES,
    refused_option,
)
from heron.exceptions import HeronError


def _env(name: str) -> list[str]:
    return [f"HERON_{name}", f"MLFLOW_{name}"]


@click.command(
    "server",
    short_help="Run the tracking server: REST API, artifacts, web UI.",
    help="Serve the tracking REST API (MLflow's) and the artifact proxy.\n\n"
    "With no options: ./heron.db and ./heron-artifacts on http://127.0.0.1:5000.",
)
@click.option(
    "--backend-store-uri",
    metavar="URI",
    default=None,
    envvar=_env("BACKEND_STORE_URI"),
    help="Where experiments and runs are stored: sqlite:///path or postgresql://... "
    f"[default: {config.DEFAULT_TRACKING_URI}, or ./mlruns if it holds MLflow data and "
    "there is no ./heron.db]",
)
@click.option(
    "--read-replica-backend-store-uri",
    metavar="URI",
    envvar=_env("READ_REPLICA_BACKEND_STORE_URI"),
    help="Accepted for MLflow compatibility: Heron reads from --backend-store-uri too "
    "(a warning says so).",
)
@click.option(
    "--registry-store-uri",
    metavar="URI",
    envvar=_env("REGISTRY_STORE_URI"),
    help="The model registry's store (default: the backend store).",
)
@click.option(
    "--default-artifact-root",
    metavar="URI",
    envvar=_env("DEFAULT_ARTIFACT_ROOT"),
    help="Artifact root of NEW experiments (default: mlflow-artifacts:/ when serving "
    "artifacts, so clients upload through this server; else ./heron-artifacts).",
)
@click.option(
    "--serve-artifacts/--no-serve-artifacts",
    default=True,
    show_default=True,
    envvar=_env("SERVE_ARTIFACTS"),
    help="Serve the artifact proxy (/api/2.0/mlflow-artifacts/...).",
)
@click.option(
    "--artifacts-destination",
    metavar="URI",
    default=config.DEFAULT_ARTIFACT_ROOT,
    show_default=True,
    envvar=_env("ARTIFACTS_DESTINATION"),
    help="Where proxied artifacts are stored: a local path, file:// or s3:// URI.",
)
@click.option(
    "--artifacts-only",
    is_flag=True,
    envvar=_env("ARTIFACTS_ONLY"),
    help="Serve only the artifact proxy; tracking endpoints answer 503.",
)
@click.option(
    "-h",
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar=_env("HOST"),
    help="The address to listen on (0.0.0.0 for every interface).",
)
@click.option(
    "-p",
    "--port",
    default=5000,
    show_default=True,
    type=int,
    envvar=_env("PORT"),
    help="The port to listen on.",
)
@click.option(
    "-w",
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    envvar=_env("WORKERS"),
    help="Worker processes (1 serves from this process).",
)
@click.option(
    "--static-prefix",
    default="",
    envvar=_env("STATIC_PREFIX"),
    help="A path prefix for every route, e.g. /heron.",
)
@click.option(
    "--allowed-hosts",
    metavar="LIST",
    envvar=["HERON_SERVER_ALLOWED_HOSTS", "MLFLOW_SERVER_ALLOWED_HOSTS"],
    help="Comma-separated Host header values accepted (patterns with *; * for any). "
    "Default: localhost names, private addresses and --host.",
)
@click.option(
    "--cors-allowed-origins",
    metavar="LIST",
    envvar=["HERON_SERVER_CORS_ALLOWED_ORIGINS", "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS"],
    help="Comma-separated origins whose pages may call the API (besides localhost ones).",
)
@click.option(
    "--disable-security-middleware",
    is_flag=True,
    envvar=[
        "HERON_SERVER_DISABLE_SECURITY_MIDDLEWARE",
        "MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE",
    ],
    help="DANGEROUS, for tests only: no Host check, no cross-origin checks, no security "
    "headers (DNS rebinding, CSRF and clickjacking become possible).",
)
@click.option(
    "--x-frame-options",
    default="SAMEORIGIN",
    show_default=True,
    envvar=["HERON_SERVER_X_FRAME_OPTIONS", "MLFLOW_SERVER_X_FRAME_OPTIONS"],
    help="X-Frame-Options of every response: SAMEORIGIN, DENY, or NONE (no header: the UI "
    "may be embedded in frames of any site).",
)
@click.option(
    "--dev",
    is_flag=True,
    help="Debug logging, and a restart whenever Heron's source changes (development only; "
    "not with --uvicorn-opts or --app-name).",
)
@click.option(
    "--app-name",
    type=click.Choice(["basic-auth"]),
    default=None,
    envvar=_env("APP_NAME"),
    help="basic-auth: users, permissions and tokens, configured by HERON_AUTH_CONFIG_PATH "
    "(MLflow's basic_auth.ini); see the README's Authentication section.",
)
@click.option(
    "--uvicorn-opts",
    metavar="OPTIONS",
    envvar=_env("UVICORN_OPTS"),
    help='Extra uvicorn options, e.g. "--log-level debug --access-log".',
)
@refused_option("--gunicorn-opts", reason=GUNICORN)
@refused_option("--waitress-opts", reason=GUNICORN)
@refused_option("--expose-prometheus", reason=PROMETHEUS)
@refused_option("--trace-archival-config", reason=TRACING)
@refused_option("--secrets-cache-ttl", reason=GATEWAY)
@refused_option("--secrets-cache-max-size", reason=GATEWAY)
@refused_option("--workspace-store-uri", reason=WORKSPACES)
@refused_option("--enable-workspaces/--disable-workspaces", reason=WORKSPACES, default=False)
def server(
    backend_store_uri: str | None,
    read_replica_backend_store_uri: str | None,
    registry_store_uri: str | None,
    default_artifact_root: str | None,
    serve_artifacts: bool,
    artifacts_destination: str,
    artifacts_only: bool,
    host: str,
    port: int,
    workers: int,
    static_prefix: str,
    allowed_hosts: str | None,
    cors_allowed_origins: str | None,
    disable_security_middleware: bool,
    x_frame_options: str,
    dev: bool,
    app_name: str | None,
    uvicorn_opts: str | None,
) -> None:
    """Run the tracking server until interrupted."""
    from heron.server.serve import serve, uvicorn_options
    from heron.server.settings import WILDCARD_BINDS, ServerSettings, split_list

    if artifacts_only and not serve_artifacts:
        raise click.UsageError("--artifacts-only needs --serve-artifacts")
    if dev and uvicorn_opts:
        raise click.UsageError("'--dev' and '--uvicorn-opts' cannot be specified together.")
    if dev and app_name:
        raise click.UsageError("'--dev' cannot be used with '--app-name'.")
    if dev and workers > 1:
        raise click.UsageError("'--dev' serves from one process: leave out --workers.")
    if x_frame_options.strip().upper() not in ("SAMEORIGIN", "DENY", "NONE", ""):
        raise click.BadParameter(
            f"{x_frame_options!r}: use SAMEORIGIN, DENY or NONE", param_hint="--x-frame-options"
        )
    if read_replica_backend_store_uri:
        click.echo(
            "WARNING: Heron does not route reads to a replica: "
            "--read-replica-backend-store-uri is ignored, every query goes to "
            "--backend-store-uri.",
            err=True,
        )
    settings = ServerSettings(
        backend_store_uri=backend_store_uri or config.default_tracking_uri(),
        registry_store_uri=registry_store_uri,
        default_artifact_root=default_artifact_root,
        serve_artifacts=serve_artifacts,
        artifacts_destination=artifacts_destination,
        artifacts_only=artifacts_only,
        static_prefix=static_prefix,
        host=host,
        port=port,
        allowed_hosts=split_list(allowed_hosts),
        cors_allowed_origins=split_list(cors_allowed_origins),
        app_name=app_name or "",
        x_frame_options=x_frame_options,
        security_middleware=not disable_security_middleware,
    )
    if not app_name and host not in ("127.0.0.1", "localhost", "::1", "[::1]"):
        click.echo(
            f"WARNING: Heron is listening on {host} without authentication: anyone who can "
            "reach this address can read, change and delete every experiment and model. "
            "Start it with --app-name basic-auth, or bind 127.0.0.1.",
            err=True,
        )
    if not dev:
        uvicorn_options(uvicorn_opts)  # a mistake there is told first
    _refuse_a_busy_port(host, port)
    if not artifacts_only:
        shown = "127.0.0.1" if host in WILDCARD_BINDS else host
        shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
        click.echo(f"Heron UI: http://{shown}:{port}{settings.static_prefix}/", err=True)
    try:
        serve(settings, port, workers, "--log-level debug" if dev else uvicorn_opts, reload=dev)
    except HeronError as error:
        raise click.ClickException(error.message) from error


def _refuse_a_busy_port(host: str, port: int) -> None:
    """Stop before printing the UI's address when another server listens on the port (whose
    page the user would open instead), with a hint; other bind errors are uvicorn's to tell."""
    address = host.strip("[]")
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((address, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                return
            raise click.ClickException(
                f"Port {port} on {host} is busy (address already in use): another server "
                "listens there. Stop it, or choose another port with --port."
            ) from error
