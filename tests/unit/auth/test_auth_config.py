"""Reading basic_auth.ini and the admin's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from heron.auth.config import check_admin_password, read_auth_config
from heron.exceptions import InvalidParameter


def test_mlflow_ini_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ini = tmp_path / "basic_auth.ini"
    ini.write_text(
        "[mlflow]\ndefault_permission = EDIT\ndatabase_uri = sqlite:///x.db\n"
        "admin_username = root\nadmin_password = from-the-file-1\n"
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
    )
    monkeypatch.setenv("MLFLOW_AUTH_CONFIG_PATH", str(ini))
    config = read_auth_config()
    assert (config.default_permission, config.admin_username) == ("EDIT", "root")
    monkeypatch.setenv("HERON_AUTH_ADMIN_PASSWORD", "from-the-env-12")
    assert read_auth_config().admin_password == "from-the-env-12"


def test_bad_configurations(tmp_path: Path) -> None:
    ini = tmp_path / "a.ini"
    ini.write_text("[mlflow]\ndefault_permission = OWNER\n")
    with pytest.raises(InvalidParameter, match="Invalid permission"):
        read_auth_config(str(ini))
    ini.write_text("[mlflow]\nauthorization_function = my.module:auth\n")
    with pytest.raises(InvalidParameter, match="Unsupported authorization_function"):
        read_auth_config(str(ini))
    with pytest.raises(InvalidParameter, match="Cannot read"):
        read_auth_config(str(tmp_path / "missing.ini"))
    ini.write_text("[mlflow]\nadmin_password = password1234\n")
    with pytest.raises(InvalidParameter, match="insecure default"):
        check_admin_password(read_auth_config(str(ini)))
    ini.write_text("[mlflow]\n")
    with pytest.raises(InvalidParameter, match="needs a password"):
        check_admin_password(read_auth_config(str(ini)))
