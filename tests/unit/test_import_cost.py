"""``import heron`` stays light: no database driver, dataframe library or web framework."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "alembic", "pandas", "numpy", "starlette", "fastapi", "flask", "uvicorn")


def _modules_after(code: str) -> set[str]:
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return {name.partition(".")[0] for name in json.loads(out)}


def test_import_heron_loads_no_heavy_library() -> None:
    loaded = _modules_after("import heron")
    assert "heron" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_fluent_names_resolve_without_heavy_libraries() -> None:
    loaded = _modules_after("import heron\nheron.start_run, heron.log_metric, heron.MlflowClient")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
