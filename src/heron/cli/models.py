"""``heron models``: serve a model, predict a file, prepare its environment, package it.

The same options as ``mlflow models``, so a user changes only the command name.
"""

from __future__ import annotations

import sys

import click

ENV_MANAGER_CHOICE = click.Choice(["local", "virtualenv", "uv", "conda"], case_sensitive=False)

_model_uri = click.option(
    "--model-uri",
    "-m",
    required=True,
    metavar="URI",
    help="The model: runs:/<run_id>/<path>, models:/<name>/<version|stage|latest>, "
    "models:/<name>@<alias>, models:/m-<id>, a local path, s3://, mlflow-artifacts:/...",
)
_env_manager = click.option(
    "--env-manager",
    default="virtualenv",
    type=ENV_MANAGER_CHOICE,
    show_default=True,
    help="Where the model runs: its own environment built by virtualenv, uv or conda "
    "(cached by content hash), or local (this Python, nothing installed).",
)
_install_heron = click.option(
    "--install-heron",
    "--install-mlflow",
    "install_heron",
    is_flag=True,
    default=False,
    help="Install Heron from PyPI into the model's environment instead of linking the "
    "running Heron into it.",
)


@click.group("models", short_help="Serve, predict with and package models (Docker).")
def models() -> None:
    """Serve models, predict with them, and package them as Docker images."""


def _reexec_in_env(
    model_uri: str,
    env_manager: str,
    install_heron: bool,
    arguments: list[str],
    overrides: list[str] | None = None,
) -> None:
    """Run this command again inside the model's environment; exit with its code."""
    from heron.serving.isolation import local_model, prepare_model_environment, run_in_environment

    path = local_model(model_uri)
    environment = prepare_model_environment(path, env_manager, install_heron, overrides)
    code = run_in_environment(environment, ["models", *arguments, "-m", path])
    if code:
        sys.exit(code)


@models.command("serve")
@_model_uri
@click.option(
    "--port",
    "-p",
    default=5000,
    show_default=True,
    type=int,
    envvar=["HERON_PORT", "MLFLOW_PORT"],
    help="Port to listen on.",
)
@click.option(
    "--host",
    "-h",
    default="127.0.0.1",
    show_default=True,
    envvar=["HERON_HOST", "MLFLOW_HOST"],
    help="Address to bind.",
)
@click.option(
    "--timeout",
    "-t",
    default=60,
    show_default=True,
    type=float,
    envvar=["HERON_SCORING_SERVER_REQUEST_TIMEOUT", "MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT"],
    help="Seconds a request may take before it is answered 504.",
)
@click.option(
    "--workers",
    "-w",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    envvar=["HERON_MODELS_WORKERS", "MLFLOW_MODELS_WORKERS"],
    help="Worker processes.",
)
@_env_manager
@click.option("--no-conda", is_flag=True, hidden=True, help="Same as --env-manager local.")
@_install_heron
def serve(
    model_uri: str,
    port: int,
    host: str,
    timeout: float,
    workers: int,
    env_manager: str,
    no_conda: bool,
    install_heron: bool,
) -> None:
    """Serve a model's predictions over HTTP (POST /invocations), as `mlflow models serve`."""
    env_manager = "local" if no_conda else env_manager.lower()
    if env_manager != "local":
        arguments = ["serve", "-p", str(port), "-h", host, "-w", str(workers)]
        arguments += ["--env-manager", "local", "-t", str(timeout)]
        _reexec_in_env(model_uri, env_manager, install_heron, arguments)
        return
    from heron.serving.server import serve as run_server

    run_server(model_uri, port=port, host=host, workers=workers, timeout=timeout)


