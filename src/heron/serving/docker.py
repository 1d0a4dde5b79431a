"""``heron models generate-dockerfile`` / ``build-docker``: a self-contained image that serves
a model on port 8080 with ``heron models serve``.

The build context holds the Dockerfile, the model (``model/``), the running Heron's package
(``heron/``, so no registry needs to hold this Heron) and ``requirements.txt``: Heron's
runtime libraries plus the model's own requirements (MLflow itself is left out: Heron serves
the model). The image runs as a non-root user and has a health check on ``/ping``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from importlib import metadata

from heron.exceptions import HeronError, InvalidParameter

DEFAULT_IMAGE_NAME = "heron-pyfunc-servable"
MODEL_DIR_IN_IMAGE = "/opt/ml/model"
PORT = 8080
_MLFLOW = re.compile(r"^\s*mlflow(-skinny)?\s*([=<>!~;\[@ ]|$)", re.IGNORECASE)

_HEALTH_CHECK = (
    "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/ping', timeout=4)"
)
_DOCKERFILE = """\
# Serves an MLflow-format model with Heron: docker run -p {port}:{port} <image>
FROM {base_image}

ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONPATH=/opt/heron/lib

{install_java}RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin heron
WORKDIR /opt/heron

COPY requirements.txt /opt/heron/requirements.txt
RUN python -m pip install -r /opt/heron/requirements.txt
COPY heron /opt/heron/lib/heron
{copy_model}
USER heron
EXPOSE {port}
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \\
    CMD ["python", "-c", "{health_check}"]
ENTRYPOINT ["python", "-m", "heron", "models", "serve", "-m", "{model_dir}", \\
            "--env-manager", "local", "-h", "0.0.0.0", "-p", "{port}"]
"""


def heron_requirements() -> list[str]:
    """The running Heron's runtime requirements (no extras) plus what models need to load."""
    try:
        declared = metadata.requires("heron") or []
    except metadata.PackageNotFoundError:
        declared = []
    base = [line for line in declared if "extra ==" not in line]
    return [*base, "pandas>=2.0", "numpy>=1.24", "cloudpickle>=2.2"]


def _model_requirements(model_dir: str) -> list[str]:
    path = os.path.join(model_dir, "requirements.txt")
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as handle:
        lines = [line.strip() for line in handle]
    # Options (-r, -c, --index-url) point at files or places outside the context: left out.
    return [line for line in lines if line and line[0] not in "#-" and not _MLFLOW.match(line)]


def _base_image(model_dir: str | None) -> str:
    version = None
    if model_dir is not None:
        from heron.models.model import Model

        conf = Model.load(model_dir).flavors.get("python_function", {})
        version = str(conf.get("python_version") or "") or None
    if version is None:
        import platform

        version = platform.python_version()
    major_minor = ".".join(version.split(".")[:2])
    return f"python:{major_minor}-slim"


_INSTALL_JAVA = (
    "RUN apt-get update && apt-get install -y --no-install-recommends default-jre-headless \\\n"
    "    && rm -rf /var/lib/apt/lists/*\n"
)
#: Flavors whose models need a Java runtime; MLflow installs Java for these by default.
JAVA_FLAVORS = ("spark", "h2o", "johnsnowlabs")


def heron_source(mlflow_home: str | None) -> str:
    """The ``heron`` package to copy into the image: the running one, or the one of a local
    source tree (``--mlflow-home``: a directory holding ``src/heron`` or ``heron``).

    Raises:
        InvalidParameter: The directory holds no Heron package.
    """
    if mlflow_home is None:
        import heron

        return os.path.dirname(os.path.abspath(heron.__file__))
    for candidate in (
        os.path.join(mlflow_home, "src", "heron"),
        os.path.join(mlflow_home, "heron"),
    ):
        if os.path.isfile(os.path.join(candidate, "__init__.py")):
            return candidate
    raise InvalidParameter(
        f"--mlflow-home {mlflow_home!r} holds no Heron source (src/heron or heron/ package)"
    )


def _needs_java(model_dir: str | None) -> bool:
    if model_dir is None:
        return False
    from heron.models.model import Model

    return any(flavor in JAVA_FLAVORS for flavor in Model.load(model_dir).flavors)


