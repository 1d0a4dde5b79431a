"""The chart view's page (cards by key prefix, runs picked by ids or by the runs table's
filter and sort, hostile keys escaped), the runs table's Charts link, the sampled-series
route and MLflow's get-history-bulk-interval (3.x's per-run sampling and messages)."""

from __future__ import annotations

import json
import math
import re

from fixtures.ui_app import UiApp
from heron.entities import Metric

HOSTILE = '<script>window.__xss=1</script>"><img src=x onerror=alert(1)>'
SAMPLED = "/api/2.0/heron/metrics/sampled"
INTERVAL = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval"


def _runs(ui: UiApp, count: int = 3) -> tuple[str, list[str]]:
    experiment_id = ui.client.create_experiment("charts")
    ids = []
    for index in range(count):
        run = ui.client.create_run(experiment_id, run_name=f"run{index}", start_time=1000 + index)
        points = [Metric("train/loss", 1.0 + index + step, 10 + step, step) for step in range(5)]
        ui.client.log_batch(run.info.run_id, metrics=points)
        ui.client.log_metric(run.info.run_id, "val/acc", 0.5 + index, step=0)
        ui.client.log_metric(run.info.run_id, "score", float(index), step=0)
        ids.append(run.info.run_id)
    return experiment_id, ids