@models.command("predict")
@_model_uri
@click.option("--input-path", "-i", default=None, help="Input file (JSON or CSV); stdin if absent.")
@click.option("--output-path", "-o", default=None, help="Output JSON file; stdout if absent.")
@click.option(
    "--content-type",
    "-t",
    default="json",
    show_default=True,
    type=click.Choice(["json", "csv"], case_sensitive=False),
    help="Format of the input.",
)
@_env_manager
@_install_heron
@click.option(
    "--pip-requirements-override",
    "-r",
    default=None,
    help="Requirements that win over the model's, comma separated (x==1,y==2).",
)
@click.option(
    "--env",
    "extra_env",
    multiple=True,
    metavar="KEY=VALUE",
    help="Environment variables set while the model runs.",
)
def predict(
    model_uri: str,
    input_path: str | None,
    output_path: str | None,
    content_type: str,
    env_manager: str,
    install_heron: bool,
    pip_requirements_override: str | None,
    extra_env: tuple[str, ...],
) -> None:
    """Predict a JSON or CSV file with a model and write the predictions as JSON."""
    from heron.serving.batch import predict as predict_api

    predict_api(
        model_uri,
        input_path=input_path,
        output_path=output_path,
        content_type=content_type.lower(),
        env_manager=env_manager.lower(),
        install_mlflow=install_heron,
        pip_requirements_override=pip_requirements_override,
        extra_envs=dict(_pair(item) for item in extra_env),
    )


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--env")
    return key, value


@models.command("prepare-env")
@_model_uri
@_env_manager
@_install_heron
def prepare_env(model_uri: str, env_manager: str, install_heron: bool) -> None:
    """Build (or find in the cache) the model's environment, so serving starts at once."""
    from heron.serving.isolation import local_model, prepare_model_environment

    environment = prepare_model_environment(local_model(model_uri), env_manager, install_heron)
    click.echo(f"Environment ready: {environment.prefix}")


_base_image = click.option(
    "--base-image",
    default=None,
    help="The image to build on (default: python:<the model's Python x.y>-slim).",
)
_mlflow_home = click.option(
    "--mlflow-home",
    default=None,
    metavar="PATH",
    help="A local Heron source tree (holding src/heron) to put in the image instead of the "
    "running Heron. For development.",
)
_install_java = click.option(
    "--install-java",
    is_flag=False,
    flag_value=True,
    default=None,
    type=bool,
    help="Install a Java runtime in the image (default: for Spark, H2O and John Snow Labs "
    "models only).",
)


@models.command("generate-dockerfile")
@click.option("--model-uri", "-m", default=None, metavar="URI", help="The model to put in.")
@click.option(
    "--output-directory",
    "-d",
    default="heron-dockerfile",
    show_default=True,
    help="Where the Dockerfile and its build context are written.",
)
@_env_manager
@_mlflow_home
@_install_java
@_base_image
@_install_heron
def generate_dockerfile(
    model_uri: str | None,
    output_directory: str,
    env_manager: str,
    mlflow_home: str | None,
    install_java: bool | None,
    base_image: str | None,
    install_heron: bool,
) -> None:
    """Write a Dockerfile (and build context) for an image serving the model on port 8080."""
    from heron.serving.docker import generate_dockerfile as generate

    del env_manager, install_heron
    written = generate(model_uri, output_directory, base_image, install_java, mlflow_home)
    click.echo(f"Wrote {written}/Dockerfile")


@models.command("build-docker")
@click.option("--model-uri", "-m", default=None, metavar="URI", help="The model to put in.")
@click.option("--name", "-n", default="heron-pyfunc-servable", show_default=True)
@_env_manager
@_mlflow_home
@_install_java
@_base_image
@_install_heron
def build_docker(
    model_uri: str | None,
    name: str,
    env_manager: str,
    mlflow_home: str | None,
    install_java: bool | None,
    base_image: str | None,
    install_heron: bool,
) -> None:
    """Build a Docker image serving the model on port 8080 (needs a running engine)."""
    from heron.serving.docker import build_docker as build

    build(
        model_uri, name, env_manager=env_manager, base_image=base_image,
        install_java=install_java, mlflow_home=mlflow_home,
    )  # fmt: skip


@models.command("update-pip-requirements")
@_model_uri
@click.argument("operation", type=click.Choice(["add", "remove"]))
@click.argument("requirement_strings", nargs=-1)
def update_pip_requirements(
    model_uri: str, operation: str, requirement_strings: tuple[str, ...]
) -> None:
    """Add or remove requirements in a model's requirements.txt and conda.yaml.

    \b
    heron models update-pip-requirements -m runs:/<id>/model add pandas==2.2 numpy
    heron models update-pip-requirements -m ./model remove torchvision

    Adding replaces a requirement of the same package; removing ignores version
    specifiers. Registered versions (models:/<name>/...) are read-only.
    """
    from heron.model_files import update_model_requirements

    update_model_requirements(
        model_uri, "add" if operation == "add" else "remove", list(requirement_strings)
    )
    click.echo(f"Successfully updated the requirements for the model at {model_uri}!")
