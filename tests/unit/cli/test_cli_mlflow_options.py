"""The MLflow options ``heron`` gained: refusals with reasons, ``--env-file``, ``doctor``,
``experiments search --max-results``, ``models update-pip-requirements``, the Dockerfile's
``--install-java`` and ``--mlflow-home``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import yaml
from click.testing import CliRunner

from heron.cli.main import cli
from heron.cli.refusals import RefusedOption


def _refused(group: click.Group, path: list[str]) -> list[tuple[list[str], RefusedOption]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            found += _refused(command, [*path, name])
        found += [([*path, name], p) for p in command.params if isinstance(p, RefusedOption)]
    return found


def test_each_refused_option_stops_with_its_reason() -> None:
    refused = _refused(cli, [])
    assert len(refused) >= 10
    runner = CliRunner()
    for path, option in refused:
        value = [] if option.is_flag else ["x"]
        result = runner.invoke(cli, [*path, option.opts[0], *value])
        assert result.exit_code == 2, (path, option.opts, result.output)
        assert f"{option.opts[0]} is not supported by Heron: {option.reason}" in result.output
        assert option.hidden


def test_an_accepted_value_of_a_refused_option_passes() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["server", "--disable-workspaces", "--port", "x"])
    assert "is not a valid integer" in result.output  # parsing went on past --disable-workspaces
    assert "not supported" not in result.output


def _heron(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from heron.cli import main; main()", *arguments],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_env_file_sets_what_is_not_set_and_doctor_masks(tmp_path: Path) -> None:
    env_file = tmp_path / "x.env"
    env_file.write_text(
        "HERON_CLIAUDIT_FROM_FILE=file\nHERON_CLIAUDIT_SET=file\n"
        "MLFLOW_TRACKING_URI=postgresql://me:s3cret@db/heron\n",
        encoding="utf-8",
    )
    done = _heron("--env-file", str(env_file), "doctor", env={"HERON_CLIAUDIT_SET": "shell"})
    assert done.returncode == 0, done.stderr
    assert f"Loaded environment variables from: {env_file}" in done.stderr
    assert "  HERON_CLIAUDIT_FROM_FILE: file\n" in done.stdout
    assert "  HERON_CLIAUDIT_SET: shell\n" in done.stdout
    assert "Tracking URI: postgresql://me:s3cret@db/heron\n" in done.stdout
    assert "Heron version: " in done.stdout
    assert "  click: " in done.stdout
    masked = _heron("--env-file", str(env_file), "doctor", "--mask-envs")
    assert "Tracking URI: postgresql://me:***@db/heron\n" in masked.stdout
    assert "  HERON_CLIAUDIT_FROM_FILE: ***\n" in masked.stdout
    assert "s3cret" not in masked.stdout
    missing = _heron("--env-file", str(tmp_path / "nope.env"), "doctor")
    assert missing.returncode == 2
    assert f"Environment file '{tmp_path / 'nope.env'}' does not exist." in missing.stderr


def test_experiments_search_max_results_and_gc_workspaces(tmp_path: Path) -> None:
    runner = CliRunner()
    uri = f"sqlite:///{tmp_path / 'h.db'}"
    for name in ("a", "b", "c"):
        assert runner.invoke(cli, ["--tracking-uri", uri, "experiments", "create", "-n", name])
    listed = runner.invoke(cli, ["--tracking-uri", uri, "experiments", "search"]).output
    ids = [line.split()[0] for line in listed.splitlines()[2:]]
    assert ids == ["0", "1", "2", "3"]  # sorted, as MLflow lists them
    two = runner.invoke(cli, ["--tracking-uri", uri, "experiments", "search", "--max-results", "2"])
    assert two.exit_code == 0
    assert len(two.output.splitlines()) == 2 + 2
    bad = runner.invoke(
        cli, ["--tracking-uri", uri, "experiments", "search", "--max-results", "-1"]
    )
    assert bad.exit_code == 2
    assert "--max-results" in bad.output
    gc = ["--backend-store-uri", uri, "--dry-run", "--jobs", "--all-workspaces"]
    quiet = runner.invoke(cli, ["gc", *gc, "--workspace", "default"])
    assert (quiet.exit_code, quiet.output) == (0, "")
    other = runner.invoke(cli, ["gc", *gc, "--workspace", "team"])
    assert other.exit_code == 2
    assert "--workspace 'team' is not supported by Heron" in other.output


def test_update_pip_requirements_of_a_local_model(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "MLmodel").write_text("flavors: {}\n", encoding="utf-8")
    (model / "requirements.txt").write_text("mlflow==3.1\nnumpy==1.26\n", encoding="utf-8")
    conda = {"dependencies": ["python=3.11", {"pip": ["mlflow==3.1", "numpy==1.26"]}]}
    (model / "conda.yaml").write_text(yaml.safe_dump(conda), encoding="utf-8")
    runner = CliRunner()
    add = ["models", "update-pip-requirements", "-m", str(model), "add", "numpy==2.0", "pandas"]
    result = runner.invoke(cli, add)
    assert result.exit_code == 0, result.output
    assert f"Successfully updated the requirements for the model at {model}!" in result.output
    lines = (model / "requirements.txt").read_text(encoding="utf-8").split()
    assert lines == ["mlflow==3.1", "numpy==2.0", "pandas"]
    remove = ["models", "update-pip-requirements", "-m", str(model), "remove", "numpy>=1"]
    assert runner.invoke(cli, remove).exit_code == 0
    pip = yaml.safe_load((model / "conda.yaml").read_text(encoding="utf-8"))["dependencies"][1]
    assert pip["pip"] == ["mlflow==3.1", "pandas"]
    wrong = runner.invoke(cli, ["models", "update-pip-requirements", "-m", str(model), "move"])
    assert wrong.exit_code == 2
    assert "'move' is not one of 'add', 'remove'" in wrong.output


def test_dockerfile_install_java_and_mlflow_home(tmp_path: Path) -> None:
    runner = CliRunner()
    plain = runner.invoke(cli, ["models", "generate-dockerfile", "-d", str(tmp_path / "plain")])
    assert plain.exit_code == 0, plain.output
    assert "default-jre-headless" not in (tmp_path / "plain" / "Dockerfile").read_text()
    source = Path(__file__).resolve().parents[3]  # this checkout: src/heron
    java = runner.invoke(
        cli,
        ["models", "generate-dockerfile", "-d", str(tmp_path / "java"), "--install-java",
         "--mlflow-home", str(source)],
    )  # fmt: skip
    assert java.exit_code == 0, java.output
    assert "default-jre-headless" in (tmp_path / "java" / "Dockerfile").read_text()
    assert (tmp_path / "java" / "heron" / "cli" / "refusals.py").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = runner.invoke(
        cli,
        ["models", "generate-dockerfile", "-d", str(tmp_path / "x"), "--mlflow-home", str(empty)],
    )
    assert refused.exit_code == 1
    assert f"--mlflow-home '{empty}' holds no Heron source" in refused.output


def test_server_dev_refuses_what_mlflow_refuses_with_it() -> None:
    runner = CliRunner()
    for extra, message in (
        (["--uvicorn-opts", "--access-log"], "'--dev' and '--uvicorn-opts' cannot be specified"),
        (["--app-name", "basic-auth"], "'--dev' cannot be used with '--app-name'"),
        (["--workers", "2"], "'--dev' serves from one process"),
    ):
        result = runner.invoke(cli, ["server", "--dev", *extra])
        assert result.exit_code == 2, result.output
        assert message in result.output
    frame = runner.invoke(cli, ["server", "--x-frame-options", "ALLOW-FROM x"])
    assert frame.exit_code == 2
    assert "use SAMEORIGIN, DENY or NONE" in frame.output
