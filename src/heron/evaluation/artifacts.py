"""Artifacts ``evaluate`` writes: plots, tables and the user's ``custom_artifacts``.

Everything is written to one local directory first and uploaded in one call; each artifact
is returned as an :class:`~heron.evaluation.result.EvaluationArtifact` whose content loads
from the local copy.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable
from typing import Any

from heron.evaluation import plots
from heron.evaluation.result import (
    CsvEvaluationArtifact,
    EvaluationArtifact,
    ImageEvaluationArtifact,
    JsonEvaluationArtifact,
)
from heron.exceptions import InvalidParameter

_logger = logging.getLogger(__name__)


class ArtifactSet:
    """Artifacts written to ``directory``, by name.

    Args:
        directory: Where files are written (uploaded as the run's artifact root).
    """

    def __init__(self, directory: str):
        self.directory = directory
        self._files: dict[str, tuple[str, type[EvaluationArtifact]]] = {}

    def image(self, name: str, draw: Callable[[Any], None]) -> None:
        """Draw a plot to ``<name>.png``."""
        file_name = f"{name}.png"
        if plots.save_plot(draw, os.path.join(self.directory, file_name)):
            self._files[name] = (file_name, ImageEvaluationArtifact)

    def figure(self, name: str, figure: Any) -> None:
        """Save a drawn matplotlib figure to ``<name>.png``."""
        file_name = f"{name}.png"
        figure.savefig(os.path.join(self.directory, file_name), bbox_inches="tight")
        self._files[name] = (file_name, ImageEvaluationArtifact)

    def table(self, name: str, frame: Any) -> None:
        """Write a DataFrame to ``<name>.csv``."""
        file_name = f"{name}.csv"
        frame.to_csv(os.path.join(self.directory, file_name), index=False)
        self._files[name] = (file_name, CsvEvaluationArtifact)

    def _store(self, name: str, value: Any) -> None:
        import pandas as pd

        if isinstance(value, (str, os.PathLike)) and os.path.isfile(value):
            file_name = f"{name}{os.path.splitext(os.fspath(value))[1]}"
            target = os.path.join(self.directory, file_name)
            if os.path.abspath(value) != os.path.abspath(target):
                shutil.copyfile(value, target)
            kind = {".png": ImageEvaluationArtifact, ".csv": CsvEvaluationArtifact}.get(
                os.path.splitext(file_name)[1].lower(), EvaluationArtifact
            )
            if file_name.endswith(".json"):
                kind = JsonEvaluationArtifact
            self._files[name] = (file_name, kind)
        elif isinstance(value, pd.DataFrame):
            self.table(name, value)
        elif hasattr(value, "savefig"):
            value.savefig(os.path.join(self.directory, f"{name}.png"))
            self._files[name] = (f"{name}.png", ImageEvaluationArtifact)
        elif hasattr(value, "save") and type(value).__module__.startswith("PIL"):
            value.save(os.path.join(self.directory, f"{name}.png"))
            self._files[name] = (f"{name}.png", ImageEvaluationArtifact)
        else:
            try:
                text = json.dumps(value)
            except TypeError as error:
                raise InvalidParameter(
                    f"Custom artifact {name!r} is a {type(value).__name__}: return a file path, "
                    "a DataFrame, a figure, an image or a JSON-serializable value."
                ) from error
            with open(os.path.join(self.directory, f"{name}.json"), "w", encoding="utf-8") as out:
                out.write(text)
            self._files[name] = (f"{name}.json", JsonEvaluationArtifact)

    def custom(
        self, function: Callable[..., Any], columns: dict[str, Any], metrics: dict[str, float]
    ) -> None:
        """Run a ``custom_artifacts`` function and store what it returns.

        Raises:
            InvalidParameter: It returned something other than a dict, or an unstorable value.
        """
        import pandas as pd

        eval_df = pd.DataFrame({"prediction": columns["predictions"]})
        if "targets" in columns:
            eval_df["target"] = columns["targets"].to_numpy()
        scratch = os.path.join(self.directory, ".custom")
        os.makedirs(scratch, exist_ok=True)
        produced = function(eval_df, dict(metrics), scratch)
        if not isinstance(produced, dict):
            raise InvalidParameter(
                f"Custom artifact function {getattr(function, '__name__', function)!r} must "
                f"return a dict of artifact name -> artifact, not {type(produced).__name__}."
            )
        for name, value in produced.items():
            self._store(str(name), value)

    def results(self, artifact_uri: str) -> dict[str, EvaluationArtifact]:
        """Artifact name -> EvaluationArtifact, with URIs under ``artifact_uri``."""
        return {
            name: kind(
                f"{artifact_uri.rstrip('/')}/{file_name}", os.path.join(self.directory, file_name)
            )
            for name, (file_name, kind) in self._files.items()
        }

    def upload(self, client: Any, run_id: str) -> None:
        """Upload the written files (not the scratch directory) to the run's artifact root."""
        shutil.rmtree(os.path.join(self.directory, ".custom"), ignore_errors=True)
        if self._files:
            client.log_artifacts(run_id, self.directory)
