"""Attack on MySQL/MariaDB: their ``utf8mb4_bin`` collation ignores trailing spaces when
comparing (PAD SPACE), so ``"alice-model "`` finds ``"alice-model"``, while grants are
keyed by the name as written. With a default permission that reads, a user the owner had
denied read (and with EDIT, changed) the model under the padded name. Real basic-auth
server over a real MariaDB."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from fixtures.auth_server import ADMIN, ALICE, BOB, write_config
from fixtures.server import HeronServer

pytestmark = [pytest.mark.integration, pytest.mark.mysql]

API = "/api/2.0/mlflow"


def test_padded_model_name_keeps_the_denial(
    start_heron_server: Callable[..., HeronServer], fresh_mysql_uri: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, default_permission="EDIT")
    server = start_heron_server(
        "--app-name",
        "basic-auth",
        backend_uri=fresh_mysql_uri.replace("mysql://", "mysql+pymysql://"),
        env={"HERON_AUTH_CONFIG_PATH": str(config)},
    )
    url = server.url + API
    for user in (ALICE, BOB):
        body = {"username": user[0], "password": user[1]}
        httpx.post(f"{url}/users/create", auth=ADMIN, json=body, timeout=30)
    made = httpx.post(
        f"{url}/registered-models/create", auth=ALICE, json={"name": "alice-model"}, timeout=30
    )
    assert made.status_code == 200, made.text
    grant = {"name": "alice-model", "username": "bob", "permission": "NO_PERMISSIONS"}
    granted = httpx.post(f"{url}/registered-models/permissions/create", auth=ALICE, json=grant)
    assert granted.status_code == 200, granted.text
    for padded in ("alice-model ", "alice-model   "):
        got = httpx.get(f"{url}/registered-models/get", auth=BOB, params={"name": padded})
        assert got.status_code == 403, (padded, got.text)
        changed = httpx.patch(
            f"{url}/registered-models/update",
            auth=BOB,
            json={"name": padded, "description": "pwned"},
            timeout=30,
        )
        assert changed.status_code == 403, (padded, changed.text)
        page = httpx.get(f"{server.url}/models/{padded}", auth=BOB, timeout=30)
        assert page.status_code == 403, padded
    mine = httpx.get(f"{url}/registered-models/get", auth=ALICE, params={"name": "alice-model"})
    assert mine.json()["registered_model"].get("description", "") == ""
    # bob's own model with a padded name stays his
    own = httpx.post(f"{url}/registered-models/create", auth=BOB, json={"name": "bobs "})
    assert own.status_code == 200, own.text
    assert (
        httpx.get(f"{url}/registered-models/get", auth=BOB, params={"name": "bobs "}).status_code
        == 200
    )
