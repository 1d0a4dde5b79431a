"""A basic-auth Heron server for the auth tests, shared by the module's tests.

Its default permission is NO_PERMISSIONS, so a user sees only what they created or were
granted. ``alice`` owns one of everything (experiment, run, artifact, logged model,
registered model and version); ``bob`` owns nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from fixtures.server import HeronServer, start_server

ADMIN = ("admin", "admin-password-123")
ALICE = ("alice", "alice-password-123")
BOB = ("bob", "bob-password-1234")


@dataclass
class AuthServer:
    """The server and what alice owns on it."""

    server: HeronServer
    config: Path
    experiment_id: str
    run_id: str
    model_id: str
    model_name: str

    @property
    def url(self) -> str:
        return self.server.url

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        """One request on a shared connection pool (no cookies kept)."""
        return HTTP.request(method, self.url + path, **kwargs)  # type: ignore[arg-type]


HTTP = httpx.Client(timeout=30, cookies=None)


def write_config(directory: Path, default_permission: str = "NO_PERMISSIONS") -> Path:
    """A basic_auth.ini in ``directory``."""
    path = directory / "basic_auth.ini"
    path.write_text(
        "[mlflow]\n"
        f"default_permission = {default_permission}\n"
        f"database_uri = sqlite:///{directory / 'auth.db'}\n"
        f"admin_username = {ADMIN[0]}\n"
        f"admin_password = {ADMIN[1]}\n"
    )
    return path


def _call(url: str, auth: tuple[str, str], method: str, path: str, **kwargs: object) -> dict:
    response = httpx.request(method, url + path, auth=auth, timeout=30, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json() if response.content else {}


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    """A basic-auth server with users alice and bob, and alice's resources."""
    directory = tmp_path_factory.mktemp("auth-server")
    config = write_config(directory)
    server = start_server(
        directory, "--app-name", "basic-auth", env={"HERON_AUTH_CONFIG_PATH": str(config)}
    )
    try:
        url = server.url
        for user in (ALICE, BOB):
            body = {"username": user[0], "password": user[1]}
            _call(url, ADMIN, "POST", "/api/2.0/mlflow/users/create", json=body)
        api = "/api/2.0/mlflow"
        experiment_id = _call(url, ALICE, "POST", f"{api}/experiments/create", json={"name": "a"})[
            "experiment_id"
        ]
        run = _call(url, ALICE, "POST", f"{api}/runs/create", json={"experiment_id": experiment_id})
        run_id = run["run"]["info"]["run_id"]
        artifact = f"/api/2.0/mlflow-artifacts/artifacts/{experiment_id}/{run_id}/artifacts/a.txt"
        _call(url, ALICE, "PUT", artifact, content=b"secret")
        model = _call(
            url, ALICE, "POST", f"{api}/logged-models", json={"experiment_id": experiment_id}
        )
        _call(url, ALICE, "POST", f"{api}/registered-models/create", json={"name": "m"})
        _call(
            url,
            ALICE,
            "POST",
            f"{api}/model-versions/create",
            json={"name": "m", "source": f"runs:/{run_id}/model", "run_id": run_id},
        )
        yield AuthServer(
            server, config, experiment_id, run_id, model["model"]["info"]["model_id"], "m"
        )
    finally:
        server.stop()
