"""Attack: stale grants on a reused experiment id. SQLite (and MySQL after a restart) give a
new experiment the id of the highest one removed by ``heron gc``, and grants are keyed by
id: a user granted READ on the old experiment read the new one, created by someone else.
A new experiment now starts with its creator's grant only. Real basic-auth server, the real
``heron gc`` on its database, real requests."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fixtures.auth_server import ALICE, BOB, AuthServer

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"


def test_a_reused_experiment_id_carries_no_old_grants(auth_server: AuthServer) -> None:
    s = auth_server
    old = s.request("POST", f"{API}/experiments/create", auth=ALICE, json={"name": "old"})
    old_id = old.json()["experiment_id"]
    grant = {"experiment_id": old_id, "username": "bob", "permission": "READ"}
    granted = s.request("POST", f"{API}/experiments/permissions/create", auth=ALICE, json=grant)
    assert granted.status_code == 200, granted.text
    deleted = s.request(
        "POST", f"{API}/experiments/delete", auth=ALICE, json={"experiment_id": old_id}
    )
    assert deleted.status_code == 200, deleted.text
    collected = subprocess.run(
        [
            sys.executable,
            "-m",
            "heron",
            "gc",
            "--backend-store-uri",
            s.server.backend_uri,
            "--experiment-ids",
            old_id,
            "--artifacts-destination",
            str(s.server.artifacts_destination),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert collected.returncode == 0, collected.stderr
    new = s.request("POST", f"{API}/experiments/create", auth=ALICE, json={"name": "new"})
    new_id = new.json()["experiment_id"]
    if new_id != old_id:
        pytest.skip(f"the store did not reuse experiment id {old_id} (got {new_id})")
    got = s.request("GET", f"{API}/experiments/get", auth=BOB, params={"experiment_id": new_id})
    assert got.status_code == 403, got.text
    mine = s.request("GET", f"{API}/experiments/get", auth=ALICE, params={"experiment_id": new_id})
    assert mine.status_code == 200
