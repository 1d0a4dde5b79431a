"""Idempotent creates under retries (issue 13, part 2), with both clients.

A real TCP proxy in front of a Heron server forwards every request but loses the response
of the first call of each create route: the server has acted, the client sees a dropped
connection and retries. Heron's client (request ids) and the real mlflow 3.17.2 client
(body fingerprints) must each end with exactly one run, one model version and one logged
model, and report no error for objects they created.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from processes import run_script

from fixtures.listeners import DroppingProxy
from fixtures.server import HeronServer, start_server

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("compat")]

API = "/api/2.0/mlflow"
HERON_ONLY = (b"/experiments/create", b"/registered-models/create")
"""Creates of named objects: covered by request ids (Heron's client) only."""
DROPPED = (
    b"POST /api/2.0/mlflow/runs/create",
    b"POST /api/2.0/mlflow/model-versions/create",
    b"POST /api/2.0/mlflow/logged-models ",
    b"POST /api/2.0/heron/runs/import",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeronServer]:
    started = start_server(tmp_path_factory.mktemp("idempotent"))
    yield started
    started.stop()


def _proxy(server: HeronServer, also: tuple[bytes, ...] = ()) -> DroppingProxy:
    seen: set[bytes] = set()

    def drop(first_line: bytes, _body: bytes) -> bool:
        for prefix in DROPPED + tuple(b"POST /api/2.0/mlflow" + path for path in also):
            if first_line.startswith(prefix) and prefix not in seen:
                seen.add(prefix)
                return True
        return False

    return DroppingProxy(server.port, drop)


def _counts(server: HeronServer, ids: dict[str, str], name: str) -> dict[str, int]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        runs = http.post(
            f"{API}/runs/search", json={"experiment_ids": [ids["experiment_id"]]}
        ).json()
        versions = http.get(
            f"{API}/model-versions/search", params={"filter": f"name = '{name}-model'"}
        ).json()
        models = http.post(
            f"{API}/logged-models/search", json={"experiment_ids": [ids["experiment_id"]]}
        ).json()
    return {
        "runs": len(runs.get("runs", [])),
        "versions": len(versions.get("model_versions", [])),
        "models": len(models.get("models", [])),
    }


def _session(python: Path | str, client: str, proxy: DroppingProxy, name: str) -> dict[str, str]:
    return run_script(python, "retry_creates.py", client, proxy.url, name)


def test_heron_client_retries_lost_creates_into_one_object_each(server: HeronServer) -> None:
    proxy = _proxy(server, HERON_ONLY)
    try:
        ids = _session(sys.executable, "heron", proxy, "heron-retries")
    finally:
        proxy.close()
    assert len(proxy.dropped) == 6, proxy.dropped  # every create lost its first answer
    assert ids["version"] == "1"
    # the created run and the imported one
    assert _counts(server, ids, "heron-retries") == {"runs": 2, "versions": 1, "models": 1}


def test_mlflow_client_retries_lost_creates_into_one_object_each(
    server: HeronServer, mlflow_venv: Path
) -> None:
    proxy = _proxy(server)
    try:
        ids = _session(mlflow_venv, "mlflow", proxy, "mlflow-retries")
    finally:
        proxy.close()
    assert len(proxy.dropped) == 3, proxy.dropped
    assert ids["version"] == "1"
    assert _counts(server, ids, "mlflow-retries") == {"runs": 1, "versions": 1, "models": 1}


def test_distinct_creates_are_never_merged(server: HeronServer, mlflow_venv: Path) -> None:
    """Two runs, two versions of one source and a second logged model after the first
    was finished are all kept, through the same client, within the window."""
    script = (
        "import json, sys, mlflow\n"
        "from mlflow import MlflowClient\n"
        "c = MlflowClient(sys.argv[1])\n"
        "e = c.create_experiment('distinct')\n"
        "r1 = c.create_run(e).info.run_id\n"
        "r2 = c.create_run(e).info.run_id\n"
        "c.create_registered_model('distinct-model')\n"
        "v1 = c.create_model_version('distinct-model', f'runs:/{r1}/m', run_id=r1).version\n"
        "v2 = c.create_model_version('distinct-model', f'runs:/{r1}/m', run_id=r1).version\n"
        "m1 = c.create_logged_model(e, name='model', source_run_id=r1).model_id\n"
        "c.finalize_logged_model(m1, 'READY')\n"
        "m2 = c.create_logged_model(e, name='model', source_run_id=r1).model_id\n"
        "print(json.dumps({'runs': [r1, r2], 'versions': [v1, v2], 'models': [m1, m2]}))\n"
    )
    path = Path(server.log_path).parent / "distinct.py"
    path.write_text(script)
    import subprocess

    from processes import clean_env

    done = subprocess.run(
        [str(mlflow_venv), str(path), server.url],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    import json

    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(set(result["runs"])) == 2
    assert [str(v) for v in result["versions"]] == ["1", "2"]
    assert len(set(result["models"])) == 2