def generate_dockerfile(
    model_uri: str | None,
    output_directory: str,
    base_image: str | None = None,
    install_java: bool | None = None,
    mlflow_home: str | None = None,
) -> str:
    """Write a Dockerfile and its build context; the directory.

    Args:
        model_uri: The model to put in the image; None for an image that serves a model
            mounted at ``/opt/ml/model`` at run time.
        output_directory: Where the context goes (created; must be empty if it exists).
        base_image: The ``FROM`` image (default ``python:<model's x.y>-slim``).
        install_java: Install a Java runtime (None: when the model has a Spark, H2O or
            John Snow Labs flavor, as MLflow does).
        mlflow_home: A local Heron source tree whose package goes into the image instead
            of the running Heron's.

    Raises:
        InvalidParameter: The output directory exists and is not empty, or ``mlflow_home``
            holds no Heron package.
        NotFound: No model at the URI.
    """
    package = heron_source(mlflow_home)
    if os.path.isdir(output_directory) and os.listdir(output_directory):
        raise InvalidParameter(
            f"Output directory {output_directory!r} is not empty; choose a new or empty one"
        )
    os.makedirs(output_directory, exist_ok=True)
    model_dir = None
    if model_uri is not None:
        from heron.artifacts import download_model

        model_dir = os.path.join(output_directory, "model")
        scratch = os.path.join(output_directory, ".download")
        shutil.move(download_model(model_uri, scratch), model_dir)
        shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(
        package,
        os.path.join(output_directory, "heron"),
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    requirements = heron_requirements() + (_model_requirements(model_dir) if model_dir else [])
    with open(os.path.join(output_directory, "requirements.txt"), "w", encoding="utf-8") as out:
        out.write("\n".join(dict.fromkeys(requirements)) + "\n")
    copy_model = f"COPY --chown=heron model {MODEL_DIR_IN_IMAGE}\n" if model_dir is not None else ""
    java = _needs_java(model_dir) if install_java is None else install_java
    text = _DOCKERFILE.format(
        base_image=base_image or _base_image(model_dir),
        install_java=_INSTALL_JAVA if java else "",
        copy_model=copy_model,
        port=PORT,
        model_dir=MODEL_DIR_IN_IMAGE,
        health_check=_HEALTH_CHECK.format(port=PORT),
    )
    with open(os.path.join(output_directory, "Dockerfile"), "w", encoding="utf-8") as out:
        out.write(text)
    return output_directory


def docker_engine_problem() -> str | None:
    """Why no image can be built here (no client, no running engine), or None."""
    if shutil.which("docker") is None:
        return "the docker command is not installed"
    done = subprocess.run(
        ["docker", "info", "--format", "{{.ServerVersion}}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    if done.returncode != 0 or not done.stdout.strip():
        reason = (done.stderr.strip().splitlines() or ["no answer"])[-1]
        return f"no Docker engine is running ({reason})"
    return None


def build_docker(
    model_uri: str | None = None,
    name: str = DEFAULT_IMAGE_NAME,
    env_manager: str = "local",
    base_image: str | None = None,
    install_mlflow: bool = False,
    install_java: bool | None = None,
    mlflow_home: str | None = None,
) -> None:
    """Build an image serving the model on port 8080 (``docker run -p 8080:8080 <name>``).

    Args:
        model_uri: The model (None: one mounted at ``/opt/ml/model`` at run time).
        name: The image's name (tag).
        env_manager: Accepted for MLflow compatibility; the image installs the model's
            requirements with pip into its Python.
        base_image: The ``FROM`` image.
        install_mlflow: Accepted for MLflow compatibility (Heron is always in the image).
        install_java: Install a Java runtime (None: for Spark, H2O, John Snow Labs models).
        mlflow_home: A local Heron source tree to put in the image instead of this Heron.

    Raises:
        HeronError: No Docker engine, or the build failed.
    """
    import tempfile

    del env_manager, install_mlflow
    problem = docker_engine_problem()
    if problem is not None:
        raise HeronError(
            f"Cannot build the image: {problem}. Write the build context with "
            "`heron models generate-dockerfile` and build it where an engine runs."
        )
    with tempfile.TemporaryDirectory(prefix="heron-docker-") as scratch:
        context = generate_dockerfile(
            model_uri, os.path.join(scratch, "context"), base_image, install_java, mlflow_home
        )
        done = subprocess.run(["docker", "build", "-t", name, context], check=False)
        if done.returncode != 0:
            raise HeronError(f"docker build failed (exit {done.returncode})")
