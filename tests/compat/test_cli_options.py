"""Every classic command and option of ``mlflow`` 3.17.2 is accepted by ``heron``.

``scripts/cli_options.py`` walks the click tree of MLflow's CLI (run with the MLflow
virtualenv's python) and of Heron's. Every MLflow command must exist in Heron unless it is
in ``EXCLUDED_COMMANDS``; every option of a command both have must be accepted with the
same names, flag-ness and environment variables, and the same default unless listed in
``DEFAULTS`` (reviewed, with the reason). Options that make no sense in Heron are accepted
by the parser and refused with the reason (``heron.cli.refusals``); they are listed here
too, so the refusal stays a decision. A new MLflow option or command, or a list entry that
no longer names one, fails the test until the lists are updated.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from processes import run_script

pytestmark = pytest.mark.compat

GENAI = "GenAI (agents, judges, evaluation datasets, assistants, skills): outside Heron's scope"
TRACING = "traces (GenAI tracing): outside Heron's scope"
GATEWAY = "AI gateway and MCP: outside Heron's scope"
WORKSPACES = "workspaces (multi-tenant servers): Heron has none"
SAGEMAKER = "SageMaker deployment: outside Heron's scope (build-docker makes a servable image)"
DEPLOYMENTS = (
    "deployment-target plugins (SageMaker, Databricks, OpenAI endpoints): Heron has no "
    "plugin targets; it serves with `models serve` and packages with `models build-docker`"
)

#: MLflow commands (paths) Heron leaves out, with the reason; a group covers its commands.
EXCLUDED_COMMANDS: dict[str, str] = {
    "agent": GENAI,
    "ai-commands": GENAI,
    "assistant": GENAI,
    "autolog": GENAI,
    "datasets": GENAI,
    "demo": GENAI,
    "scorers": GENAI,
    "skills": GENAI,
    "traces": TRACING,
    "runs link-traces": TRACING,
    "experiments update": TRACING,
    "db delete-trace-rollups": TRACING,
    "db prepopulate-trace-analytics": TRACING,
    "mcp": GATEWAY,
    "crypto": GATEWAY,
    "db migrate-to-default-workspace": WORKSPACES,
    "db move-resources": WORKSPACES,
    "sagemaker": SAGEMAKER,
    "deployments": DEPLOYMENTS,
}

#: (command, option) -> why Heron refuses it (the option exists, hidden, and errors).
REFUSED: dict[tuple[str, str], str] = {
    ("server", "--gunicorn-opts"): "Heron serves with uvicorn (--uvicorn-opts)",
    ("server", "--waitress-opts"): "Heron serves with uvicorn (--uvicorn-opts)",
    ("server", "--expose-prometheus"): "Heron exports no Prometheus metrics",
    ("server", "--trace-archival-config"): TRACING,
    ("server", "--secrets-cache-ttl"): GATEWAY,
    ("server", "--secrets-cache-max-size"): GATEWAY,
    ("server", "--workspace-store-uri"): WORKSPACES,
    ("server", "--enable-workspaces"): WORKSPACES,
    ("experiments create", "--trace-archival-retention"): TRACING,
    ("gc", "--job-ids"): "Heron keeps no jobs (MLflow's GenAI job store)",
}

#: (command, option) -> why Heron's default differs from MLflow's.
DEFAULTS: dict[tuple[str, str], str] = {
    ("server", "--backend-store-uri"): "Heron's database is ./heron.db (MLflow: mlflow.db)",
    ("server", "--artifacts-destination"): "Heron's folder is ./heron-artifacts",
    ("server", "--workers"): "one worker unless asked (MLflow: uvicorn's default of 4)",
    ("server", "--static-prefix"): "'' and None both mean no prefix",
    ("models serve", "--workers"): "one worker unless asked",
    ("models build-docker", "--name"): "Heron's image name, heron-pyfunc-servable",
    ("models generate-dockerfile", "--output-directory"): "Heron's folder, heron-dockerfile",
    ("models generate-dockerfile", "--env-manager"): "virtualenv, as MLflow's None means",
}

#: Environment variables Heron reads under its own name only, with the reason.
ENVVARS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def trees(mlflow_venv: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """MLflow's command tree and Heron's: path -> {"params": [...]}."""
    return run_script(mlflow_venv, "cli_options.py", "mlflow"), run_script(
        sys.executable, "cli_options.py", "heron"
    )


def _excluded(path: str) -> bool:
    words = path.split()
    return any(" ".join(words[:n]) in EXCLUDED_COMMANDS for n in range(1, len(words) + 1))


def _options(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        opt: param for param in command["params"] if param["kind"] == "option"
        for opt in param["opts"]
    }  # fmt: skip


def _compared(mlflow: dict[str, Any], heron: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(command, option, what differs) for each classic option."""
    problems = []
    for path, command in mlflow.items():
        if _excluded(path):
            continue
        if path not in heron:
            problems.append((path, "", "command missing"))
            continue
        ours = _options(heron[path])
        for param in command["params"]:
            if param["kind"] == "argument":
                names = [p["name"] for p in heron[path]["params"] if p["kind"] == "argument"]
                if param["name"] not in names:
                    problems.append((path, param["name"], "argument missing"))
                continue
            problems += _option_problems(path, param, ours)
    return problems


def _option_problems(
    path: str, param: dict[str, Any], ours: dict[str, dict[str, Any]]
) -> list[tuple[str, str, str]]:
    name = param["opts"][0]
    missing = [opt for opt in param["opts"] if opt not in ours]
    if missing:
        return [(path, name, f"not accepted: {missing}")]
    heron = ours[name]
    if (path, name) in REFUSED:
        return [] if heron["refused"] else [(path, name, "listed as refused but accepted")]
    problems = []
    if heron["refused"]:
        problems.append((path, name, "refused but not listed in REFUSED"))
    if heron["flag"] != param["flag"]:
        problems.append((path, name, f"flag {heron['flag']} (MLflow: {param['flag']})"))
    if heron["default"] != param["default"] and (path, name) not in DEFAULTS:
        problems.append((path, name, f"default {heron['default']!r} ({param['default']!r})"))
    lost = set(param["envvars"]) - set(heron["envvars"])
    if lost and (path, name) not in ENVVARS:
        problems.append((path, name, f"environment variables not read: {sorted(lost)}"))
    return problems


def test_every_classic_mlflow_command_and_option_is_accepted(
    trees: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    problems = _compared(*trees)
    assert not problems, "\n".join(f"{p}  {o}  {what}" for p, o, what in problems)


def test_exclusions_name_real_mlflow_commands_and_options(
    trees: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    mlflow, heron = trees
    stale = [path for path in EXCLUDED_COMMANDS if path not in mlflow]
    stale += [path for path in EXCLUDED_COMMANDS if path in heron]
    for listing in (REFUSED, DEFAULTS, ENVVARS):
        stale += [
            f"{p} {o}" for p, o in listing if o not in _options(mlflow.get(p, {"params": []}))
        ]
    assert not stale, stale


def test_the_root_options_match(trees: tuple[dict[str, Any], dict[str, Any]]) -> None:
    mlflow, heron = trees
    assert set(_options(mlflow[""])) <= set(_options(heron[""]))
