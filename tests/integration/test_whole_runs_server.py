"""Heron's whole-run routes through a live server: long answers stop and are asked again,
and the raw routes keep their documented shapes and limits."""

from __future__ import annotations

import math
import uuid

import httpx

from fixtures.server import HeronServer
from heron.entities import MetricSeries, RunContent
from heron.protocol.bulk import MAX_HISTORY_RUNS
from heron.store.tracking.rest import RestStore


def _series(points: int, offset: float) -> list[MetricSeries]:
    return [
        MetricSeries(
            "loss", [offset + i for i in range(points)], list(range(points)), list(range(points))
        )
    ]


def test_a_long_answer_is_asked_again_for_the_rest(heron_server: HeronServer) -> None:
    """12 runs of 20000 points: the server stops after 200000 points, the store asks again."""
    store = RestStore(heron_server.url)
    experiment = store.create_experiment(f"long-{uuid.uuid4().hex}")
    run_ids = [
        store.import_run(experiment, RunContent("u", 1, series=_series(20_000, index))).info.run_id
        for index in range(12)
    ]
    raw = httpx.get(
        f"{heron_server.url}/api/2.0/heron/runs/get-histories",
        params=[("run_ids", run_id) for run_id in run_ids],
        timeout=60,
    )
    assert raw.status_code == 200
    assert len(raw.json()["histories"]) == 10  # stopped past 200000 points
    histories = store.get_run_histories(run_ids)
    assert [h.run_id for h in histories] == run_ids
    for index, history in enumerate(histories):
        (series,) = history.series
        assert (len(series), series.values[0], series.steps[-1]) == (20_000, index, 19_999)


def test_routes_refuse_what_they_must(heron_server: HeronServer) -> None:
    base = f"{heron_server.url}/api/2.0/heron/runs"
    too_many = httpx.get(
        f"{base}/get-histories",
        params=[("run_ids", f"{i:032x}") for i in range(MAX_HISTORY_RUNS + 1)],
    )
    assert too_many.status_code == 400
    assert too_many.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    missing = httpx.get(f"{base}/get-histories", params={"run_ids": "f" * 32})
    assert (missing.status_code, missing.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    no_experiment = httpx.post(f"{base}/import", json={"user_id": "u"})
    assert no_experiment.status_code == 400
    assert "experiment_id" in no_experiment.json()["message"]
    bad_value = httpx.post(
        f"{base}/import",
        json={
            "experiment_id": "0",
            "series": [{"key": "m", "values": ["x"], "timestamps": [1], "steps": [0]}],
        },
    )
    assert (bad_value.status_code, bad_value.json()["error_code"]) == (
        400,
        "INVALID_PARAMETER_VALUE",
    )


def test_specials_travel_as_mlflow_spells_them(heron_server: HeronServer) -> None:
    base = f"{heron_server.url}/api/2.0/heron/runs"
    series = {
        "key": "m",
        "values": ["NaN", "Infinity", "-Infinity", 1.5],
        "timestamps": [1, 2, 3, 4],
        "steps": [0, 1, 2, 3],
    }
    created = httpx.post(f"{base}/import", json={"experiment_id": "0", "series": [series]})
    assert created.status_code == 200, created.text
    run_id = created.json()["run"]["info"]["run_id"]
    answer = httpx.get(f"{base}/get-histories", params={"run_ids": run_id}).json()
    (history,) = answer["histories"]
    values = history["series"][0]["values"]
    assert (values[0], values[1], values[3]) == ("NaN", 1.7976931348623157e308, 1.5)
    store = RestStore(heron_server.url)
    (decoded,) = store.get_run_histories([run_id])
    assert math.isnan(decoded.series[0].values[0])
