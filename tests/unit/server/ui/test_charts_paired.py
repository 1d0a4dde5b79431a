"""Charts with another metric on the x axis: ``GET /heron/metrics/paired`` pairs two
metrics' points by step (the last point at a step, gaps left out and counted, NaN y kept,
long series cut into step buckets that keep a spike), and the chart view's and the run
metric page's ``x=metric:<key>`` option."""

from __future__ import annotations

import json
import math
import re

from fixtures.ui_app import UiApp
from heron.entities import Metric
from heron.server.paired_series import pair_series

PAIRED = "/ajax-api/2.0/heron/metrics/paired"
HOSTILE = '</script><script>window.__xss=1</script>"><img src=x onerror=alert(1)>'


def _config(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="chart-config">(.*?)</script>', html)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def _log_pairs(ui: UiApp, run_id: str) -> None:
    """loss at steps 0..5 (step 1 twice, the later one wins); lr at 0, 1, 2, 4, and NaN at 5."""
    loss = [Metric("loss", 10.0 - step, 100 + step, step) for step in range(6)]
    loss.append(Metric("loss", 8.5, 200, 1))
    loss[3] = Metric("loss", math.nan, 103, 3)
    lr = [Metric("lr", 0.1 * (step + 1), 100 + step, step) for step in (0, 1, 2, 4)]
    lr.append(Metric("lr", math.nan, 105, 5))
    ui.client.log_batch(run_id, metrics=loss + lr)


def test_paired_route_pairs_by_step_and_leaves_gaps_out(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment("paired")
    run_id = ui.client.create_run(experiment_id).info.run_id
    other = ui.client.create_run(experiment_id).info.run_id
    _log_pairs(ui, run_id)
    ui.client.log_metric(other, "loss", 1.0, step=0)  # no lr at all

    answer = ui.http.get(
        PAIRED, params={"run_ids": [run_id, other], "metric_keys": ["loss", "lr"], "x_key": "lr"}
    )

    assert answer.status_code == 200, answer.text
    series = answer.json()["series"]
    assert [(s["run_id"], s["key"]) for s in series] == [
        (run_id, "loss"),
        (run_id, "lr"),
        (other, "loss"),
    ]
    loss = series[0]
    assert loss["x_key"] == "lr"
    assert loss["steps"] == [0, 1, 2, 4]  # no lr at 3 (a NaN loss there anyway), NaN lr at 5
    assert loss["x_values"] == [0.1, 0.2, 0.30000000000000004, 0.5]
    assert loss["values"] == [10.0, 8.5, 8.0, 6.0]
    assert loss["timestamps"] == [100, 200, 102, 104]
    assert loss["count"] == 4
    assert loss["unpaired"] == 2
    assert loss["sampled"] is False
    assert series[1]["x_values"] == series[1]["values"]  # lr against itself
    assert series[2]["count"] == 0
    assert series[2]["unpaired"] == 1
    assert "steps" not in series[2]
    zoomed = ui.http.get(
        PAIRED,
        params={
            "run_ids": run_id,
            "metric_keys": "loss",
            "x_key": "lr",
            "start_step": 1,
            "end_step": 2,
        },
    ).json()["series"][0]
    assert zoomed["steps"] == [1, 2]


def test_nan_y_stays_as_null_and_long_series_keep_their_spike() -> None:
    ys = [Metric("y", 1.0, step, step) for step in range(5000)]
    ys[1234] = Metric("y", 1e6, 1234, 1234)
    ys[10] = Metric("y", math.nan, 10, 10)
    xs = [Metric("x", step / 2, step, step) for step in range(5000)]

    paired = pair_series("r", "y", "x", ys, xs, buckets=100)

    assert paired is not None
    assert paired["sampled"] is True
    assert paired["count"] == 5000
    assert len(paired["steps"]) <= 400
    assert 1234 in paired["steps"]
    assert max(v for v in paired["values"] if v is not None) == 1e6
    spike = paired["steps"].index(1234)
    assert paired["x_values"][spike] == 617.0
    assert paired["bucket_width"] == 64
    whole = pair_series("r", "y", "x", ys[:20], xs, buckets=100)
    assert whole is not None
    assert whole["values"][10] is None
    assert whole["x_values"][10] == 5.0
    assert pair_series("r", "y", "x", [], xs, buckets=100) is None


def test_paired_route_refuses_bad_requests(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment("paired-bad")
    run_id = ui.client.create_run(experiment_id).info.run_id
    cases = [
        ({"run_ids": [str(i) for i in range(101)], "metric_keys": "m", "x_key": "x"}, 400),
        ({"run_ids": run_id, "metric_keys": "m"}, 400),
        ({"run_ids": run_id, "metric_keys": "m", "x_key": ""}, 400),
        ({"run_ids": run_id, "metric_keys": "m", "x_key": "x", "buckets": 0}, 400),
        (
            {"run_ids": run_id, "metric_keys": "m", "x_key": "x", "start_step": 5, "end_step": 1},
            400,
        ),
        ({"run_ids": "f" * 32, "metric_keys": "m", "x_key": "x"}, 404),
    ]
    for params, status in cases:
        refused = ui.http.get(PAIRED, params=params)
        assert refused.status_code == status, (params, refused.text)
        assert refused.json()["error_code"] in {
            "INVALID_PARAMETER_VALUE",
            "RESOURCE_DOES_NOT_EXIST",
        }
    document = ui.http.get("/openapi.json").json()
    assert any(path.endswith("/heron/metrics/paired") for path in document["paths"])


def test_chart_view_and_metric_page_take_a_metric_x_axis(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment("paired-pages")
    run_id = ui.client.create_run(experiment_id, run_name="r").info.run_id
    _log_pairs(ui, run_id)

    charts = ui.http.get(f"/experiments/{experiment_id}/charts", params={"x": "metric:lr"})
    config = _config(charts.text)
    assert (config["x"], config["x_metric"]) == ("metric", "lr")
    assert '<option value="metric:lr" selected>lr</option>' in charts.text
    assert '<option value="metric:loss">loss</option>' in charts.text
    plain = _config(ui.http.get(f"/experiments/{experiment_id}/charts?x=metric:").text)
    assert (plain["x"], plain["x_metric"]) == ("step", None)

    metric = ui.http.get(
        f"/experiments/{experiment_id}/runs/{run_id}/metrics",
        params={"key": "loss", "x": "metric:lr"},
    )
    assert metric.status_code == 200
    config = _config(metric.text)
    assert (config["x"], config["x_metric"]) == ("metric", "lr")
    assert '<option value="metric:lr" selected>lr</option>' in metric.text
    assert 'value="metric:loss"' not in metric.text  # not against itself

    hostile = ui.http.get(f"/experiments/{experiment_id}/charts", params={"x": "metric:" + HOSTILE})
    assert hostile.status_code == 200
    assert "<script>window" not in hostile.text
    assert "<img src=x" not in hostile.text
    assert _config(hostile.text)["x_metric"] == HOSTILE
