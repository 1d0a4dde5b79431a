"""Heron: an MLflow-compatible platform for the machine-learning lifecycle."""

from heron.version import __version__

__all__ = ["__version__"]
