"""A scripted session by each client (mlflow 3.17.2, heron) against each server.

The pairs that matter are the mlflow client against a Heron server and Heron's client
against an MLflow server; mlflow-on-mlflow proves the script right, heron-on-heron comes
for free. After each session the server's own library reads its backing store directly
(Heron's client on the SQLite file, or mlflow's), and every value must be there unaltered.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from processes import ServerProcess, SessionResult
from scripts.session_values import same_points

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("compat")]


def test_every_step_of_the_session_succeeds(session_result: SessionResult) -> None:
    steps = session_result.summary["steps"]
    failed = {
        name: outcome for name, outcome in steps.items() if name != "model" and outcome != "ok"
    }
    assert not failed, f"{session_result.label}:\n" + json.dumps(failed, indent=1)
    if session_result.client == "mlflow":
        assert session_result.summary["version"] == "3.17.2"


def test_the_servers_store_holds_what_was_logged(
    session_result: SessionResult, read_back: dict[str, Any]
) -> None:
    summary = session_result.summary
    problems = experiment_differences(summary["experiments"], read_back["experiments"])
    for run_id, sent in summary["logged"].items():
        step_failed = any(summary["steps"][step] != "ok" for step in sent["steps"])
        problems += run_differences(run_id, sent, read_back["runs"][run_id], step_failed)
    assert not problems, f"{session_result.label}:\n" + "\n".join(problems)


def test_artifacts_are_stored_byte_for_byte(
    session_result: SessionResult, read_back: dict[str, Any]
) -> None:
    problems = []
    for run_id, sent in session_result.summary["logged"].items():
        root = stored_root(session_result.server, read_back["runs"][run_id]["info"])
        for path, digest in sent["artifacts"].items():
            stored = root / path
            if not stored.is_file():
                problems.append(f"{path}: not stored at {stored}")
            elif digest and hashlib.sha256(stored.read_bytes()).hexdigest() != digest:
                problems.append(f"{path}: stored bytes differ")
    assert not problems, f"{session_result.label}:\n" + "\n".join(problems)


def test_sklearn_model_logs_and_loads_back(session_result: SessionResult) -> None:
    outcome = session_result.summary["steps"]["model"]
    if outcome.startswith("skipped"):
        pytest.skip(outcome)
    server = session_result.server
    if outcome != "ok" and not serves_logged_models(server):
        pytest.xfail(f"{server.kind} server has no logged-model endpoints yet: {outcome}")
    assert outcome == "ok", outcome
    model_id = session_result.summary["models"]["model"]
    assert list(server.artifacts.glob(f"*/models/{model_id}/artifacts/MLmodel"))


# -- comparisons -----------------------------------------------------------------------------


def experiment_differences(sent: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """Where the stored experiments differ from what the session made."""
    problems = []
    for experiment_id, expected in sent.items():
        got = stored[experiment_id]
        for field in ("name", "lifecycle_stage"):
            if got[field] != expected[field]:
                problems.append(f"experiment {experiment_id} {field}: {got[field]!r}")
        missing = _missing(expected["tags"], got["tags"])
        if missing:
            problems.append(f"experiment {experiment_id} tags missing or changed: {missing}")
    return problems


def run_differences(
    run_id: str, sent: dict[str, Any], stored: dict[str, Any], step_failed: bool = False
) -> list[str]:
    """Where a stored run differs from what the session sent to it.

    A run whose step failed may have ended in any state, so its status is not compared.
    """
    name = f"run {sent['info']['run_name']} ({run_id})"
    problems = [
        f"{name} {field}: {stored['info'][field]!r}, sent {value!r}"
        for field, value in sent["info"].items()
        if stored["info"][field] != value and not (step_failed and field == "status")
    ]
    if stored["params"] != sent["params"]:
        problems.append(f"{name} params: {_diff(sent['params'], stored['params'])}")
    if _missing(sent["tags"], stored["tags"]):
        problems.append(f"{name} tags missing or changed: {_missing(sent['tags'], stored['tags'])}")
    if set(sent["deleted_tags"]) & set(stored["tags"]):
        problems.append(f"{name} deleted tags still present: {sent['deleted_tags']}")
    if set(stored["metrics"]) != set(sent["metrics"]):
        problems.append(f"{name} metric keys: {sorted(stored['metrics'])}")
    for key, points in sent["metrics"].items():
        got = stored["metrics"].get(key, [])
        if not same_points(got, points):
            problems.append(f"{name} history of {key}: {got[:4]}..., sent {points[:4]}...")
    if sorted(map(tuple, stored["inputs"])) != sorted(map(tuple, sent["inputs"])):
        problems.append(f"{name} inputs: {stored['inputs']}, sent {sent['inputs']}")
    return problems


def _missing(sent: dict[str, str], stored: dict[str, str]) -> list[str]:
    return sorted(key for key, value in sent.items() if stored.get(key) != value)


def _diff(sent: dict[str, str], stored: dict[str, str]) -> dict[str, Any]:
    keys = set(sent) | set(stored)
    return {k: (sent.get(k), stored.get(k)) for k in sorted(keys) if sent.get(k) != stored.get(k)}


def stored_root(server: ServerProcess, info: dict[str, Any]) -> Path:
    """Where a run's artifacts live on the server's disk, from its artifact URI."""
    parts = urlsplit(info["artifact_uri"])
    if parts.scheme == "mlflow-artifacts":
        return server.artifacts / unquote(parts.path).lstrip("/")
    return Path(unquote(parts.path))


def serves_logged_models(server: ServerProcess) -> bool:
    """Whether the server answers the logged-model search the mlflow 3 client relies on."""
    request = urllib.request.Request(
        f"{server.url}/api/2.0/mlflow/logged-models/search",
        data=json.dumps({"experiment_ids": ["0"]}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10):
            return True
    except urllib.error.HTTPError as error:
        return error.code != 404
