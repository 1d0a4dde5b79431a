"""The real mlflow 3.17.2 client against ``heron server --app-name basic-auth``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import peer_venv, run_script

from fixtures.server import HeronServer
from fixtures.server import start_server as start_heron_server

pytestmark = [pytest.mark.compat, pytest.mark.integration]


@pytest.fixture(scope="session")
def mlflow_auth_venv() -> Path:
    """The python of a virtualenv with mlflow[auth] 3.17.2 (its auth client needs Flask-WTF)."""
    return peer_venv("mlflow-auth", ("mlflow[auth]==3.17.2",)) / "bin" / "python"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeronServer]:
    directory = tmp_path_factory.mktemp("heron-auth")
    config = directory / "basic_auth.ini"
    config.write_text(
        "[mlflow]\ndefault_permission = NO_PERMISSIONS\n"
        f"database_uri = sqlite:///{directory / 'auth.db'}\n"
        "admin_username = admin\nadmin_password = admin-password-123\n"
    )
    server = start_heron_server(
        directory, "--app-name", "basic-auth", env={"MLFLOW_AUTH_CONFIG_PATH": str(config)}
    )
    yield server
    server.stop()


def test_mlflow_client_logs_registers_and_is_refused(
    mlflow_auth_venv: Path, auth_server: HeronServer
) -> None:
    summary = run_script(mlflow_auth_venv, "auth_session.py", auth_server.url)
    assert summary["created"] == "alice"
    assert summary["bob_is_admin"] is False
    assert summary["alice_runs"] == 1
    assert summary["alice_artifacts"] == ["notes.txt"]
    assert summary["alice_permission"] == "MANAGE"
    assert summary["bob_get_run"] == "PERMISSION_DENIED"
    assert summary["bob_log"] == "PERMISSION_DENIED"
    assert summary["bob_model"] == "PERMISSION_DENIED"
    assert summary["bob_sees_experiments"] == []
    assert summary["bob_sees_models"] == []
    assert summary["bob_create_user"] == "PERMISSION_DENIED"
    assert summary["bob_get_run_after_grant"] == "OK"
    assert summary["bob_log_after_grant"] == "PERMISSION_DENIED"
    assert summary["wrong_password"] == "UNAUTHENTICATED"
