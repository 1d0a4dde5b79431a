"""``import heron.<flavor>`` stays light: no framework is imported until a model is used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FLAVORS = ("pytorch", "onnx", "keras", "tensorflow", "xgboost", "lightgbm", "flavors")
HEAVY = ("torch", "onnx", "onnxruntime", "keras", "tensorflow", "xgboost", "lightgbm", "pandas")


@pytest.mark.parametrize("flavor", FLAVORS)
def test_flavor_import_loads_no_framework(flavor: str) -> None:
    code = (
        f"import sys, json; import heron.{flavor}; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(result.stdout) == []
