"""Loading a model: skops imported only for skops models, its estimator list cached, no torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.linear_model import LinearRegression

import heron.sklearn

PROBE = r"""
import json, sys, time
from heron.sklearn import load_model
began = time.perf_counter()
model = load_model(sys.argv[1])
seconds = time.perf_counter() - began
trusted = None
if "skops.io" in sys.modules:
    trusted = sys.modules["skops.io"]._trusted_types.SKLEARN_ESTIMATOR_TYPE_NAMES
print(json.dumps({
    "model": type(model).__name__,
    "seconds": seconds,
    "skops": "skops" in sys.modules,
    "torch": "torch" in sys.modules,
    "trusted": trusted,
}))
"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("skops-models")
    model = LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])
    heron.sklearn.save_model(model, root / "skops", serialization_format="skops")
    heron.sklearn.save_model(model, root / "cloudpickle", serialization_format="cloudpickle")
    return root


def _load_in_new_process(model_dir: Path, cache: Path) -> dict[str, object]:
    env = {**os.environ, "HERON_SKOPS_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(model_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_skops_model_caches_the_estimator_list_and_never_imports_torch(
    saved: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = _load_in_new_process(saved / "skops", cache)
    assert first["model"] == "LinearRegression"
    assert first["skops"] is True
    assert first["torch"] is False
    files = list(cache.glob("skops-estimators-*.json"))
    assert len(files) == 1
    cached = json.loads(files[0].read_text())
    assert cached == first["trusted"]
    assert "sklearn.linear_model._base.LinearRegression" in cached
    assert "sklearn.ensemble._forest.RandomForestClassifier" in cached
    assert len(cached) > 150

    second = _load_in_new_process(saved / "skops", cache)
    assert second["model"] == "LinearRegression"
    assert second["torch"] is False
    assert second["trusted"] == cached  # skops trusts exactly what a plain import trusts

    files[0].write_text(json.dumps(["os.system"]))  # not scikit-learn's: ignored, recomputed
    third = _load_in_new_process(saved / "skops", cache)
    assert third["trusted"] == cached
    assert json.loads(files[0].read_text()) == cached


def test_pickled_models_never_import_skops(saved: Path, tmp_path: Path) -> None:
    loaded = _load_in_new_process(saved / "cloudpickle", tmp_path / "cache")
    assert loaded["model"] == "LinearRegression"
    assert loaded["skops"] is False
    assert loaded["torch"] is False
    assert not (tmp_path / "cache").exists()
