"""Where things go in a bundle directory, for each layout Heron writes or reads.

``current`` (mlflow-export-import since late 2025, Heron's default)::

    experiments.json              (multi-experiment exports)
    <experiment id>/experiment.json
    <experiment id>/runs/<run id>/run.json, artifacts/...
    <experiment id>/logged_models/<model id>/logged_model.json, artifacts/...

``1.2`` (mlflow-export-import 1.2.0, the release on PyPI): the same, with run directories
directly in the experiment directory. The oldest layout (``manifest.json`` files) also has
run directories there; readers try ``runs/<id>`` first and fall back.
"""

from __future__ import annotations

import enum
import os

from heron.exceptions import InvalidParameter
from heron.transfer.modelfile import MODELS_DIR

RUNS_DIR = "runs"
ARTIFACTS_DIR = "artifacts"


class BundleFormat(str, enum.Enum):
    """The directory layout an export writes."""

    CURRENT = "current"
    V1_2 = "1.2"

    @classmethod
    def coerce(cls, value: BundleFormat | str) -> BundleFormat:
        """A format from its name; InvalidParameter for an unknown one."""
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(f.value for f in cls)
            raise InvalidParameter(
                f"Unknown bundle format {value!r}; expected one of {names}"
            ) from None


def run_dir(experiment_dir: str, run_id: str, bundle_format: BundleFormat) -> str:
    """The directory an export writes a run of an experiment into."""
    if bundle_format is BundleFormat.CURRENT:
        return os.path.join(experiment_dir, RUNS_DIR, run_id)
    return os.path.join(experiment_dir, run_id)


def find_run_dir(experiment_dir: str, run_id: str) -> str:
    """The directory holding an exported run of an experiment, in any layout."""
    current = os.path.join(experiment_dir, RUNS_DIR, run_id)
    return current if os.path.isdir(current) else os.path.join(experiment_dir, run_id)


def experiment_models_dir(experiment_dir: str) -> str:
    """Where an experiment export keeps the logged models its runs produced."""
    return os.path.join(experiment_dir, MODELS_DIR)


def find_model_dir(search: list[str], model_id: str) -> str | None:
    """The first of ``<directory>/<model_id>`` that exists, or None."""
    for directory in search:
        candidate = os.path.join(directory, model_id)
        if os.path.isdir(candidate):
            return candidate
    return None
