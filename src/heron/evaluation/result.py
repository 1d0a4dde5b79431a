"""What ``evaluate`` returns: ``EvaluationResult`` and its artifacts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class EvaluationArtifact:
    """An artifact ``evaluate`` logged: where it is, and its content once loaded.

    Attributes:
        uri: The artifact's URI in the run.
        local_path: Where it was written before upload (its content is read from there).
    """

    uri: str
    local_path: str | None = None
    _content: Any = field(default=None, repr=False)

    @property
    def content(self) -> Any:
        """The artifact's content (an image, a DataFrame, parsed JSON or text)."""
        if self._content is None and self.local_path is not None:
            self._content = self._load(Path(self.local_path))
        return self._content

    def _load(self, path: Path) -> Any:
        return path.read_bytes()


class ImageEvaluationArtifact(EvaluationArtifact):
    """A PNG plot; ``content`` is a ``PIL.Image``."""

    def _load(self, path: Path) -> Any:
        from PIL import Image

        with Image.open(path) as image:
            image.load()
            return image


class CsvEvaluationArtifact(EvaluationArtifact):
    """A CSV table; ``content`` is a pandas DataFrame."""

    def _load(self, path: Path) -> Any:
        import pandas as pd

        return pd.read_csv(path)


class JsonEvaluationArtifact(EvaluationArtifact):
    """A JSON document; ``content`` is the parsed value."""

    def _load(self, path: Path) -> Any:
        return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class EvaluationResult:
    """Metrics, artifacts and tables of one ``evaluate`` call.

    Attributes:
        metrics: Metric name -> value (as logged to the run).
        artifacts: Artifact name -> :class:`EvaluationArtifact`.
        run_id: The run everything was logged to.
    """

    metrics: dict[str, float]
    artifacts: dict[str, EvaluationArtifact]
    run_id: str | None = None

    @property
    def tables(self) -> dict[str, Any]:
        """The table artifacts (CSV/JSON tables such as ``per_class_metrics``) as DataFrames."""
        import pandas as pd

        tables: dict[str, Any] = {}
        for name, artifact in self.artifacts.items():
            if isinstance(artifact, CsvEvaluationArtifact):
                tables[name] = artifact.content
            elif isinstance(artifact, JsonEvaluationArtifact) and isinstance(
                artifact.content, dict
            ):
                content = artifact.content
                if "columns" in content and "data" in content:
                    tables[name] = pd.DataFrame(content["data"], columns=content["columns"])
        return tables
