"""Attack: naming a resource by another spelling of its id, so that a grant keyed by the
canonical spelling does not apply. With a default permission that reads, a user whom the
owner denied (NO_PERMISSIONS) read the experiment as ``01``, `` 1`` or a full-width digit.
Real basic-auth server (default READ), real requests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from fixtures.auth_server import ADMIN, ALICE, BOB, write_config
from fixtures.server import HeronServer, start_server

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"
SECRET = "alice-private-experiment"


@dataclass
class Denied:
    server: HeronServer
    experiment_id: str
    run_id: str

    def call(self, method: str, path: str, **kw: object) -> httpx.Response:
        return httpx.request(method, self.server.url + path, auth=BOB, timeout=30, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def denied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Denied]:
    """alice's experiment, which bob may not read though the default permission reads."""
    directory = tmp_path_factory.mktemp("aliases")
    config = write_config(directory, default_permission="READ")
    server = start_server(
        directory, "--app-name", "basic-auth", env={"HERON_AUTH_CONFIG_PATH": str(config)}
    )
    try:
        url = server.url + API
        for user in (ALICE, BOB):
            body = {"username": user[0], "password": user[1]}
            httpx.post(f"{url}/users/create", auth=ADMIN, json=body, timeout=30)
        made = httpx.post(f"{url}/experiments/create", auth=ALICE, json={"name": SECRET})
        experiment = made.json()["experiment_id"]
        run = httpx.post(
            f"{url}/runs/create", auth=ALICE, json={"experiment_id": experiment}, timeout=30
        ).json()["run"]["info"]["run_id"]
        grant = {"experiment_id": experiment, "username": "bob", "permission": "NO_PERMISSIONS"}
        answer = httpx.post(f"{url}/experiments/permissions/create", auth=ALICE, json=grant)
        assert answer.status_code == 200, answer.text
        yield Denied(server, experiment, run)
    finally:
        server.stop()


def _spellings(experiment_id: str) -> list[str]:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in experiment_id)
    return [
        experiment_id,
        "0" + experiment_id,
        " " + experiment_id,
        experiment_id + " ",
        full_width,
    ]


def test_experiment_id_spellings_keep_the_denial(denied: Denied) -> None:
    for spelling in _spellings(denied.experiment_id):
        got = denied.call("GET", f"{API}/experiments/get", params={"experiment_id": spelling})
        assert got.status_code in (400, 403, 404), (spelling, got.text)
        assert SECRET not in got.text
        found = denied.call("POST", f"{API}/runs/search", json={"experiment_ids": [spelling]})
        assert found.status_code in (200, 400, 403), (spelling, found.text)
        assert denied.run_id not in found.text, spelling
        page = denied.call("GET", f"/experiments/{spelling}", headers={"accept": "text/html"})
        assert SECRET not in page.text, spelling
        compare = denied.call("GET", "/compare-experiments", params={"experiments": spelling})
        assert denied.run_id not in compare.text, spelling


def test_odd_digits_are_not_a_server_error(denied: Denied) -> None:
    for spelling in ("\u00b2", "\u0663", "1_0"):
        got = denied.call("GET", f"{API}/experiments/get", params={"experiment_id": spelling})
        assert got.status_code in (400, 404), (spelling, got.text)  # never a 500
        assert got.json()["error_code"] in ("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST")
