"""The names of the evaluators ``evaluate(evaluators=...)`` accepts (``list_evaluators``)."""

from __future__ import annotations

EVALUATORS = ("default",)
"""Heron's evaluators: the default one covers regressors and classifiers (SHAP included)."""


def list_evaluators() -> list[str]:
    """The names of the available evaluators."""
    return list(EVALUATORS)
