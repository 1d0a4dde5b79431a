"""A scripted model-registry session, run by a real client against a tracking server.

Usage::

    python registry_session.py --client mlflow|heron --prefix NAME

``--client mlflow`` drives the official ``mlflow`` package (run it with the mlflow
virtualenv's python), ``--client heron`` the same calls through ``import heron as mlflow``.
The server is the one ``MLFLOW_TRACKING_URI`` names. Every step asserts what MLflow 3.17.2
does (checked against a real MLflow server) and records what it saw, normalized so that two
servers can be compared: names lose the session's prefix, run, model and experiment ids
become labels, version numbers are strings (MLflow's REST client), timestamps become
relations ("did it change?"). Error codes go to ``errors``, error messages to ``messages``.
Each step runs even when an earlier one failed; the last stdout line is one JSON object::

    {"client": "mlflow", "version": "3.17.2",
     "steps": {"models": "ok", "aliases": "FAILED: AssertionError: ... (at ...)", ...},
     "seen": {step: {label: value}}, "errors": {label: code}, "messages": {label: message},
     "seconds": {step: seconds}}
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from registry_fluent import FluentSteps
from registry_search import SearchSteps
from registry_versions import VersionSteps

HERE = Path(__file__).resolve().parent


class Session(VersionSteps, SearchSteps, FluentSteps):
    """The client, the labels used to normalize ids, and what each step saw."""

    def __init__(self, client: str, prefix: str):
        self.name = client
        self.mlflow: Any = importlib.import_module(client)
        self.client: Any = self.mlflow.MlflowClient()
        self.prefix = prefix
        self.labels: dict[str, str] = {}  # id -> <label>
        self.step = ""
        self.outcomes: dict[str, str] = {}
        self.seen: dict[str, dict[str, Any]] = {}
        self.errors: dict[str, str] = {}
        self.messages: dict[str, str] = {}
        self.wrong: list[str] = []  # calls of the running step that did not fail as expected

    # -- normalizing -----------------------------------------------------------------------

    def label(self, identifier: str, label: str) -> None:
        """Write ``<label>`` for ``identifier`` wherever it appears in what is recorded."""
        self.labels[identifier] = f"<{label}>"

    def label_experiment(self, experiment_id: str, label: str) -> None:
        """Write ``<label>`` for an experiment id inside artifact URIs (ids are short)."""
        self.labels[f"mlflow-artifacts:/{experiment_id}/"] = f"mlflow-artifacts:/<{label}>/"

    def norm(self, value: Any) -> Any:
        """``value`` with the prefix and known ids replaced, recursively."""
        if isinstance(value, str):
            for identifier, label in sorted(self.labels.items(), key=lambda i: -len(i[0])):
                value = value.replace(identifier, label)
            return value.replace(self.prefix, "<p>")
        if isinstance(value, dict):
            return {self.norm(k): self.norm(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.norm(v) for v in value]
        return value

    def record(self, label: str, value: Any) -> Any:
        """Remember ``value`` (normalized) under the running step; return it unchanged."""
        self.seen.setdefault(self.step, {})[label] = self.norm(value)
        return value

    def model_view(self, model: Any) -> dict[str, Any]:
        """A registered model as comparable JSON.

        Unset strings read ``""`` (MLflow's REST client) or None (its SQL store, and Heron's
        entities, which also keep versions as ``int``); both become ``""`` here.
        """
        return {
            "name": model.name,
            "description": model.description or "",
            "tags": dict(model.tags),
            "aliases": {alias: str(v) for alias, v in sorted(model.aliases.items())},
            "latest_versions": sorted(
                [str(mv.version), mv.current_stage] for mv in model.latest_versions
            ),
            "timestamps_set": ordered(model.creation_timestamp, model.last_updated_timestamp),
        }

    def version_view(self, mv: Any) -> dict[str, Any]:
        """A model version as comparable JSON."""
        return {
            "name": mv.name,
            "version": str(mv.version),
            "stage": mv.current_stage,
            "status": str(mv.status),
            "description": mv.description or "",
            "source": mv.source,
            "run_id": mv.run_id or "",
            "run_link": mv.run_link or "",
            "tags": dict(mv.tags),
            "aliases": sorted(mv.aliases),
            "timestamps_set": ordered(mv.creation_timestamp, mv.last_updated_timestamp),
        }

    def expect_error(self, label: str, code: str, call: Callable[[], Any]) -> None:
        """Record the error code and message of ``call``, which must fail with ``code``.

        A call that does not is remembered, and fails the step when it ends, so one wrong
        answer does not hide the ones after it.
        """
        try:
            call()
        except self.mlflow.MlflowException as error:
            self.errors[label] = error.error_code
            message = str(error.message).removeprefix(f"{error.error_code}: ")
            self.messages[label] = self.norm(message)
            if error.error_code != code:
                self.wrong.append(f"{label}: {error.error_code}: {error.message}")
            return
        self.errors[label] = "no error"
        self.wrong.append(f"{label}: no error")

    def outcome(self, label: str, call: Callable[[], Any]) -> None:
        """Record the error code of ``call`` (or "no error") where servers may differ."""
        try:
            call()
        except self.mlflow.MlflowException as error:
            self.record(label, error.error_code)
        else:
            self.record(label, "no error")

    @staticmethod
    def tick() -> None:
        """Let the millisecond clock move, so "did the timestamp change?" has one answer."""
        time.sleep(0.005)

    # -- registered models -----------------------------------------------------------------

    def step_models(self) -> None:
        """Create, read, update, tag, rename and delete registered models."""
        client, name = self.client, f"{self.prefix}-crud"
        created = client.create_registered_model(
            name, tags={"team": "ml", "k": "v"}, description="first"
        )
        self.record("created", self.model_view(created))
        assert (created.name, created.description) == (name, "first"), created
        got = self.record("get", self.model_view(client.get_registered_model(name)))
        assert got["tags"] == {"team": "ml", "k": "v"}, got
        assert got["latest_versions"] == [], got
        self.tick()
        updated = client.update_registered_model(name, description="second")
        self.record("updated", self.model_view(updated))
        assert updated.last_updated_timestamp > created.last_updated_timestamp
        self.tick()
        client.set_registered_model_tag(name, "k", "v2")
        client.set_registered_model_tag(name, "drop", "x")
        client.delete_registered_model_tag(name, "drop")
        tagged = client.get_registered_model(name)
        assert tagged.tags == {"team": "ml", "k": "v2"}, tagged.tags
        same = tagged.last_updated_timestamp == updated.last_updated_timestamp
        self.record("tag changes keep last_updated", same)
        self._rename_and_delete(name)

    def _rename_and_delete(self, name: str) -> None:
        client, new_name = self.client, f"{self.prefix}-crud-renamed"
        client.rename_registered_model(name, new_name)  # MLflow's returns None
        renamed = client.get_registered_model(new_name)
        self.record("renamed", self.model_view(renamed))
        assert renamed.name == new_name, renamed.name
        assert renamed.tags == {"team": "ml", "k": "v2"}, renamed.tags
        self.expect_error(
            "get old name", "RESOURCE_DOES_NOT_EXIST", lambda: client.get_registered_model(name)
        )
        other = client.create_registered_model(f"{self.prefix}-crud-other").name
        self.expect_error(
            "create duplicate",
            "RESOURCE_ALREADY_EXISTS",
            lambda: client.create_registered_model(new_name),
        )
        self.expect_error(
            "rename onto existing",
            "RESOURCE_ALREADY_EXISTS",
            lambda: client.rename_registered_model(other, new_name),
        )
        self.expect_error(
            "empty name", "INVALID_PARAMETER_VALUE", lambda: client.create_registered_model("")
        )
        client.delete_registered_model(new_name)
        self.expect_error(
            "get deleted model",
            "RESOURCE_DOES_NOT_EXIST",
            lambda: client.get_registered_model(new_name),
        )
        self.expect_error(
            "delete missing model",
            "RESOURCE_DOES_NOT_EXIST",
            lambda: client.delete_registered_model(new_name),
        )
        self.expect_error(
            "update missing model",
            "RESOURCE_DOES_NOT_EXIST",
            lambda: client.update_registered_model(new_name, description="x"),
        )
        client.delete_registered_model(other)


def ordered(created: int | None, updated: int | None) -> bool:
    """Both timestamps are set and the update is not before the creation."""
    return bool(created) and bool(updated) and updated >= created  # type: ignore[operator]


STEPS = (
    "models",
    "search_models",
    "versions",
    "copy",
    "stages",
    "aliases",
    "search_versions",
    "fluent_register",
    "load_models",
)


def run_step(session: Session, name: str) -> str:
    """``ok`` or ``FAILED: error`` (with the innermost frame in these scripts)."""
    session.step, session.wrong = name, []
    try:
        getattr(session, f"step_{name}")()
        assert not session.wrong, "; ".join(session.wrong)
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if Path(f.filename).parent == HERE] or frames
        where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}"
        return f"FAILED: {type(error).__name__}: {error} (at {where})"[:4000]
    finally:
        with contextlib.suppress(Exception):
            while session.mlflow.active_run() is not None:
                session.mlflow.end_run()
    return "ok"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=("mlflow", "heron"), required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--only", default="", help="comma list of steps (default: all)")
    args = parser.parse_args()
    # Errors must come back at once: MLflow's client retries a 500 for minutes otherwise.
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    session = Session(args.client, args.prefix)
    wanted = [s for s in STEPS if not args.only or s in args.only.split(",")]
    seconds = {}
    for name in wanted:
        started = time.perf_counter()
        session.outcomes[name] = run_step(session, name)
        seconds[name] = round(time.perf_counter() - started, 2)
    summary = {
        "client": args.client,
        "version": session.mlflow.__version__,
        "steps": session.outcomes,
        "seen": session.seen,
        "errors": session.errors,
        "messages": session.messages,
        "seconds": seconds,  # for whoever wonders why a run is slow; never compared
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
