"""The export/import console scripts end to end: options, output, exit codes."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.transfer_data import Source, populate, sqlite_client
from heron.tracking.client import MlflowClient
from heron.transfer.tagpolicy import STATE_TAG

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def tool(
    env: dict[str, str], name: str, *args: str, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(BIN / name), *args], env=env, capture_output=True, text=True, check=False
    )
    assert (result.returncode == 0) == ok, result.stdout + result.stderr
    return result


def env_for(uri: str, tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HERON_", "MLFLOW_"))}
    clean["MLFLOW_TRACKING_URI"] = uri
    clean["HERON_DEFAULT_ARTIFACT_ROOT"] = str(tmp_path / "cli-artifacts")
    return clean


@pytest.fixture
def source(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[MlflowClient, Source]:
    client = sqlite_client(monkeypatch, tmp_path / "source")
    return client, populate(client, tmp_path)


def _help(name: str) -> str:
    """A tool's help text with its line wrapping undone."""
    return " ".join(tool(os.environ.copy(), name, "--help").stdout.split())


def test_help_shows_the_user_guides_options_and_defaults() -> None:
    text = _help("import-experiment-list")
    for expected in (
        "--input-dir, --input TEXT Input directory. [required]",
        "--experiment-name-prefix TEXT If specified, added as prefix to experiment name.",
        "--use-src-user-id BOOLEAN Set the destination user ID to the source user ID.",
        "--import-mlflow-tags BOOLEAN Import mlflow tags. [default: True]",
        "--import-metadata-tags BOOLEAN Import mlflow_export_import tags. [default: False]",
        "--workers INTEGER RANGE Runs transferred at the same time. [default: 1; x>=1]",
    ):
        assert expected in text
    run_help = _help("import-run")
    assert "--import-mlflow-tags BOOLEAN Import mlflow tags. [default: False]" in run_help
    assert "--mlmodel-fix BOOLEAN Add correct run ID in destination MLmodel" in run_help
    export_help = _help("export-experiment")
    assert "--export-metadata-tags BOOLEAN Export source run metadata tags." in export_help
    assert "Databricks only: no effect elsewhere." in export_help


def test_export_and_import_lists_print_progress_and_a_summary(
    source: tuple[MlflowClient, Source], tmp_path: Path
) -> None:
    client, _ = source
    out = tmp_path / "out"
    exported = tool(
        env_for(client.tracking_uri, tmp_path),
        "export-experiment-list",
        "--experiments",
        "all",
        "--output-dir",
        str(out),
        "--workers",
        "2",
    ).stdout
    lines = exported.splitlines()
    assert lines[0] == f"Exporting experiment 'Default' (ID 0) to '{out / '0'}'"
    assert lines[-3:-1] == ["3 experiments exported", "5/5 runs successfully exported"]
    assert lines[-1].startswith("Duration: ")
    assert lines[-1].endswith(" seconds")
    destination = env_for(f"sqlite:///{tmp_path / 'dst.db'}", tmp_path)
    imported = tool(
        destination,
        "import-experiment-list",
        "--input-dir",
        str(out),
        "--experiment-name-prefix",
        "imported_",
        "--use-src-user-id",
        "True",
        "--verify",
        "True",
    ).stdout
    assert "Importing experiment 'wine' (ID 1) from" in imported
    assert "No differences" in imported
    assert "5/5 runs successfully imported" in imported
    again = tool(
        destination,
        "import-experiment-list",
        "--input-dir",
        str(out),
        "--experiment-name-prefix",
        "imported_",
    ).stdout
    assert "5/5 runs successfully imported (5 already there)" in again


