"""Every ```python block of README.md runs as written.

The README's convention (stated in its "Development" section): a ```python block is a whole
script that runs on its own, pasted into a fresh directory with nothing configured, so it
uses the embedded default store (``./heron.db``, ``./heron-artifacts``). Anything else (shell
commands, fragments, output, configuration files) is fenced as ```bash, ```console, ```text
or ```ini and is not run. Each block runs here in its own process and its own temporary
directory, without any ``HERON_*``/``MLFLOW_*`` variable of the test environment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
NOT_RUN = {"bash", "console", "text", "ini", "yaml", "toml", "json", ""}
BLOCK_TIMEOUT_SECONDS = 240


def _blocks() -> list[tuple[str, int, str]]:
    """``(language, first line, code)`` of every fenced block of the README, in order."""
    text = README.read_text(encoding="utf-8")
    return [
        (match.group(1), text.count("\n", 0, match.start()) + 1, match.group(2))
        for match in FENCE.finditer(text)
    ]


PYTHON_BLOCKS = [(line, code) for language, line, code in _blocks() if language == "python"]


def _clean_environment() -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("HERON_", "MLFLOW_"))
    }
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return environment


def test_the_readme_fences_use_known_languages() -> None:
    unknown = {(language, line) for language, line, _ in _blocks()}
    unknown = {item for item in unknown if item[0] != "python" and item[0] not in NOT_RUN}
    assert not unknown, f"README blocks with an unknown language (line numbers): {unknown}"
    assert len(PYTHON_BLOCKS) >= 5


@pytest.mark.parametrize(
    ("line", "code"), PYTHON_BLOCKS, ids=[f"line{line}" for line, _ in PYTHON_BLOCKS]
)
def test_readme_python_block_runs_as_written(line: int, code: str, tmp_path: Path) -> None:
    script = tmp_path / f"readme_line{line}.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, script.name],
        cwd=tmp_path,
        env=_clean_environment(),
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, (
        f"README.md block at line {line} failed:\n{code}\n--- stderr ---\n{done.stderr[-3000:]}"
    )
