"""The attack catalogue (security-reliability anchors + issue 13) against one live server.

Every case is sent as an attacker would (raw HTTP where clients would normalise), and its
outcome classified:

- **escape**: canary bytes in a response, the canary changed or gone, a file written
  outside the artifact roots, a loopback "victim" service contacted, or a hostile object
  accepted (a model version whose source lies outside its run);
- **5xx**: any 5xx answer to bad input;
- **leak**: a response naming a server path (the server's directories) or a traceback.

The test asserts 0 of each and prints the figures (``pytest -s``). Authentication cases
(ART-3, AUTHZ-*) belong to the auth suite; the archive cases to the archive tests.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from fixtures.listeners import Victim
from fixtures.raw_http import raw_request
from fixtures.server import HeronServer, start_server

pytestmark = pytest.mark.integration

API = "/api/2.0/mlflow"
PROXY = "/api/2.0/mlflow-artifacts/artifacts"
SECRET = b"catalogue-canary-secret"
JSON = {"Content-Type": "application/json"}
REFUSED = (400,)

LFI_SOURCES = [
    "/",
    "/etc",
    "/etc/passwd",
    "file:///etc",
    "file:/etc",
    "file://localhost/etc",
    "//etc",
    "\\..\\..\\etc",
    "C:\\Windows",
    "{canary_dir}",
    "{run_root}/../../../canary",
    "mlflow-artifacts:/../../canary",
    "mlflow-artifacts://evil:80/x",
    "http://127.0.0.1:{victim}/api/2.0/mlflow-artifacts/artifacts/../../",
    "http://127.0.0.1:{victim}/api/2.0/mlflow-artifacts/artifacts/0/{run}/artifacts/m",
    "http://localhost:{victim}/api/2.0/mlflow-artifacts/artifacts/0/{run}/artifacts/m",
    "..%2f..%2fcanary",
    "%252e%252e%252fcanary",
    "file:///data#/../../canary",
    "file:///data?/../../canary",
    "file:///data;/../canary",
    "file:///etc?x=1",
    "s3://bucket/a/../../b",
    "runs:/{other_run}/model",
    "runs://host/{run}/x",
    "models:/{other_model}",
    "mlflow-artifacts:/0/{run}/artifacts/%00x",
    "mlflow-artifacts:/0/{run}/artifacts/" + "a" * 10_000,
    "ftp://10.0.0.1/x",
    "hdfs://evil:8020/x",
]
TRAVERSALS = [
    "../canary",
    "..%2fcanary",
    "%2e%2e%2fcanary",
    "%252e%252e%252fcanary",
    "..%5ccanary",
    "..\\canary",
    "/abs/canary",
    "C:%5ccanary",
    "x;/../../canary",
    "x%23/../../canary",
    "x%00.txt",
    "%c0%ae%c0%ae/canary",
    "a/./../../canary",
    "a" * 4000,
]
LOCATIONS = [
    "http://127.0.0.1:{victim}/x",
    "http://[::1]:{victim}/x",
    "http://0x7f000001:{victim}/x",
    "http://169.254.169.254/latest/meta-data",
    "https://127.0.0.1:1/x",
    "mlflow-artifacts://127.0.0.1:{victim}/x",
    "ftp://127.0.0.1:{victim}/x",
    "sftp://10.0.0.1/x",
    "runs:/{run}/x",
    "file:///etc?x=1",
    "file:///etc/%00",
    "file:///x#/../../etc",
    "file:///x;p",
    "/x?../../etc",
    "a" * 5000,
]


@dataclass
class Tally:
    """Outcomes by class, with the cases that failed."""

    cases: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def record(
        self, label: str, status: int, body: bytes, sent: str | bytes, allowed: tuple[int, ...]
    ) -> None:
        """Classify one answer; ``sent`` is what the attacker sent (echoes are no leak)."""
        self.cases += 1
        sent_bytes = sent.encode("utf-8", "replace") if isinstance(sent, str) else sent
        if status >= 500:
            self.counts["5xx"] += 1
            self.failures.append(f"5xx {status}: {label}: {body[:200]!r}")
        elif SECRET in body or status not in allowed:
            self.counts["escapes"] += 1
            self.failures.append(f"escape {status}: {label}: {body[:200]!r}")
        leaked = [p for p in _server_paths() if p in body and p not in sent_bytes]
        if b"Traceback" in body or leaked:
            self.counts["leaks"] += 1
            self.failures.append(f"leak: {label}: {body[:300]!r}")


_PATHS: list[bytes] = []


def _server_paths() -> list[bytes]:
    return _PATHS


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    base = tmp_path_factory.mktemp("catalogue")
    canary = base / "canary" / "secret.txt"
    canary.parent.mkdir()
    canary.write_bytes(SECRET)
    server = start_server(base / "server")
    victim = Victim()
    _PATHS.extend([str(base).encode(), str(base / "server").encode()])
    try:
        yield {"server": server, "victim": victim, "canary": canary, "base": base}
    finally:
        victim.close()
        server.stop()


def _ids(http: httpx.Client) -> dict[str, str]:
    def run() -> tuple[str, str]:
        info = http.post(f"{API}/runs/create", json={"experiment_id": "0"}).json()["run"]["info"]
        return info["run_id"], info["artifact_uri"]

    (run_id, root), (other, _) = run(), run()
    body = {"experiment_id": "0", "name": "m", "source_run_id": other}
    other_model = http.post(f"{API}/logged-models", json=body).json()["model"]["info"]["model_id"]
    http.post(f"{API}/registered-models/create", json={"name": "cat"})
    return {"run": run_id, "run_root": root, "other_run": other, "other_model": other_model}


def _files_outside(base: Path, server: HeronServer) -> list[str]:
    """Files under the test's base directory outside the server's own directory."""
    found = []
    for dirpath, _dirs, files in os.walk(base):
        if dirpath.startswith(str(base / "server")):
            continue
        found.extend(os.path.join(dirpath, name) for name in files)
    return sorted(found)


def test_attack_catalogue(site: dict[str, object]) -> None:
    server: HeronServer = site["server"]  # type: ignore[assignment]
    victim: Victim = site["victim"]  # type: ignore[assignment]
    canary: Path = site["canary"]  # type: ignore[assignment]
    base: Path = site["base"]  # type: ignore[assignment]
    tally = Tally()
    outside_before = _files_outside(base, server)
    with httpx.Client(base_url=server.url, timeout=60) as http:
        ids = _ids(http)
        fill = {**ids, "victim": victim.port, "canary_dir": canary.parent}

        # LFI-1 (A1): model version sources, with/without run_id, with/without prompt tag
        for template in LFI_SOURCES:
            source = template.format(**fill)
            for with_run in (True, False):
                for prompt in (False, True):
                    body: dict[str, object] = {"name": "cat", "source": source}
                    if with_run:
                        body["run_id"] = ids["run"]
                    if prompt:
                        body["tags"] = [{"key": "mlflow.prompt.is_prompt", "value": "true"}]
                    answer = http.post(f"{API}/model-versions/create", json=body)
                    tally.record(
                        f"LFI {source[:80]} run={with_run}",
                        answer.status_code,
                        answer.content,
                        source,
                        REFUSED,
                    )

        # ART-1 (A2): traversal on every artifact route, sent byte for byte
        run_path = f"0/{ids['run']}/artifacts"
        for p in TRAVERSALS:
            targets = [
                ("GET", f"{PROXY}/{p}"),
                ("PUT", f"{PROXY}/{p}"),
                ("DELETE", f"{PROXY}/{p}"),
                ("GET", f"{PROXY}/{run_path}/{p}"),
                ("GET", f"{PROXY}?path={p}"),
                ("GET", f"{API}/artifacts/list?run_id={ids['run']}&path={p}"),
                ("GET", f"/get-artifact?run_uuid={ids['run']}&path={p}"),
                ("GET", f"/model-versions/get-artifact?name=cat&version=1&path={p}"),
                ("POST", f"/ajax-api/2.0/mlflow/upload-artifact?run_uuid={ids['run']}&path={p}"),
                ("PUT", f"/api/2.0/heron/artifacts/archive/{p}"),
            ]
            for method, target in targets:
                answer_raw = raw_request(
                    server.url, method, target, b"x" if method != "GET" else b""
                )
                # 404 for a clean path that does not exist, 405 where the method has no route
                allowed = (400, 404, 405)
                tally.record(
                    f"ART {method} {target[:100]}",
                    answer_raw.status,
                    answer_raw.body,
                    target,
                    allowed,
                )

        # SSRF-1 (A4) and issue 13: artifact locations naming hosts or local tricks
        for template in LOCATIONS:
            location = template.format(**fill)
            answer = http.post(
                f"{API}/experiments/create",
                json={"name": f"loc-{tally.cases}", "artifact_location": location},
            )
            tally.record(
                f"LOCATION {location[:80]}", answer.status_code, answer.content, location, REFUSED
            )

        # Issue 13: hostile JSON and filters
        hostile = [
            ("experiments/create", b'{"name": "\\ud800"}'),
            ("runs/create", b'{"experiment_id": "0", "run_name": "\\udfff"}'),
            ("experiments/create", b'{"name": ' + b"[" * 1000 + b"]" * 1000 + b"}"),
            ("experiments/create", b'{"name": ' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"}"),
            ("experiments/create", b'{"name": "' + b"x" * (10 << 20) + b'"}'),
            (
                "runs/search",
                b'{"experiment_ids": ["0"], "filter": "'
                + b" and ".join([b"metrics.a > 1"] * 10000)
                + b'"}',
            ),
            (
                "runs/search",
                b'{"experiment_ids": ["0"], "filter": "'
                + b"(" * 500
                + b"metrics.a > 1"
                + b")" * 500
                + b'"}',
            ),
            (
                "runs/search",
                b'{"experiment_ids": ["0"], "filter": "run_name LIKE \'' + b"%" * 5000 + b"'\"}",
            ),
        ]
        for route, raw in hostile:
            answer = http.post(f"{API}/{route}", content=raw, headers=JSON)
            tally.record(
                f"JSON {route} {raw[:60]!r}",
                answer.status_code,
                answer.content,
                raw,
                (200, 400) if b"LIKE" in raw else REFUSED,  # many '%' is a valid, slow-free LIKE
            )

        # A stored foreign location is never contacted
        for location in (f"http://127.0.0.1:{victim.port}{PROXY}/x", "https://127.0.0.1:1/x"):
            from heron.store.tracking.sql import SqlTrackingStore

            store = SqlTrackingStore(server.backend_uri, server.default_artifact_root)
            experiment_id = store.create_experiment(f"stored-{tally.cases}", location)
            store.close()
            run = http.post(f"{API}/runs/create", json={"experiment_id": experiment_id})
            run_id = run.json()["run"]["info"]["run_id"]
            answer = http.get(f"{API}/artifacts/list", params={"run_id": run_id})
            tally.record(f"STORED {location}", answer.status_code, answer.content, "", REFUSED)

    if victim.hits:
        tally.counts["escapes"] += len(victim.hits)
        tally.failures.append(f"victim contacted: {victim.hits}")
    if canary.read_bytes() != SECRET:
        tally.counts["escapes"] += 1
        tally.failures.append("canary changed")
    created = sorted(set(_files_outside(base, server)) - set(outside_before))
    if created:
        tally.counts["escapes"] += len(created)
        tally.failures.append(f"files outside the roots: {created}")
    figures = {
        "cases": tally.cases,
        "escapes": tally.counts["escapes"],
        "5xx": tally.counts["5xx"],
        "leaks": tally.counts["leaks"],
    }
    print("\nattack catalogue:", json.dumps(figures))
    assert tally.failures == [], "\n".join(tally.failures[:40])
