"""MLflow's UI-support routes, the same requests to MLflow 3.17.2 and to Heron: status codes,
content types, download headers, bodies and error messages compared.

Both servers get the same data through their REST APIs (and the upload route itself): an
experiment, a run with files, a registered model version and a logged model. Ids differ
between the servers, so they are replaced by placeholders before comparing.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from processes import ServerProcess

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("compat")]

UPLOAD = "/ajax-api/2.0/mlflow/upload-artifact"
DATASETS = "/ajax-api/2.0/mlflow/experiments/search-datasets"
OCTETS = {"Content-Type": "application/octet-stream"}
JSON = {"Content-Type": "application/json"}
FILES = {
    "a.txt": b"hello",
    "MLmodel": b"flavors: {}\n",
    "p.html": b"<script>x</script>",
    "i.svg": b"<svg/>",
    "x.png": b"PNG",
    "d.json": b"{}",
    "sub/z.csv": b"a,b",
    "noext": b"??",
    "t.pdf": b"%PDF",
    "model/MLmodel": b"flavors: {}\n",
}


@dataclass
class Seeded:
    """What one server was given: its ids, to fill in requests and to hide in answers."""

    server: ServerProcess
    ids: dict[str, str]


def _seed(server: ServerProcess, name: str) -> Seeded:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        experiment = http.post("/api/2.0/mlflow/experiments/create", json={"name": name}).json()[
            "experiment_id"
        ]
        run = http.post("/api/2.0/mlflow/runs/create", json={"experiment_id": experiment}).json()
        run_id, root = run["run"]["info"]["run_id"], run["run"]["info"]["artifact_uri"]
        for path, content in FILES.items():
            uploaded = http.post(
                f"{UPLOAD}?run_uuid={run_id}&path={path}", content=content, headers=OCTETS
            )
            assert uploaded.status_code == 200, uploaded.text
        dataset = {"name": "iris", "digest": "d1", "source_type": "local", "source": "{}"}
        tags = [{"key": "mlflow.data.context", "value": "training"}]
        http.post(
            "/api/2.0/mlflow/runs/log-inputs",
            json={"run_id": run_id, "datasets": [{"dataset": dataset, "tags": tags}]},
        ).raise_for_status()
        model = f"{name}-model"
        http.post(
            "/api/2.0/mlflow/registered-models/create", json={"name": model}
        ).raise_for_status()
        http.post(
            "/api/2.0/mlflow/model-versions/create",
            json={"name": model, "source": f"{root}/model", "run_id": run_id},
        ).raise_for_status()
        logged = http.post(
            "/api/2.0/mlflow/logged-models", json={"experiment_id": experiment, "name": "lm"}
        ).json()["model"]["info"]
        location = logged["artifact_uri"].removeprefix("mlflow-artifacts:").lstrip("/")
        http.put(
            f"/api/2.0/mlflow-artifacts/artifacts/{location}/MLmodel", content=b"flavors: {}\n"
        ).raise_for_status()
    ids = {"exp": experiment, "run": run_id, "model": model, "logged": logged["model_id"]}
    return Seeded(server, ids)


@pytest.fixture(scope="module")
def seeded(mlflow_server: ServerProcess, heron_compat_server: ServerProcess) -> dict[str, Seeded]:
    """Both servers, seeded with the same data."""
    name = f"ui-support-{uuid.uuid4().hex[:8]}"
    return {"mlflow": _seed(mlflow_server, name), "heron": _seed(heron_compat_server, name)}


# (label, method, path with {placeholders}, body, headers)
Case = tuple[str, str, str, bytes | None, dict[str, str]]
GET_ARTIFACT = [
    (f"get {name}", "GET", f"/get-artifact?run_id={{run}}&path={name}", None, {}) for name in FILES
] + [
    ("run_uuid", "GET", "/get-artifact?run_uuid={run}&path=a.txt", None, {}),
    ("no path", "GET", "/get-artifact?run_id={run}", None, {}),
    ("no run", "GET", "/get-artifact?path=a.txt", None, {}),
    ("unknown run", "GET", "/get-artifact?run_id=nope&path=a.txt", None, {}),
    ("dotdot", "GET", "/get-artifact?run_id={run}&path=../a.txt", None, {}),
    ("absolute", "GET", "/get-artifact?run_id={run}&path=/etc/passwd", None, {}),
    ("encoded", "GET", "/get-artifact?run_id={run}&path=%252e%252e%252fx", None, {}),
    *[
        (f"traversal {p}", "GET", f"/get-artifact?run_id={{run}}&path={p}", None, {})
        for p in ("..%2fx", "..%5cx", "x;/../../y", "x%23/../y", "a/./../../y", "C:%5cx")
    ],
    ("missing file", "GET", "/get-artifact?run_id={run}&path=missing.txt", None, {}),
    ("folder", "GET", "/get-artifact?run_id={run}&path=sub", None, {}),
    ("root", "GET", "/get-artifact?run_id={run}&path=", None, {}),
]
MV = "/model-versions/get-artifact"
MODEL_VERSION = [
    ("mv file", "GET", f"{MV}?name={{model}}&version=1&path=MLmodel", None, {}),
    ("mv no name", "GET", f"{MV}?version=1&path=MLmodel", None, {}),
    ("mv unknown version", "GET", f"{MV}?name={{model}}&version=9&path=MLmodel", None, {}),
    ("mv bad version", "GET", f"{MV}?name={{model}}&version=x&path=MLmodel", None, {}),
    ("mv dotdot", "GET", f"{MV}?name={{model}}&version=1&path=../a.txt", None, {}),
    ("mv no path", "GET", f"{MV}?name={{model}}&version=1", None, {}),
]
LM = "/ajax-api/2.0/mlflow/logged-models"
LOGGED_MODEL = [
    ("lm file", "GET", f"{LM}/{{logged}}/artifacts/files?artifact_file_path=MLmodel", None, {}),
    ("lm no param", "GET", f"{LM}/{{logged}}/artifacts/files", None, {}),
    ("lm dotdot", "GET", f"{LM}/{{logged}}/artifacts/files?artifact_file_path=../x", None, {}),
    ("lm unknown", "GET", f"{LM}/m-nope/artifacts/files?artifact_file_path=MLmodel", None, {}),
]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
UPLOADS = [
    ("upload", "POST", f"{UPLOAD}?run_uuid={{run}}&path=up/u.txt", b"hi", OCTETS),
    ("upload read back", "GET", "/get-artifact?run_id={run}&path=up/u.txt", None, {}),
    ("upload run_id", "POST", f"{UPLOAD}?run_id={{run}}&path=u.txt", b"hi", OCTETS),
    ("upload no path", "POST", f"{UPLOAD}?run_uuid={{run}}", b"hi", OCTETS),
    ("upload no data", "POST", f"{UPLOAD}?run_uuid={{run}}&path=u.txt", b"", OCTETS),
    ("upload form", "POST", f"{UPLOAD}?run_uuid={{run}}&path=u.txt", b"a=b", FORM),
    ("upload dotdot", "POST", f"{UPLOAD}?run_uuid={{run}}&path=../u.txt", b"hi", OCTETS),
    ("upload absolute", "POST", f"{UPLOAD}?run_uuid={{run}}&path=/u.txt", b"hi", OCTETS),
    ("upload unknown run", "POST", f"{UPLOAD}?run_uuid=nope&path=u.txt", b"hi", OCTETS),
    ("upload too big", "POST", f"{UPLOAD}?run_uuid={{run}}&path=b", b"x" * (10 << 20 | 1), OCTETS),
    ("upload GET", "GET", f"{UPLOAD}?run_uuid={{run}}&path=u.txt", None, {}),
]
TWENTY_ONE = json.dumps({"experiment_ids": [str(i) for i in range(1, 22)]}).encode()
SEARCH = [
    ("datasets", "POST", DATASETS, b'{"experiment_ids": ["{exp}"]}', JSON),
    ("datasets none", "POST", DATASETS, b"{}", JSON),
    ("datasets unknown", "POST", DATASETS, b'{"experiment_ids": ["987654"]}', JSON),
    ("datasets 21", "POST", DATASETS, TWENTY_ONE, JSON),
    ("datasets not ints", "POST", DATASETS, b'{"experiment_ids": ["abc"]}', JSON),
    ("datasets string", "POST", DATASETS, b'{"experiment_ids": "1"}', JSON),
    (
        "datasets text",
        "POST",
        DATASETS,
        b'{"experiment_ids": ["1"]}',
        {"Content-Type": "text/plain"},
    ),
    ("datasets no type", "POST", DATASETS, b'{"experiment_ids": ["1"]}', {}),
    ("datasets GET", "GET", DATASETS, None, {}),
    ("cross-origin", "POST", DATASETS, b"{}", {**JSON, "Origin": "http://evil.example"}),
]
CASES: list[Case] = GET_ARTIFACT + MODEL_VERSION + LOGGED_MODEL + UPLOADS + SEARCH
DOWNLOAD_HEADERS = ("content-type", "content-disposition", "x-content-type-options")


def _ask(seeded: Seeded, case: Case) -> dict[str, Any]:
    """One request to one server, and the answer with the server's ids hidden."""
    _, method, path, body, headers = case
    for key, value in seeded.ids.items():
        path = path.replace(f"{{{key}}}", value)
        body = body.replace(f"{{{key}}}".encode(), value.encode()) if body else body
    request_headers = {"Content-Type": ""} if method == "POST" and not headers else headers
    with httpx.Client(base_url=seeded.server.url, timeout=60) as http:
        response = http.request(method, path, content=body, headers=request_headers)
    text = response.text
    for key, value in seeded.ids.items():  # whole ids only: "1" is inside run ids
        text = re.sub(rf"(?<![0-9A-Za-z-]){re.escape(value)}(?![0-9A-Za-z])", f"{{{key}}}", text)
    answer: dict[str, Any] = {"status": response.status_code}
    kind = response.headers.get("content-type", "")
    if response.status_code in (403, 405):
        return answer  # the framework's own page: only the status is MLflow's contract
    answer["content-type"] = kind
    try:
        answer["body"] = json.loads(text) if "json" in kind and text else text
    except ValueError:
        answer["body"] = text
    if response.status_code == 200:
        answer.update({name: response.headers.get(name) for name in DOWNLOAD_HEADERS})
    return answer


STRICTER = {"traversal ..%5cx"}
"""Paths MLflow takes on Linux (a backslash is a name character there; the file is then
missing: 404) and Heron refuses everywhere, as MLflow does on Windows (400 Invalid path)."""


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_heron_answers_like_mlflow(seeded: dict[str, Seeded], case: Case) -> None:
    mlflow = _ask(seeded["mlflow"], case)
    heron = _ask(seeded["heron"], case)
    if case[0] in STRICTER:
        assert mlflow["status"] == 404
        assert (heron["status"], heron["body"]["message"]) == (400, "Invalid path")
        return
    assert heron == mlflow
