"""``heron run`` end to end on local projects: seeds 002/003, tracking, failures, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from project_store import LOG_SCRIPT, Store

pytestmark = pytest.mark.integration

SAMPLE_PROJECT = """\
name: sample_project
conda_env: conda.yaml
entry_points:
  main:
    parameters:
      data_path: path
    command: "python train.py {data_path}"
  validate:
    parameters:
      data_path: path
    command: "python train.py validate {data_path}"
"""

SEED_003 = """\
name: My Project
conda_env: my_env.yaml
entry_points:
  main:
    parameters:
      data_file: path
      regularization: {type: float, default: 0.1}
    command: "python train.py -r {regularization} {data_file}"
  validate:
    parameters:
      data_file: path
    command: "python train.py {data_file}"
"""

CONDA = "name: sample\ndependencies:\n- python=3.11\n- pip\n"


def test_seed_002_sample_project_main_and_validate(
    store: Store, make_project: Callable[..., Path], tmp_path: Path
) -> None:
    project = make_project(
        "sample_project", SAMPLE_PROJECT, **{"conda.yaml": CONDA, "train.py": LOG_SCRIPT}
    )
    train, test = tmp_path / "train_dataset.tgz", tmp_path / "test_dataset.tgz"
    train.touch()
    test.touch()
    main = store.heron("run", str(project), "-P", f"data_path={train}", "--env-manager", "local")
    assert main.returncode == 0, main.stderr
    validate = store.heron("run", str(project), "-e", "validate", "-P", f"data_path={test}",
                           "--env-manager", "local")  # fmt: skip
    assert validate.returncode == 0, validate.stderr
    newest, first = store.runs()
    assert first.data.tags["mlflow.project.entryPoint"] == "main"
    assert first.data.params == {"data_path": str(train)}
    assert newest.data.tags["argv"] == f"validate {test}"
    for run in (first, newest):
        assert run.info.status == "FINISHED"
        assert run.data.metrics == {"ran": 1.0}
        assert run.data.tags["mlflow.source.type"] == "PROJECT"
        assert run.data.tags["mlflow.source.name"] == str(project)
        assert run.data.tags["mlflow.project.env"] == "local"
        assert run.data.tags["mlflow.project.backend"] == "local"
    assert f"Run (ID '{first.info.run_id}') succeeded" in main.stderr


def test_seed_003_default_regularization_and_extra_parameters(
    store: Store, make_project: Callable[..., Path]
) -> None:
    project = make_project("p003", SEED_003, **{"my_env.yaml": CONDA, "train.py": LOG_SCRIPT})
    (project / "data.csv").write_text("x\n")
    done = store.heron("run", str(project), "-P", "data_file=data.csv", "-P", "depth=5",
                       "--env-manager", "local", "--experiment-name", "tuning",
                       "--run-name", "trial-3")  # fmt: skip
    # data_file is relative to where heron runs, not to the project: it does not exist there
    assert done.returncode == 1
    assert "Got value data.csv for parameter data_file, but no such file" in done.stderr
    assert store.runs() == []
    done = store.heron("run", str(project), "-P", f"data_file={project / 'data.csv'}",
                       "-P", "depth=5", "--env-manager", "local", "--experiment-name", "tuning",
                       "--run-name", "trial-3")  # fmt: skip
    assert done.returncode == 0, done.stderr
    (run,) = store.runs()
    assert run.info.run_name == "trial-3"
    assert store.client.get_experiment(run.info.experiment_id).name == "tuning"
    assert run.data.params == {
        "data_file": str(project / "data.csv"), "regularization": "0.1", "depth": "5"
    }  # fmt: skip
    assert run.data.tags["argv"] == f"-r 0.1 {project / 'data.csv'} --depth 5"


def test_a_failing_command_gives_its_exit_code_and_a_failed_run(
    store: Store, make_project: Callable[..., Path]
) -> None:
    project = make_project("failing", None, **{"fail.sh": "echo 'partial output'\nexit 3\n"})
    done = store.heron("run", str(project), "-e", "fail.sh")
    assert done.returncode == 3
    assert "partial output" in done.stdout
    assert "failed" in done.stderr
    (run,) = store.runs()
    assert run.info.status == "FAILED"
    assert run.info.end_time is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-e", "nope"], "Could not find nope among entry points ['main', 'validate']"),
        (
            ["-P", "data_file=/", "-P", "regularization=high"],
            "Parameter 'regularization' must be a float",
        ),
        ([], "No value given for missing parameters: 'data_file'"),
        (["-P", "oops"], "expected NAME=VALUE"),
        (["-P", "data_file=/", "-b", "kubernetes"], "Backend 'kubernetes' is not supported"),
    ],
)
def test_bad_input_creates_no_run(
    store: Store, make_project: Callable[..., Path], args: list[str], message: str
) -> None:
    project = make_project("p", SEED_003, **{"my_env.yaml": CONDA})
    done = store.heron("run", str(project), "--env-manager", "local", *args)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert store.runs() == []


def test_bad_mlproject_yaml_names_the_line(store: Store, make_project: Callable[..., Path]) -> None:
    project = make_project("bad", "name: x\nentry_points:\n  main:\n\tcommand: x\n")
    done = store.heron("run", str(project))
    assert done.returncode == 1
    assert "is not valid YAML at line 4" in done.stderr


def test_run_id_resumes_a_run_and_backend_config_file(
    store: Store, make_project: Callable[..., Path], tmp_path: Path
) -> None:
    project = make_project("resume", None, **{"log.py": LOG_SCRIPT})
    run = store.client.create_run("0", run_name="planned")
    config = tmp_path / "backend.json"
    config.write_text(json.dumps({"STORAGE_DIR": str(tmp_path / "storage")}))
    done = store.heron("run", str(project), "-e", "log.py", "--run-id", run.info.run_id,
                       "-b", "local", "--backend-config", str(config), "-P", "k=v")  # fmt: skip
    assert done.returncode == 0, done.stderr
    (resumed,) = store.runs()
    assert resumed.info.run_id == run.info.run_id
    assert resumed.info.status == "FINISHED"
    assert resumed.data.params == {"k": "v"}
    assert resumed.data.metrics == {"ran": 1.0}
    assert (tmp_path / "storage").is_dir()


def test_bad_backend_config_is_refused(
    store: Store, make_project: Callable[..., Path], tmp_path: Path
) -> None:
    project = make_project("cfg", None, **{"log.py": LOG_SCRIPT})
    (tmp_path / "bad.json").write_text("{not json")
    done = store.heron("run", str(project), "-e", "log.py", "-c", str(tmp_path / "bad.json"))
    assert done.returncode == 1
    assert "is not valid JSON (line 1)" in done.stderr
    assert store.runs() == []


def _wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_heron_run_kills_the_command_and_the_run(
    store: Store, make_project: Callable[..., Path], tmp_path: Path, sig: signal.Signals
) -> None:
    marker, child_pid = tmp_path / "started", tmp_path / "pid"
    script = (
        "import os, time, pathlib\n"
        f"pathlib.Path({str(child_pid)!r}).write_text(str(os.getpid()))\n"
        f"pathlib.Path({str(marker)!r}).touch()\n"
        "time.sleep(120)\n"
    )
    project = make_project("sleepy", None, **{"sleep.py": script})
    command = [sys.executable, "-m", "heron", "--tracking-uri", store.uri, "run", str(project),
               "-e", "sleep.py"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=store.cwd, env=store.env(), stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(marker)
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "KILLED" in stderr
    (run,) = store.runs()
    assert run.info.status == "KILLED"
    pid = int(child_pid.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