def _config(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="chart-config">(.*?)</script>', html)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_cards_grouped_by_prefix_for_the_newest_runs(ui: UiApp) -> None:
    experiment_id, ids = _runs(ui)
    page = ui.http.get(f"/experiments/{experiment_id}/charts?limit=2&x=relative&smooth=0.6")
    assert page.status_code == 200
    keys = re.findall(r'data-chart-card data-key="([^"]+)"', page.text)
    assert keys == ["score", "train/loss", "val/acc"]
    assert re.findall(r"<h2>(\w+) ", page.text) == ["Metrics", "train", "val"]
    config = _config(page.text)
    assert [run["id"] for run in config["runs"]] == [ids[2], ids[1]]  # type: ignore[attr-defined]
    assert config["x"] == "relative"
    assert config["smooth"] == 0.6


def test_runs_by_id_keys_and_the_runs_table_filter(ui: UiApp) -> None:
    experiment_id, ids = _runs(ui)
    page = ui.http.get(
        f"/experiments/{experiment_id}/charts",
        params={"runs": [ids[0], ids[2]], "keys": "train/loss", "log": "1", "band": "0"},
    )
    config = _config(page.text)
    assert [run["id"] for run in config["runs"]] == [ids[0], ids[2]]  # type: ignore[attr-defined]
    assert re.findall(r'data-key="([^"]+)"', page.text) == ["train/loss"]
    assert config["log"] is True
    assert config["band"] is False
    filtered = ui.http.get(
        f"/experiments/{experiment_id}/charts",
        params={"filter": "attributes.run_name = 'run1'", "order_by": "metrics.score ASC"},
    )
    assert [run["id"] for run in _config(filtered.text)["runs"]] == [ids[1]]  # type: ignore[attr-defined]
    bad = ui.http.get(f"/experiments/{experiment_id}/charts", params={"filter": "nonsense ="})
    assert bad.status_code == 200
    assert 'role="alert"' in bad.text
    table = ui.http.get(f"/experiments/{experiment_id}", params={"filter": "metrics.score > 0"})
    link = re.search(r'href="([^"]*/charts[^"]*)" data-charts-link', table.text)
    assert link
    assert "filter=metrics.score" in link.group(1)


def test_hostile_names_are_escaped(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment(HOSTILE)
    run = ui.client.create_run(experiment_id, run_name=HOSTILE)
    ui.client.log_metric(run.info.run_id, "m", 1.0)
    page = ui.http.get(f"/experiments/{experiment_id}/charts")
    assert page.status_code == 200
    assert "<script>window" not in page.text
    assert "<img src=x" not in page.text
    assert _config(page.text)["runs"][0]["name"] == HOSTILE  # type: ignore[index]


def test_sampled_route_columns(ui: UiApp) -> None:
    _, ids = _runs(ui, 2)
    ui.client.log_metric(ids[0], "nan", math.nan, step=0)
    answer = ui.http.get(
        SAMPLED, params={"run_ids": ids, "metric_keys": ["train/loss", "nan", "absent"]}
    )
    assert answer.status_code == 200, answer.text
    series = answer.json()["series"]
    assert [(s["run_id"], s["key"]) for s in series] == [
        (ids[0], "train/loss"),
        (ids[0], "nan"),
        (ids[1], "train/loss"),
    ]
    assert series[0]["steps"] == [0, 1, 2, 3, 4]
    assert series[0]["values"] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert series[0]["timestamps"] == [10, 11, 12, 13, 14]
    assert series[0]["sampled"] is False
    assert series[1]["values"] == [None]
    cut = ui.http.get(
        SAMPLED,
        params={"run_ids": ids[0], "metric_keys": "train/loss", "buckets": 1, "x": "time"},
    ).json()["series"][0]
    assert cut["sampled"] is True
    assert cut["steps"] == [0, 4]
    assert cut["bucket_start"] == 8  # aligned power-of-two buckets: [8, 16) holds 10..14
    assert cut["bucket_width"] == 8
    zoomed = ui.http.get(
        SAMPLED,
        params={"run_ids": ids[0], "metric_keys": "train/loss", "start_step": 1, "end_step": 3},
    ).json()["series"][0]
    assert zoomed["steps"] == [1, 2, 3]


def test_sampled_route_refuses_bad_requests(ui: UiApp) -> None:
    _, ids = _runs(ui, 1)
    too_many = ui.http.get(
        SAMPLED, params={"run_ids": [str(i) for i in range(101)], "metric_keys": "m"}
    )
    assert too_many.status_code == 400
    assert "more than 100 run_ids" in too_many.json()["message"]
    for params in ({"buckets": 0}, {"x": "wall"}, {"start_step": 5, "end_step": 1}):
        refused = ui.http.get(SAMPLED, params={"run_ids": ids, "metric_keys": "m", **params})
        assert refused.status_code == 400
        assert refused.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    missing = ui.http.get(SAMPLED, params={"run_ids": "f" * 32, "metric_keys": "m"})
    assert missing.status_code == 404
    document = ui.http.get("/openapi.json").json()
    assert any(path.endswith("/heron/metrics/sampled") for path in document["paths"])


def test_bulk_interval_samples_each_run_like_mlflow(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment("interval")
    short = ui.client.create_run(experiment_id).info.run_id
    long = ui.client.create_run(experiment_id).info.run_id
    ui.client.log_batch(short, metrics=[Metric("m", float(s), 1, s) for s in range(3)])
    ui.client.log_batch(long, metrics=[Metric("m", float(s), 1, s) for s in range(10)])

    def steps(**params: object) -> list[tuple[str, int]]:
        answer = ui.http.get(
            INTERVAL, params={"run_ids": [long, short], "metric_key": "m", **params}
        )
        assert answer.status_code == 200, answer.text
        return [(m["run_id"], m["step"]) for m in answer.json()["metrics"]]

    # NTILE(3) over 10 points: buckets of 4, 3, 3 start at 0, 4, 7; the last point replaces 7.
    assert steps(max_results=3) == [
        (long, 0),
        (long, 4),
        (long, 9),
        (short, 0),
        (short, 1),
        (short, 2),
    ]
    assert steps(max_results=1) == [(long, 9), (short, 2)]
    assert steps(max_results=2, start_step=2, end_step=6) == [(long, 2), (long, 6), (short, 2)]
    refused = ui.http.get(INTERVAL, params={"run_ids": long, "metric_key": "m", "start_step": 2})
    assert refused.json()["message"] == (
        "If either start step or end step are specified, both must be specified."
    )
    bad = ui.http.get(INTERVAL, params={"run_ids": long, "metric_key": "m", "max_results": 0})
    assert bad.json()["message"] == (
        "max_results must be between 1 and 2500. "
        "See the API docs for more information about request parameters."
    )
    many = ui.http.get(
        INTERVAL, params={"run_ids": [str(i) for i in range(101)], "metric_key": "m"}
    )
    assert many.json()["message"] == (
        "GetMetricHistoryBulkInterval request must specify at most 100 run_ids. "
        "Received 101 run_ids."
    )
