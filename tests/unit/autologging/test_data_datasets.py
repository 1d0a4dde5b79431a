"""heron.data: MLflow's digests and JSON, log_input(s), dataset search filters, get_source."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import heron.data
from heron.exceptions import InvalidParameter


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [1.5, 2.5, None]})


def test_pandas_dataset_fields_match_mlflow() -> None:
    # Expected values printed by MLflow 3.17.2 for the same frame (compat test re-checks).
    dataset = heron.data.from_pandas(_frame(), source="/tmp/x.csv", name="n")
    fields = dataset.to_dict()
    assert fields["digest"] == "22fb2a24"
    assert fields["source_type"] == "local"
    assert json.loads(fields["source"] or "") == {"uri": "/tmp/x.csv"}
    assert json.loads(fields["profile"] or "") == {"num_rows": 3, "num_elements": 9}
    colspec = json.loads(fields["schema"] or "")["mlflow_colspec"]
    assert [c["type"] for c in colspec] == ["long", "string", "double"]


def test_numpy_dataset_digest_and_profile() -> None:
    dataset = heron.data.from_numpy(
        np.arange(12.0).reshape(4, 3), targets=np.array([0, 1, 0, 1]), source="s3://b/k"
    )
    assert dataset.digest == "929378ba"
    assert dataset.name == "dataset"
    assert dataset.source.source_type == "s3"
    assert dataset.profile["features_shape"] == [4, 3]


def test_from_dict_and_bad_targets() -> None:
    dataset = heron.data.from_dict({"x": [1.0, 2.0], "y": [0, 1]}, targets="y")
    assert set(dataset.features) == {"x"}
    with pytest.raises(InvalidParameter, match="targets"):
        heron.data.from_dict({"x": [1.0]}, targets="nope")
    with pytest.raises(InvalidParameter, match="targets column 'zzz'"):
        heron.data.from_pandas(_frame(), targets="zzz")


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="scheme"):
        heron.data.from_pandas(_frame(), source="weird://x")


def test_log_inputs_search_and_load(fluent: ModuleType, tmp_path: Path) -> None:
    csv = tmp_path / "train.csv"
    _frame().to_csv(csv, index=False)
    train = heron.data.from_pandas(_frame(), source=str(csv), name="train")
    evaluation = heron.data.from_numpy(np.ones((2, 2)), name="eval")
    with fluent.start_run() as run:
        fluent.log_inputs(
            [train, evaluation], contexts=["training", None], tags_list=[None, {"k": "v"}]
        )
    found = fluent.search_runs(filter_string="datasets.name = 'train'", output_format="list")
    assert [r.info.run_id for r in found] == [run.info.run_id]
    found = fluent.search_runs(
        filter_string=f"datasets.digest = '{train.digest}' and datasets.context = 'training'",
        output_format="list",
    )
    assert len(found) == 1
    inputs = {i.dataset.name: i for i in fluent.get_run(run.info.run_id).inputs.dataset_inputs}
    assert inputs["train"].context == "training"
    assert heron.data.get_source(inputs["eval"]).source_type == "code"
    loaded = heron.data.get_source(inputs["train"]).load()
    assert pd.read_csv(loaded).equals(_frame())
    with pytest.raises(InvalidParameter, match="same length"), fluent.start_run():
        fluent.log_inputs([train], contexts=["a", "b"])