def test_the_heron_command_runs_the_same_tools(
    source: tuple[MlflowClient, Source], tmp_path: Path
) -> None:
    client, made = source
    env = env_for("sqlite:///unused.db", tmp_path)
    out = tmp_path / "run"
    heron = [sys.executable, "-m", "heron", "--tracking-uri"]
    subprocess.run(
        [
            *heron,
            client.tracking_uri,
            "export-run",
            "--run-id",
            made.runs["parent"],
            "--output-dir",
            str(out),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    assert (out / "run.json").exists()
    destination = f"sqlite:///{tmp_path / 'dst.db'}"
    done = subprocess.run(
        [*heron, destination, "import-run", "--input-dir", str(out), "--experiment-name", "single"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "Imported run '" in done.stdout
    new_id = done.stdout.strip().split("'")[-4]
    run = MlflowClient(tracking_uri=destination).get_run(new_id)
    assert "mlflow.source.name" not in run.data.tags  # import-run's default: no mlflow tags
    assert run.data.tags["mlflow.runName"] == "parent"


def test_diff_exits_non_zero_on_a_difference(
    source: tuple[MlflowClient, Source], tmp_path: Path
) -> None:
    client, made = source
    destination = f"sqlite:///{tmp_path / 'dst.db'}"
    env = env_for(destination, tmp_path)
    tool(env, "copy-experiment", "--experiment", "wine", "--src-mlflow-uri", client.tracking_uri)
    same = subprocess.run(
        [
            sys.executable,
            "-m",
            "heron",
            "transfer",
            "diff",
            "--src-mlflow-uri",
            client.tracking_uri,
            "--experiments",
            "wine",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (same.returncode, same.stdout.strip()) == (0, "No differences")
    client.log_param(made.runs["parent"], "added", "later")
    changed = subprocess.run(
        [
            sys.executable,
            "-m",
            "heron",
            "transfer",
            "diff",
            "--src-mlflow-uri",
            client.tracking_uri,
            "--experiments",
            "wine",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert changed.returncode == 1
    assert "1 difference:" in changed.stdout
    assert "param 'added' is missing" in changed.stdout


def test_failures_exit_non_zero_and_name_what_failed(
    source: tuple[MlflowClient, Source], tmp_path: Path
) -> None:
    client, made = source
    out = tmp_path / "out"
    tool(
        env_for(client.tracking_uri, tmp_path),
        "export-experiment",
        "--experiment",
        "wine",
        "--output-dir",
        str(out),
    )
    (out / "runs" / made.runs["modelled"] / "artifacts").mkdir(exist_ok=True)
    (out / "runs" / made.runs["modelled"] / "artifacts" / "extra.txt").write_text("?")
    env = env_for(f"sqlite:///{tmp_path / 'dst.db'}", tmp_path)
    failed = tool(
        env, "import-experiment", "--input-dir", str(out), "--experiment-name", "w", ok=False
    )
    assert "2/3 runs successfully imported" in failed.stdout
    assert f"Failed: run '{made.runs['modelled']}' (experiment 'w')" in failed.stdout
    assert failed.stderr.startswith("Error: 1 of 3 runs failed to be imported")
    assert "'extra.txt'" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_bad_input_is_an_error_without_a_traceback(tmp_path: Path) -> None:
    env = env_for(f"sqlite:///{tmp_path / 'dst.db'}", tmp_path)
    missing = tool(
        env,
        "import-experiment",
        "--input-dir",
        str(tmp_path / "none"),
        "--experiment-name",
        "x",
        ok=False,
    )
    assert missing.stderr.strip() == (
        f"Error: '{tmp_path / 'none'}' is not an exported experiment: it has no experiment.json"
    )
    no_experiment = tool(
        env,
        "export-experiment",
        "--experiment",
        "nope",
        "--output-dir",
        str(tmp_path / "o"),
        ok=False,
    )
    assert no_experiment.stderr.strip() == "Error: Cannot find experiment ID or name 'nope'"
    bad_bool = tool(
        env,
        "import-run",
        "--input-dir",
        str(tmp_path),
        "--experiment-name",
        "x",
        "--mlmodel-fix",
        "maybe",
        ok=False,
    )
    assert "'maybe' is not a valid boolean" in bad_bool.stderr


def test_unreachable_server_is_reported(tmp_path: Path) -> None:
    from fixtures.server import free_port

    env = env_for(f"http://127.0.0.1:{free_port()}", tmp_path)
    env["HERON_HTTP_REQUEST_MAX_RETRIES"] = "0"
    failed = tool(
        env,
        "export-experiment-list",
        "--experiments",
        "all",
        "--output-dir",
        str(tmp_path / "o"),
        ok=False,
    )
    assert failed.stderr.startswith("Error: API request to http://127.0.0.1:")
    assert "Connection refused" in failed.stderr


@pytest.mark.slow
def test_a_killed_import_resumes_without_duplicates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client = sqlite_client(monkeypatch, tmp_path / "source")
    experiment = client.create_experiment("many")
    blob = tmp_path / "blob.bin"
    blob.write_bytes(os.urandom(1 << 20))
    for index in range(40):
        run_id = client.create_run(experiment, run_name=f"r{index}").info.run_id
        client.log_param(run_id, "i", index)
        client.log_artifact(run_id, str(blob))
    out = tmp_path / "out"
    tool(
        env_for(client.tracking_uri, tmp_path),
        "export-experiment",
        "--experiment",
        "many",
        "--output-dir",
        str(out),
    )
    destination_uri = f"sqlite:///{tmp_path / 'dst.db'}"
    env = env_for(destination_uri, tmp_path)
    process = subprocess.Popen(
        [str(BIN / "import-experiment"), "--input-dir", str(out), "--experiment-name", "many"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    destination = MlflowClient(tracking_uri=destination_uri)
    while process.poll() is None:  # kill it once a few runs are complete
        found = destination.get_experiment_by_name("many")
        runs = destination.search_runs([found.experiment_id]) if found else []
        if sum(r.data.tags.get(STATE_TAG) == "complete" for r in runs) >= 3:
            process.kill()
        process_wait(process)
    resumed = tool(
        env,
        "import-experiment",
        "--input-dir",
        str(out),
        "--experiment-name",
        "many",
        "--verify",
        "True",
    ).stdout
    skipped = re.search(r"40/40 runs successfully imported \((\d+) already there\)", resumed)
    assert skipped is not None, resumed
    assert 3 <= int(skipped.group(1)) < 40  # the killed import's complete runs, kept
    found = destination.get_experiment_by_name("many")
    assert found is not None
    active = destination.search_runs([found.experiment_id])
    assert sorted(r.data.params["i"] for r in active) == sorted(str(i) for i in range(40))


def process_wait(process: subprocess.Popen[bytes]) -> None:
    """Give a running import a moment (without failing when it is still running)."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(0.05)


def test_just_peek_and_the_user_guides_import_run_example(
    source: tuple[MlflowClient, Source], tmp_path: Path
) -> None:
    client, made = source
    out = tmp_path / "out"
    env = env_for(client.tracking_uri, tmp_path)
    tool(
        env,
        "export-experiment",
        "--experiment",
        "wine",
        "--output-dir",
        str(out),
        "--bundle-format",
        "1.2",
    )
    peek = tool(
        env,
        "import-experiment",
        "--input-dir",
        str(out),
        "--experiment-name",
        "x",
        "--just-peek",
        "True",
    ).stdout
    assert '"name": "wine"' in peek
    assert '"runs": 3' in peek
    assert MlflowClient(tracking_uri=client.tracking_uri).get_experiment_by_name("x") is None
    destination = env_for(f"sqlite:///{tmp_path / 'dst.db'}", tmp_path)
    # The user guide's example: `import-run --run-id ID --input out --experiment-name ...`
    done = tool(
        destination,
        "import-run",
        "--run-id",
        made.runs["child"],
        "--input",
        str(out),
        "--experiment-name",
        "sklearn_wine_imported",
    ).stdout
    assert "Imported run '" in done
