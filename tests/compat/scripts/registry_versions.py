"""Registry session steps on versions: create/get/update/delete, copy, stages and aliases."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


class VersionSteps:
    """Mixed into the registry session (see ``registry_session.Session``)."""

    mlflow: Any
    client: Any
    prefix: str
    label: Any  # Session.label(identifier, label)
    label_experiment: Any  # Session.label_experiment(experiment_id, label)
    record: Any  # Session.record(label, value) -> value
    model_view: Any  # Session.model_view(model) -> dict
    version_view: Any  # Session.version_view(version) -> dict
    expect_error: Any  # Session.expect_error(label, code, call)
    outcome: Any  # Session.outcome(label, call)
    tick: Any  # Session.tick()
    _experiment_id: str | None = None

    # -- fixtures ------------------------------------------------------------------------

    def new_run(self, label: str) -> str:
        """A finished run holding a small ``model/`` artifact directory, labelled ``label``."""
        client = self.client
        if self._experiment_id is None:
            self._experiment_id = client.create_experiment(f"{self.prefix}-registry")
            self.label_experiment(self._experiment_id, "experiment")
        run_id = client.create_run(self._experiment_id, run_name=label).info.run_id
        self.label(run_id, label)
        with tempfile.TemporaryDirectory() as directory:
            (Path(directory) / "MLmodel").write_text("flavors: {}\n")
            client.log_artifact(run_id, str(Path(directory) / "MLmodel"), "model")
        client.set_terminated(run_id)
        return run_id

    def new_model(self, suffix: str, versions: int, run_id: str, **tags: str) -> str:
        """A registered model ``<prefix>-<suffix>`` with ``versions`` versions from ``run_id``."""
        name = f"{self.prefix}-{suffix}"
        self.client.create_registered_model(name)
        for _ in range(versions):
            self.tick()  # distinct creation times keep creation_timestamp orders total
            self.client.create_model_version(
                name, f"runs:/{run_id}/model", run_id=run_id, tags=tags or None
            )
        return name

    # -- versions ------------------------------------------------------------------------

    def step_versions(self) -> None:
        """Create, get, update, tag and delete versions; numbers are never reused."""
        client, run_id = self.client, self.new_run("run-v")
        name = f"{self.prefix}-versions"
        model = client.create_registered_model(name)
        self.tick()
        v1 = client.create_model_version(
            name,
            f"runs:/{run_id}/model",
            run_id=run_id,
            tags={"a": "1"},
            run_link="http://example.com/run",
            description="v1 desc",
            await_creation_for=0,
        )
        self.record("v1", self.version_view(v1))
        assert (str(v1.version), v1.current_stage, str(v1.status)) == ("1", "None", "READY")
        after = client.get_registered_model(name)
        self.record(
            "version create bumps model",
            after.last_updated_timestamp > model.last_updated_timestamp,
        )
        artifact_uri = client.get_run(run_id).info.artifact_uri
        v2 = client.create_model_version(name, f"{artifact_uri}/model", run_id=run_id)
        self.record(
            "v2 source is the run's artifact location", v2.source == f"{artifact_uri}/model"
        )
        self.record("v2", self.version_view(v2))
        self.record("get by int", self.version_view(client.get_model_version(name, 2)))
        self.record("get by str", self.version_view(client.get_model_version(name, "2")))
        self._update_and_tag(name)
        self._delete_versions(name, run_id)
        self.record("model", self.model_view(client.get_registered_model(name)))
        uri = client.get_model_version_download_uri(name, "1")
        self.record("download uri v1", uri)
        self.record(
            "download uri v2 is the source",
            client.get_model_version_download_uri(name, 2) == v2.source,
        )

    def _update_and_tag(self, name: str) -> None:
        client = self.client
        before = client.get_model_version(name, "2")
        model_before = client.get_registered_model(name)
        self.tick()
        updated = client.update_model_version(name, "2", description="now described")
        self.record("updated", self.version_view(updated))
        assert updated.last_updated_timestamp > before.last_updated_timestamp
        model_after = client.get_registered_model(name)
        self.record(
            "version description keeps model last_updated",
            model_after.last_updated_timestamp == model_before.last_updated_timestamp,
        )
        self.tick()
        client.set_model_version_tag(name, "2", "k", "v")
        client.set_model_version_tag(name, "2", "drop", "x")
        client.delete_model_version_tag(name, "2", "drop")
        tagged = client.get_model_version(name, "2")
        assert tagged.tags == {"k": "v"}, tagged.tags
        self.record("tags", self.version_view(tagged))
        self.record(
            "tags keep version last_updated",
            tagged.last_updated_timestamp == updated.last_updated_timestamp,
        )

    def _delete_versions(self, name: str, run_id: str) -> None:
        client = self.client
        v3 = client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id)
        assert str(v3.version) == "3", v3.version
        client.delete_model_version(name, "3")
        self.expect_error(
            "get deleted version",
            "RESOURCE_DOES_NOT_EXIST",
            lambda: client.get_model_version(name, "3"),
        )
        v4 = client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id)
        self.record("number after delete", str(v4.version))
        assert str(v4.version) == "4", v4.version
        client.delete_model_version(name, "4")
        self.expect_error(
            "version of missing model",
            "RESOURCE_DOES_NOT_EXIST",
            lambda: client.create_model_version(
                f"{self.prefix}-absent", f"runs:/{run_id}/model", run_id=run_id
            ),
        )
        self._refused_sources(name, run_id)
        self.expect_error(
            "get missing version",
            "RESOURCE_DOES_NOT_EXIST",
            lambda: client.get_model_version(name, "99"),
        )
        self.expect_error(
            "delete missing version",
            "RESOURCE_DOES_NOT_EXIST",
            lambda: client.delete_model_version(name, "99"),
        )

    def _refused_sources(self, name: str, run_id: str) -> None:
        """A server refuses sources outside what it manages (the CVE-2023-1177 family)."""
        client, artifact_uri = self.client, self.client.get_run(run_id).info.artifact_uri
        sources = {
            "local path source": ("/etc", None),
            "file: source": ("file:///etc", None),
            "local path source with a run": ("/etc", run_id),
            "traversal out of the run": (f"{artifact_uri}/../../../../etc", run_id),
            "encoded traversal": (f"{artifact_uri}/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc", run_id),
            "runs: of another run": ("runs:/0123456789abcdef0123456789abcdef/model", run_id),
        }
        for label, (source, source_run) in sources.items():
            self.expect_error(
                label,
                "INVALID_PARAMETER_VALUE",
                lambda source=source, source_run=source_run: client.create_model_version(
                    name, source, run_id=source_run
                ),
            )

    def step_copy(self) -> None:
        """copy_model_version into a new model; the copy's source is the original's URI."""
        client, run_id = self.client, self.new_run("run-copy")
        name = self.new_model("copy-src", 1, run_id, origin="src")
        copied = client.copy_model_version(f"models:/{name}/1", f"{self.prefix}-copy-dst")
        self.record("copy", self.version_view(copied))
        self.record("dst", self.model_view(client.get_registered_model(f"{self.prefix}-copy-dst")))

    # -- stages --------------------------------------------------------------------------

    def step_stages(self) -> None:
        """Transitions (any case), archive_existing_versions, latest versions per stage."""
        client, run_id = self.client, self.new_run("run-s")
        name = self.new_model("stages", 4, run_id)
        staged = client.transition_model_version_stage(name, "1", "staging")
        assert staged.current_stage == "Staging", staged.current_stage
        self.record("staging", self.version_view(staged))
        client.transition_model_version_stage(name, "2", "Production")
        before = client.get_model_version(name, "2")
        self.tick()
        promoted = client.transition_model_version_stage(
            name, "3", "PRODUCTION", archive_existing_versions=True
        )
        self.record("promoted", self.version_view(promoted))
        archived = client.get_model_version(name, "2")
        assert archived.current_stage == "Archived", archived.current_stage
        self.record(
            "archived bumps last_updated",
            archived.last_updated_timestamp > before.last_updated_timestamp,
        )
        self.record("stage of v1 kept", client.get_model_version(name, "1").current_stage)
        self.record("latest (all)", self._latest(name, None))
        self.record("latest Production", self._latest(name, ["Production"]))
        self.record("latest staging,None", self._latest(name, ["staging", "None"]))
        self.record("model", self.model_view(client.get_registered_model(name)))
        self.record("stages of a version", client.get_model_version_stages(name, "1"))
        self.expect_error(
            "invalid stage",
            "INVALID_PARAMETER_VALUE",
            lambda: client.transition_model_version_stage(name, "1", "bogus"),
        )
        self.expect_error(
            "latest of missing model",
            "RESOURCE_DOES_NOT_EXIST",
            lambda: client.get_latest_versions(f"{self.prefix}-absent"),
        )
        self._archive_flag_on_inactive_stage(name)

    def _archive_flag_on_inactive_stage(self, name: str) -> None:
        """MLflow 3.17.2 answers INTERNAL_ERROR here; Heron refuses it as invalid."""
        self.outcome(
            "archive flag to Archived",
            lambda: self.client.transition_model_version_stage(
                name, "4", "Archived", archive_existing_versions=True
            ),
        )

    def _latest(self, name: str, stages: list[str] | None) -> list[list[str]]:
        found = self.client.get_latest_versions(name, stages)
        return sorted([str(mv.version), mv.current_stage] for mv in found)

    # -- aliases -------------------------------------------------------------------------

    def step_aliases(self) -> None:
        """Set, re-point, read and delete aliases; reserved names; rename and delete keep up."""
        client, run_id = self.client, self.new_run("run-a")
        name = self.new_model("aliases", 3, run_id)
        before = client.get_registered_model(name)
        self.tick()
        client.set_registered_model_alias(name, "champion", "1")
        client.set_registered_model_alias(name, "challenger", 2)
        client.set_registered_model_alias(name, "champion", "2")  # re-points
        by_alias = client.get_model_version_by_alias(name, "champion")
        assert str(by_alias.version) == "2", by_alias.version
        self.record("champion", self.version_view(by_alias))
        model = self.record("model", self.model_view(client.get_registered_model(name)))
        assert model["aliases"] == {"challenger": "2", "champion": "2"}, model["aliases"]
        self.record(
            "aliases keep model last_updated",
            client.get_registered_model(name).last_updated_timestamp
            == before.last_updated_timestamp,
        )
        self.record("v1 aliases", sorted(client.get_model_version(name, "1").aliases))
        client.delete_registered_model_alias(name, "challenger")
        client.delete_registered_model_alias(name, "challenger")  # absent: no error
        latest = client.get_model_version_by_alias(name, "latest")
        self.record("@latest", str(latest.version))
        self._alias_errors(name)
        client.set_registered_model_alias(name, "prod", "1")
        client.delete_model_version(name, "2")  # takes its alias "champion" along
        self.record("after deleting v2", self.model_view(client.get_registered_model(name)))
        renamed = f"{name}-renamed"
        client.rename_registered_model(name, renamed)
        self.record(
            "by alias after rename",
            self.version_view(client.get_model_version_by_alias(renamed, "prod")),
        )

    def _alias_errors(self, name: str) -> None:
        client = self.client
        for alias in ("latest", "LATEST", "v1", "V12"):
            self.expect_error(
                f"reserved alias {alias}",
                "INVALID_PARAMETER_VALUE",
                lambda alias=alias: client.set_registered_model_alias(name, alias, "1"),
            )
        self.expect_error(
            "alias to missing version",
            "RESOURCE_DOES_NOT_EXIST",
            lambda: client.set_registered_model_alias(name, "ghost", "99"),
        )
        self.expect_error(
            "missing alias",
            "INVALID_PARAMETER_VALUE",
            lambda: client.get_model_version_by_alias(name, "nobody"),
        )
