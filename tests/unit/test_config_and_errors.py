"""Settings precedence and the error tree's MLflow codes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from heron import config
from heron.exceptions import (
    AlreadyExists,
    HeronError,
    InvalidParameter,
    MlflowException,
    NotFound,
    RestException,
)


def test_argument_beats_heron_beats_mlflow_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HERON_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert config.tracking_uri() == "sqlite:///heron.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///m.db")
    assert config.tracking_uri() == "sqlite:///m.db"
    monkeypatch.setenv("HERON_TRACKING_URI", "sqlite:///h.db")
    assert config.tracking_uri() == "sqlite:///h.db"
    assert config.tracking_uri("sqlite:///arg.db") == "sqlite:///arg.db"


def test_an_existing_mlruns_folder_stays_the_default_as_in_mlflow(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A project whose MLflow runs are in ./mlruns keeps logging there after the switch."""
    monkeypatch.delenv("HERON_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mlruns" / ".trash").mkdir(parents=True)
    assert config.tracking_uri() == "sqlite:///heron.db"  # no experiment in it yet
    (tmp_path / "mlruns" / "0").mkdir()
    (tmp_path / "mlruns" / "0" / "meta.yaml").write_text("name: Default\n")
    assert config.tracking_uri() == "mlruns"
    assert config.registry_uri() == "mlruns"
    (tmp_path / "heron.db").touch()  # Heron's own store, once there, wins
    assert config.tracking_uri() == "sqlite:///heron.db"


def test_registry_uri_defaults_to_the_tracking_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HERON_REGISTRY_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    assert config.registry_uri(tracking="postgresql://x/y") == "postgresql://x/y"


def test_typed_settings_convert_and_refuse_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "3")
    monkeypatch.setenv("HERON_TRUNCATE_LONG_VALUES", "False")
    assert config.HTTP_REQUEST_MAX_RETRIES.get() == 3
    assert config.TRUNCATE_LONG_VALUES.get() is False
    monkeypatch.setenv("HERON_ENABLE_ASYNC_LOGGING", "maybe")
    with pytest.raises(InvalidParameter, match="HERON_ENABLE_ASYNC_LOGGING"):
        config.ENABLE_ASYNC_LOGGING.get()


def test_environment_changes_are_seen_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERON_EXPERIMENT_NAME", "a")
    assert config.EXPERIMENT_NAME.get() == "a"
    monkeypatch.delenv("HERON_EXPERIMENT_NAME")
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", "b")
    assert config.EXPERIMENT_NAME.get() == "b"


@pytest.mark.parametrize(
    ("cls", "code", "status"),
    [
        (InvalidParameter, "INVALID_PARAMETER_VALUE", 400),
        (NotFound, "RESOURCE_DOES_NOT_EXIST", 404),
        (AlreadyExists, "RESOURCE_ALREADY_EXISTS", 400),
    ],
)
def test_errors_carry_mlflow_codes_and_statuses(cls: type, code: str, status: int) -> None:
    error = cls("boom")
    assert (error.error_code, error.http_status, error.get_http_status_code()) == (
        code,
        status,
        status,
    )
    assert isinstance(error, MlflowException)


def test_from_code_rebuilds_the_specific_class_from_a_name_or_number() -> None:
    assert type(HeronError.from_code("RESOURCE_DOES_NOT_EXIST", "x")) is NotFound
    assert type(HeronError.from_code(1000, "x")) is InvalidParameter
    unknown = HeronError.from_code("QUOTA_EXCEEDED", "x")
    assert (type(unknown), unknown.error_code, unknown.http_status) == (
        HeronError,
        "QUOTA_EXCEEDED",
        500,
    )


def test_errors_survive_pickling_and_rest_bodies() -> None:
    error = pickle.loads(pickle.dumps(NotFound("Run with id=1 not found")))
    assert (type(error), error.message) == (NotFound, "Run with id=1 not found")
    rest = RestException({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "gone"})
    assert (rest.error_code, rest.message) == (
        "RESOURCE_DOES_NOT_EXIST",
        "RESOURCE_DOES_NOT_EXIST: gone",
    )
