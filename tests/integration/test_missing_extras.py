"""A missing optional dependency ends a script or a CLI command with one line naming the
extra to install (``Error: ... pip install 'heron[<extra>]'``), not a traceback.

Each case runs a real Python process in which the dependency cannot be imported
(``sys.modules[name] = None``, as if it were not installed).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BLOCK = "import sys; sys.modules[{module!r}] = None; "


def _run(module: str, code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK.format(module=module) + code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


@pytest.mark.parametrize(
    ("module", "code", "extra"),
    [
        (
            "pandas",
            "import heron; heron.set_tracking_uri('sqlite:///h.db'); heron.search_runs()",
            "pandas",
        ),
        (
            "psycopg",
            "import heron; heron.set_tracking_uri('postgresql://u@127.0.0.1:9/db'); "
            "heron.search_experiments()",
            "postgres",
        ),
        ("sklearn", "import heron.sklearn; heron.sklearn.save_model(object(), 'm')", "sklearn"),
    ],
    ids=["search_runs-without-pandas", "postgresql-without-psycopg", "sklearn-without-sklearn"],
)
def test_python_script_ends_with_one_line(
    module: str, code: str, extra: str, tmp_path: Path
) -> None:
    result = _run(module, code, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert lines[0].endswith(f"pip install 'heron[{extra}]'")


def test_cli_ends_with_one_line(tmp_path: Path) -> None:
    result = _run(
        "psycopg",
        "from heron.cli.main import cli; cli(prog_name='heron')",
        "--tracking-uri",
        "postgresql://u@127.0.0.1:9/db",
        "experiments",
        "search",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: A postgresql:// store needs psycopg, which is not installed: "
        "pip install 'heron[postgres]'"
    ]


def test_missing_extra_is_still_an_import_error(tmp_path: Path) -> None:
    result = _run(
        "pandas",
        "import heron\n"
        "from heron.extras import import_extra\n"
        "try:\n    import_extra('pandas', 'pandas', 'x')\n"
        "except ImportError as error:\n    print(type(error).__name__, error.error_code)\n",
        cwd=tmp_path,
    )
    assert result.stdout.strip() == "MissingExtra INTERNAL_ERROR", result.stderr
