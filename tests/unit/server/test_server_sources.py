"""The source rules on their own, over real SQLite stores: the cases a live server's default
configuration cannot show (hosts of the server's own storage, a run without a root)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from heron.exceptions import HeronError, InvalidParameter
from heron.server.settings import ServerSettings
from heron.server.sources import MAX_SOURCE_LENGTH, SourceCheck, check_text
from heron.store.registry import clear_registry_store_cache, get_registry_store
from heron.store.tracking import clear_store_cache, get_tracking_store


@pytest.fixture
def rules(tmp_path: Path) -> Iterator[SourceCheck]:
    """Source rules of a server keeping artifacts on an HDFS cluster and an SFTP host."""
    uri = f"sqlite:///{tmp_path / 'heron.db'}"
    settings = ServerSettings(
        backend_store_uri=uri,
        default_artifact_root="hdfs://namenode:8020/heron",
        artifacts_destination="sftp://files.internal/heron",
    )
    yield SourceCheck(
        get_tracking_store(uri, settings.artifact_root), get_registry_store(uri), settings
    )
    clear_registry_store_cache()
    clear_store_cache()


@pytest.mark.parametrize(
    "source",
    ["hdfs://namenode:8020/heron/model", "sftp://files.internal/other/model", "s3://b/model"],
)
def test_host_addressed_sources_on_the_servers_own_storage_are_accepted(
    rules: SourceCheck, source: str
) -> None:
    assert rules.check(source).source == source


@pytest.mark.parametrize(
    "source",
    ["hdfs://namenode:9000/model", "sftp://evil.example/model", "ftp://files.internal/model"],
)
def test_host_addressed_sources_elsewhere_are_refused(rules: SourceCheck, source: str) -> None:
    with pytest.raises(InvalidParameter, match="host of the server's artifact storage"):
        rules.check(source)


def test_a_run_id_that_is_not_a_run_is_refused(rules: SourceCheck, tmp_path: Path) -> None:
    run_id = "0123456789abcdef0123456789abcdef"
    # runs:/ of the request's run_id: accepted even when the run lives in another tracking
    # store (MLflow 3.17.2 with a separate registry store); only a mismatch is refused.
    accepted = rules.check(f"runs:/{run_id}/model", run_id)
    assert (accepted.source, accepted.run_id) == (f"runs:/{run_id}/model", run_id)
    with pytest.raises(InvalidParameter, match="run_id request parameter must identify"):
        rules.check(f"runs:/{run_id}/model", "f" * 32)
    with pytest.raises(InvalidParameter, match="run_id request parameter must identify"):
        rules.check(str(tmp_path / "model"), "0123456789abcdef0123456789abcdef")
    with pytest.raises(InvalidParameter, match="To use a local path"):
        rules.check(str(tmp_path / "model"))


def test_an_invalid_operator_regex_is_a_server_error(
    rules: SourceCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERON_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX", "(")
    with pytest.raises(HeronError, match="Invalid source validation regex") as raised:
        rules.check("s3://b/model")
    assert raised.value.http_status == 500


@pytest.mark.parametrize(
    "source",
    [
        "s3://b/m?x",
        "s3://b/m#x",
        "s3://b\\c/m",
        "s3://b c/m",
        "s3://b/m;x",
        "s3://b/%2e%2e/m",
        "s3://b/%25252e%25252e/m",
        "s3://b/m\x00",
        "s3://b/" + "m" * MAX_SOURCE_LENGTH,
    ],
)
def test_text_checks_hold_for_every_scheme(source: str) -> None:
    with pytest.raises(InvalidParameter, match="Invalid model version source"):
        check_text(source)


def test_long_sources_are_not_echoed_in_full() -> None:
    with pytest.raises(InvalidParameter) as raised:
        check_text("/" + "a" * 10_000)
    assert len(raised.value.message) < 600


def test_a_local_source_is_resolved_then_checked(tmp_path: Path) -> None:
    """``<run root>/model/..`` stays inside the run's root: accepted (as MLflow resolves it);
    ``..`` that leaves the root is still refused."""
    uri = f"sqlite:///{tmp_path / 'local.db'}"
    root = tmp_path / "artifacts"
    settings = ServerSettings(backend_store_uri=uri, default_artifact_root=str(root))
    tracking = get_tracking_store(uri, settings.artifact_root)
    rules = SourceCheck(tracking, get_registry_store(uri), settings)
    try:
        run = tracking.create_run("0", "me", 1, [], "r")
        run_root = run.info.artifact_uri or ""
        run_dir = run_root.removeprefix("file://")
        accepted = rules.check(f"{run_dir}/model/sub/..", run.info.run_id)
        assert accepted.source == f"{run_dir}/model"
        as_uri = rules.check(f"file://{run_dir}/model/./sub/..", run.info.run_id)
        assert as_uri.source == f"file://{run_dir}/model"
        with pytest.raises(InvalidParameter):
            rules.check(f"{run_dir}/model/../../../other", run.info.run_id)
        with pytest.raises(InvalidParameter):
            rules.check(f"{run_dir}/%2e%2e/%2e%2e/x", run.info.run_id)
    finally:
        clear_registry_store_cache()
        clear_store_cache()
