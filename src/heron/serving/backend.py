"""The python_function :class:`~heron.models.FlavorBackend`: predict, serve, environments, images.

``PyFuncBackend(config, env_manager="virtualenv")`` deploys any model with a python_function
flavor locally, through Heron's own pieces: batch prediction (:mod:`heron.serving.batch`),
the scoring server (``heron models serve``), environments (:mod:`heron.serving.isolation`)
and images (:mod:`heron.serving.docker`). As MLflow's ``PyFuncBackend``.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from heron.environments import validate_env_manager
from heron.models.flavor_backend import FlavorBackend


class PyFuncBackend(FlavorBackend):
    """Local deployment of python_function models.

    Args:
        config: The python_function block of the model's MLmodel.
        env_manager: ``local``, ``virtualenv`` (default), ``uv`` or ``conda``.
        install_mlflow: Install Heron from PyPI into the environment instead of linking it.
        **kwargs: Accepted for MLflow compatibility.
    """

    def __init__(
        self,
        config: dict[str, Any],
        env_manager: str = "virtualenv",
        install_mlflow: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(config, **kwargs)
        self._env_manager = validate_env_manager(env_manager)
        self._install_mlflow = install_mlflow

    def prepare_env(self, model_uri: str, capture_output: bool = False) -> Any:
        """Build (or reuse) the model's environment; the :class:`Environment`."""
        from heron.serving.isolation import local_model, prepare_model_environment

        return prepare_model_environment(
            local_model(model_uri), self._env_manager, self._install_mlflow
        )

    def predict(
        self, model_uri: str, input_path: str | None, output_path: str | None, content_type: str
    ) -> None:
        """Write ``{"predictions": ...}`` for a JSON or CSV input (stdin/stdout when None)."""
        from heron.serving.batch import predict

        predict(
            model_uri,
            input_path=input_path,
            content_type=content_type,
            output_path=output_path,
            env_manager=self._env_manager,
            install_mlflow=self._install_mlflow,
        )

    def serve(
        self,
        model_uri: str,
        port: int,
        host: str,
        timeout: int,
        synchronous: bool = True,
        stdout: Any = None,
        stderr: Any = None,
    ) -> Any:
        """Run ``heron models serve`` for the model.

        Returns:
            With ``synchronous``, 0 once the server exits (an error if it fails); otherwise
            the server's ``Popen``.
        """
        command = [sys.executable, "-m", "heron", "models", "serve", "-m", model_uri]
        command += ["-p", str(port), "-h", host, "--env-manager", self._env_manager]
        if timeout:
            command += ["-t", str(timeout)]
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
        if not synchronous:
            return process
        if process.wait() != 0:
            raise subprocess.CalledProcessError(process.returncode, command)
        return 0

    def build_image(
        self,
        model_uri: str,
        image_name: str,
        install_java: bool = False,
        install_mlflow: bool = False,
        mlflow_home: str | None = None,
        base_image: str | None = None,
    ) -> None:
        """Build a Docker image serving the model (see :func:`heron.models.build_docker`)."""
        from heron.serving.docker import build_docker

        build_docker(
            model_uri,
            image_name,
            env_manager=self._env_manager,
            base_image=base_image,
            install_mlflow=install_mlflow,
            install_java=install_java,
            mlflow_home=mlflow_home,
        )

    def generate_dockerfile(
        self,
        model_uri: str,
        output_dir: str,
        install_java: bool = False,
        install_mlflow: bool = False,
        mlflow_home: str | None = None,
        base_image: str | None = None,
    ) -> None:
        """Write the image's build context (Dockerfile, model, Heron) into ``output_dir``."""
        from heron.serving.docker import generate_dockerfile

        generate_dockerfile(model_uri, output_dir, base_image, install_java, mlflow_home)

    def can_score_model(self) -> bool:
        """True: a python_function model is served by Heron in any environment it builds."""
        return True


def get_flavor_backend(model_uri: str | None, **kwargs: Any) -> PyFuncBackend | None:
    """The backend that deploys a model: python_function models get :class:`PyFuncBackend`.

    Args:
        model_uri: The model (None: a backend for models known later).
        **kwargs: Backend options (``env_manager``, ``install_mlflow``).

    Returns:
        None when the model has no python_function flavor.
    """
    if model_uri is None:
        return PyFuncBackend({}, **kwargs)
    from heron.artifacts import download_model
    from heron.models.model import Model

    flavors = Model.load(download_model(model_uri)).flavors
    config = flavors.get("python_function")
    return None if config is None else PyFuncBackend(config, **kwargs)
