"""Entities on the wire: MLflow's exact JSON shapes, and round trips through the codecs."""

from __future__ import annotations

import json
import math

import pytest

from heron.entities import (
    Dataset,
    DatasetInput,
    Experiment,
    FileInfo,
    InputTag,
    LoggedModelInput,
    LoggedModelOutput,
    Metric,
    Param,
    Run,
    RunData,
    RunInfo,
    RunInputs,
    RunOutputs,
    RunTag,
)
from heron.protocol import decode_response, encode_response, route_named

INFO = RunInfo(
    "r1", "3", "ana", "FINISHED", 10, 20, "active", "mlflow-artifacts:/3/r1/artifacts", "n"
)


def _json(rpc: str, values: dict[str, object]) -> dict[str, object]:
    return json.loads(encode_response(route_named(rpc), values))  # type: ignore[no-any-return]


def _round_trip(rpc: str, values: dict[str, object]) -> dict[str, object]:
    route = route_named(rpc)
    return decode_response(route, encode_response(route, values))


def test_experiment_json_omits_unset_fields_and_empty_tags() -> None:
    experiment = Experiment("3", "errs2", "mlflow-artifacts:/3", "active", {}, 5, 6)
    assert _json("GetExperiment", {"experiment": experiment}) == {
        "experiment": {
            "experiment_id": "3",
            "name": "errs2",
            "artifact_location": "mlflow-artifacts:/3",
            "lifecycle_stage": "active",
            "last_update_time": 6,
            "creation_time": 5,
            "workspace": "default",
        }
    }


def test_experiment_round_trips_with_tags() -> None:
    experiment = Experiment("3", "e", "s3://b/3", "deleted", {"team": "nlp", "x": ""}, 5, 6)
    assert _round_trip("GetExperiment", {"experiment": experiment})["experiment"] == experiment


def test_run_info_repeats_run_id_as_run_uuid() -> None:
    info = _json("UpdateRun", {"run_info": INFO})["run_info"]
    assert info == {
        "run_uuid": "r1",
        "experiment_id": "3",
        "run_name": "n",
        "user_id": "ana",
        "status": "FINISHED",
        "start_time": 10,
        "end_time": 20,
        "artifact_uri": "mlflow-artifacts:/3/r1/artifacts",
        "lifecycle_stage": "active",
        "run_id": "r1",
    }


def test_empty_run_has_empty_data_inputs_and_outputs() -> None:
    running = INFO.replace(end_time=None, status="RUNNING")
    body = _json("GetRun", {"run": Run(running)})["run"]
    assert body["data"] == body["inputs"] == body["outputs"] == {}  # type: ignore[index]
    assert "end_time" not in body["info"]  # type: ignore[operator]


def test_a_new_run_has_no_outputs_yet() -> None:
    """As MLflow's CreateRun answers (its get and search answers have them)."""
    body = _json("CreateRun", {"run": Run(INFO)})["run"]
    assert set(body) == {"info", "data", "inputs"}  # type: ignore[arg-type]


def test_nan_and_infinite_metrics() -> None:
    metrics = [
        Metric("a", math.nan, 1, 0),
        Metric("b", math.inf, 1, 0),
        Metric("c", -math.inf, 1, 0),
    ]
    body = _json("GetMetricHistory", {"metrics": metrics})
    assert [m["value"] for m in body["metrics"]] == ["NaN", "Infinity", "-Infinity"]  # type: ignore[attr-defined]
    back = _round_trip("GetMetricHistory", {"metrics": metrics})["metrics"]
    assert math.isnan(back[0].value)  # type: ignore[index]
    assert [m.value for m in back[1:]] == [math.inf, -math.inf]  # type: ignore[index]


def test_sql_clamped_infinity_stays_a_number() -> None:
    body = _json("GetMetricHistory", {"metrics": [Metric("m", 1.7976931348623157e308, 2, 2)]})
    assert body == {
        "metrics": [{"key": "m", "value": 1.7976931348623157e308, "timestamp": 2, "step": 2}]
    }


def test_whole_run_round_trips() -> None:
    dataset = Dataset("d", "abc", "code", '{"x": 1}', schema='{"s": 1}')
    run = Run(
        INFO,
        RunData(
            [Metric("m", 0.5, 3, 4, "m-1", "d", "abc", "r1")],
            [Param("p", "1")],
            [RunTag("mlflow.runName", "n")],
        ),
        RunInputs(
            (DatasetInput(dataset, (InputTag("mlflow.data.context", "training"),)),),
            (LoggedModelInput("m-1"),),
        ),
        RunOutputs((LoggedModelOutput("m-2", 7),)),
    )
    back: Run = _round_trip("GetRun", {"run": run})["run"]  # type: ignore[assignment]
    assert back == run
    assert back.data.metric_objects == run.data.metric_objects
    body = _json("GetRun", {"run": run})["run"]
    assert body["inputs"]["dataset_inputs"][0]["dataset"] == {  # type: ignore[index]
        "name": "d",
        "digest": "abc",
        "source_type": "code",
        "source": '{"x": 1}',
        "schema": '{"s": 1}',
    }
    assert body["outputs"] == {"model_outputs": [{"model_id": "m-2", "step": 7}]}  # type: ignore[index]


def test_file_infos_omit_directory_sizes() -> None:
    files = [FileInfo("dir", True), FileInfo("dir/a.txt", False, 5)]
    body = _json("ListArtifacts", {"root_uri": "file:///x", "files": files})
    assert body["files"] == [
        {"path": "dir", "is_dir": True},
        {"path": "dir/a.txt", "is_dir": False, "file_size": 5},
    ]
    assert _round_trip("ListArtifacts", {"files": files})["files"] == files


def test_empty_response_is_an_empty_object() -> None:
    assert encode_response(route_named("DeleteRun"), None) == b"{}"
    assert decode_response(route_named("DeleteRun"), b"") == {}


def test_paging_token_is_omitted_on_the_last_page() -> None:
    assert _json("SearchRuns", {"runs": [], "next_page_token": None}) == {}
    assert _json("SearchRuns", {"runs": [], "next_page_token": "abc"}) == {"next_page_token": "abc"}


def test_mlflow_server_payload_decodes() -> None:
    """Appendix A.1 of the reference: a 3.x server's search response."""
    body = (
        b'{"runs": [{"info": {"run_uuid": "0952", "experiment_id": "3", "run_name": "c-839",'
        b' "user_id": "", "status": "RUNNING", "start_time": 1700000000000, "artifact_uri":'
        b' "mlflow-artifacts:/3/0952/artifacts", "lifecycle_stage": "active", "run_id": "0952"},'
        b' "data": {"metrics": [{"key": "m", "value": "NaN", "timestamp": 1, "step": 1}]},'
        b' "inputs": {}, "outputs": {}, "future_field": 1}], "next_page_token": "eyJ9"}'
    )
    result = decode_response(route_named("SearchRuns"), body)
    (run,) = result["runs"]
    assert run.info.run_id == "0952"
    assert run.info.end_time is None
    assert math.isnan(run.data.metrics["m"])
    assert result["next_page_token"] == "eyJ9"


@pytest.mark.parametrize("status", ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"])
def test_run_status_travels_by_name(status: str) -> None:
    info = INFO.replace(status=status)
    assert _json("UpdateRun", {"run_info": info})["run_info"]["status"] == status  # type: ignore[index]
    assert _round_trip("UpdateRun", {"run_info": info})["run_info"] == info
