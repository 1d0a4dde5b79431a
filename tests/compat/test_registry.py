"""The model registry across libraries: the real mlflow 3.17.2 client against a Heron server,
Heron's client against a real MLflow server (and Heron on Heron, for free).

``scripts/registry_session.py`` makes every registry call of the client (models, versions,
stages, aliases, tags, both searches, copy, fluent ``register_model`` and
``log_model(registered_model_name=...)``, ``models:/`` loads) and asserts what MLflow does.
It runs once per (client, server) pair; the run of the mlflow client against the MLflow
server is the reference, and every other pair must see the same normalized values, error
codes and (for the errors MLflow words the same everywhere) error messages. The few places
where Heron differs on purpose are listed in ``KNOWN`` with the reason.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from processes import ServerProcess, run_script

pytestmark = [pytest.mark.compat, pytest.mark.xdist_group("compat")]

REFERENCE = ("mlflow", "mlflow")
PAIRS = [("mlflow", "heron"), ("heron", "mlflow"), ("heron", "heron")]
PAIR_IDS = [f"{c}-client-on-{s}-server" for c, s in PAIRS]
SERVERS = {"mlflow": "mlflow_server", "heron": "heron_compat_server"}  # fixtures in conftest

# MLflow's own wording, the same on every server and through every client; messages of
# search-grammar errors are Heron's own (they say where the filter went wrong).
COMPARED_MESSAGES = (
    "get old name",
    "create duplicate",
    "get deleted model",
    "get deleted version",
    "version of missing model",
    "get missing version",
    "invalid stage",
    "latest of missing model",
    "reserved alias latest",
    "reserved alias v1",
    "alias to missing version",
    "missing alias",
    "load missing version",
    "load missing alias",
    "local path source",
    "traversal out of the run",
    "runs: of another run",
)


@dataclass(frozen=True)
class Result:
    """One run of the registry session: who ran it against what, and its summary."""

    client: str
    server: str
    summary: dict[str, Any]

    @property
    def label(self) -> str:
        """e.g. ``mlflow client -> heron server``."""
        return f"{self.client} client -> {self.server} server"


_RESULTS: dict[tuple[str, str], Result] = {}


def run_session(request: pytest.FixtureRequest, client: str, server_kind: str) -> Result:
    """The registry session of ``client`` against ``server_kind``, run once per process."""
    if (client, server_kind) not in _RESULTS:
        server: ServerProcess = request.getfixturevalue(SERVERS[server_kind])
        python = request.getfixturevalue("mlflow_venv") if client == "mlflow" else sys.executable
        summary = run_script(
            python,
            "registry_session.py",
            f"--client={client}",
            f"--prefix={client}-on-{server_kind}",
            MLFLOW_TRACKING_URI=server.url,
        )
        _RESULTS[client, server_kind] = Result(client, server_kind, summary)
    return _RESULTS[client, server_kind]


@pytest.fixture(scope="session")
def reference(request: pytest.FixtureRequest) -> Result:
    """What the mlflow client sees on the MLflow server."""
    return run_session(request, *REFERENCE)


@pytest.fixture(scope="session", params=PAIRS, ids=PAIR_IDS)
def result(request: pytest.FixtureRequest) -> Result:
    """What one client sees on one server."""
    client, server_kind = request.param
    return run_session(request, client, server_kind)


# -- differences Heron has on purpose -------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """A value that may differ from MLflow's: when it ``applies`` and ``accept`` agrees."""

    applies: Callable[[Result], bool]
    accept: Callable[[Any, Any], bool]
    why: str


def _heron_client(result: Result) -> bool:
    return result.client == "heron"


def _heron_server(result: Result) -> bool:
    return result.server == "heron"


RUN_MODEL_DIR = "mlflow-artifacts:/<fluent>/<run-f1>/artifacts/model"
KNOWN: dict[tuple[str, str], Known] = {
    ("stages", "archive flag to Archived"): Known(
        _heron_server,
        lambda ref, got: got == "INVALID_PARAMETER_VALUE",
        "MLflow 3.17.2 fails with INTERNAL_ERROR (HTTP 500); Heron refuses the request as "
        "invalid, as its contract says",
    ),
    ("search_models", "models: OR"): Known(
        _heron_server,
        lambda ref, got: got == "no error",
        "OR (and parentheses) in filters is Heron's extension of MLflow's grammar",
    ),
    ("search_versions", "versions: OR"): Known(
        _heron_server,
        lambda ref, got: got == "no error",
        "OR (and parentheses) in filters is Heron's extension of MLflow's grammar",
    ),
    ("fluent_register", "register_model"): Known(
        _heron_client,
        lambda ref, got: {**got, "source": ref["source"]} == ref and got["source"] == RUN_MODEL_DIR,
        "Heron's log_model also stores the model under the run's artifacts, so register_model "
        "of runs:/<run>/model takes that directory (MLflow's own rule) over models:/<id>",
    ),
    ("load_models", "download uri"): Known(
        _heron_client,
        lambda ref, got: got == RUN_MODEL_DIR,
        "version 1's source is the run's model directory (see register_model)",
    ),
    ("load_models", "load empty stage"): Known(
        _heron_client,
        lambda ref, got: got == "RESOURCE_DOES_NOT_EXIST",
        "MLflow's client raises a bare MlflowException (INTERNAL_ERROR) for a stage without "
        "versions; Heron's says RESOURCE_DOES_NOT_EXIST",
    ),
}


def differences(
    result: Result, expected: dict[str, Any], got: dict[str, Any], where: str
) -> list[str]:
    """Each label whose value in ``got`` differs from ``expected`` (bar known differences)."""
    problems = []
    for label, want in expected.items():
        value = got.get(label, "<not recorded>")
        known = KNOWN.get((where, label))
        if value == want or (known and known.applies(result) and known.accept(want, value)):
            continue
        problems.append(
            f"[{where}] {label}:\n  mlflow: {json.dumps(want)}\n  got:    {json.dumps(value)}"
        )
    return problems


# -- tests ----------------------------------------------------------------------------------


def test_the_script_passes_on_mlflow(reference: Result) -> None:
    assert reference.summary["version"] == "3.17.2"
    failed = {
        step: outcome for step, outcome in reference.summary["steps"].items() if outcome != "ok"
    }
    assert not failed, json.dumps(failed, indent=1)


def test_every_registry_step_succeeds(result: Result) -> None:
    failed = {step: outcome for step, outcome in result.summary["steps"].items() if outcome != "ok"}
    assert not failed, f"{result.label}:\n" + json.dumps(failed, indent=1)


def test_registry_values_match_mlflow(result: Result, reference: Result) -> None:
    problems = []
    for step, expected in reference.summary["seen"].items():
        problems += differences(result, expected, result.summary["seen"].get(step, {}), step)
    assert not problems, f"{result.label}:\n" + "\n".join(problems)


def test_registry_error_codes_match_mlflow(result: Result, reference: Result) -> None:
    problems = differences(result, reference.summary["errors"], result.summary["errors"], "errors")
    assert not problems, f"{result.label}:\n" + "\n".join(problems)


def test_registry_error_messages_match_mlflow(result: Result, reference: Result) -> None:
    expected = {label: reference.summary["messages"][label] for label in COMPARED_MESSAGES}
    problems = differences(result, expected, result.summary["messages"], "messages")
    assert not problems, f"{result.label}:\n" + "\n".join(problems)
