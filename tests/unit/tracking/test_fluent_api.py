"""The public surface of ``import heron``: MLflow's names, all reachable."""

from __future__ import annotations

import pytest

import heron


def test_every_public_name_resolves() -> None:
    for name in heron.__all__:
        assert getattr(heron, name) is not None, name
    assert set(heron.__all__) <= set(dir(heron))


def test_mlflow_module_paths() -> None:
    from heron.tracking.client import MlflowClient

    assert heron.MlflowClient is MlflowClient
    assert heron.tracking.MlflowClient is MlflowClient
    assert heron.entities.Run.__name__ == "Run"
    assert heron.exceptions.MlflowException is heron.MlflowException


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="no attribute 'log_modle'"):
        heron.log_modle  # noqa: B018
