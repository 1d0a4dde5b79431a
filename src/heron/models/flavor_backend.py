"""``FlavorBackend``: the contract of a flavor's local deployment (``mlflow.models``' name).

A backend predicts from a file or stdin, serves a model over HTTP, prepares its environment
and builds a Docker image for it. Heron's implementation for python_function models is
:class:`heron.serving.backend.PyFuncBackend` (``get_flavor_backend(model_uri)``).
"""

from __future__ import annotations

import abc
from typing import Any


class FlavorBackend(abc.ABC):
    """Local deployment of models of one flavor.

    Args:
        config: The flavor's block of the MLmodel file.
        **kwargs: Backend options (for example ``env_manager``).
    """

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        self._config = config

    @abc.abstractmethod
    def predict(
        self, model_uri: str, input_path: str | None, output_path: str | None, content_type: str
    ) -> None:
        """Write predictions for an input file (stdin when None) to a file (stdout when None).

        Args:
            model_uri: The model.
            input_path: The input file; stdin when None.
            output_path: The output file; stdout when None.
            content_type: ``json`` or ``csv``.
        """

    @abc.abstractmethod
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
        """Serve the model over HTTP.

        Returns:
            With ``synchronous``, 0 once the server exits; otherwise its ``Popen``.
        """

    def prepare_env(self, model_uri: str, capture_output: bool = False) -> Any:  # noqa: B027
        """Build what ``predict`` and ``serve`` need (an environment); nothing by default."""

    @abc.abstractmethod
    def build_image(
        self,
        model_uri: str,
        image_name: str,
        install_java: bool = False,
        install_mlflow: bool = False,
        mlflow_home: str | None = None,
        base_image: str | None = None,
    ) -> None:
        """Build a Docker image that serves the model."""

    @abc.abstractmethod
    def generate_dockerfile(
        self,
        model_uri: str,
        output_dir: str,
        install_java: bool = False,
        install_mlflow: bool = False,
        mlflow_home: str | None = None,
        base_image: str | None = None,
    ) -> None:
        """Write a Dockerfile (and the model) into ``output_dir`` without building it."""

    @abc.abstractmethod
    def can_score_model(self) -> bool:
        """Whether this backend can serve the model in the current environment."""

    def can_build_image(self) -> bool:
        """Whether this backend defines ``build_image``."""
        return callable(getattr(self.__class__, "build_image", None))
