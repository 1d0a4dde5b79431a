"""The chart view in Chromium: five runs drawn from the sampled route, the points the chart
received equal the stored history at full zoom, a one-step spike among 100,000 steps stays
in the received data, and hostile run names in legends run no script."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e_ui.browser import Watched
from e2e_ui.hostile import PAYLOADS
from fixtures.server import HeronServer
from heron.entities import Metric
from heron.tracking import MlflowClient

pytestmark = pytest.mark.ui

SPIKE = 77_777


def _log(client: MlflowClient, run_id: str, points: list[Metric]) -> None:
    for start in range(0, len(points), 1000):
        client.log_batch(run_id, metrics=points[start : start + 1000])


def test_charts_of_five_hostile_runs(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(f"charts-{uuid.uuid4().hex}")
    run_ids = []
    for index in range(5):
        run = client.create_run(experiment_id, run_name=PAYLOADS[index % len(PAYLOADS)])
        points = [Metric("train/loss", 1.0 / (s + 1) + index, 1000 + s, s) for s in range(300)]
        _log(client, run.info.run_id, points)
        client.log_metric(run.info.run_id, "score", 0.1 * index)
        run_ids.append(run.info.run_id)
    long_points = [
        Metric("val/long", 1000.0 if s == SPIKE else 1.0 + (s % 3) * 0.01, 5000 + s, s)
        for s in range(100_000)
    ]
    _log(client, run_ids[0], long_points)

    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/charts")
    expect(page.locator("[data-chart-card]")).to_have_count(3)
    page.wait_for_function("() => window.__charts && window.__charts['train/loss']")
    received = page.evaluate("() => window.__charts['train/loss']")
    assert received["kind"] == "lines"
    assert received["series"] == 5
    for series in received["runs"]:
        stored = client.get_metric_history(series["run_id"], "train/loss")
        assert series["steps"] == [m.step for m in stored]
        assert series["values"] == [m.value for m in stored]
    legend = page.locator("[data-chart-card][data-key='train/loss'] .legend-name")
    expect(legend).to_have_count(5)
    assert set(legend.all_text_contents()) == {PAYLOADS[i % len(PAYLOADS)] for i in range(5)}
    expect(page.locator("[data-chart-card][data-key='train/loss'] canvas")).to_have_count(1)

    card = page.locator("[data-chart-card][data-key='val/long']")
    card.scroll_into_view_if_needed()
    page.wait_for_function("() => window.__charts && window.__charts['val/long']")
    long = page.evaluate("() => window.__charts['val/long'].runs[0]")
    assert long["sampled"]
    assert long["count"] == 100_000
    assert len(long["values"]) <= 4000
    assert SPIKE in long["steps"]
    assert max(long["values"]) == 1000.0

    score = page.locator("[data-chart-card][data-key='score']")
    score.scroll_into_view_if_needed()
    expect(score.locator(".bar-row")).to_have_count(5)
    watched.assert_clean()


def test_runs_table_links_to_charts_with_its_filter(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(f"charts-link-{uuid.uuid4().hex}")
    for name in ("keep", "drop"):
        run = client.create_run(experiment_id, run_name=name)
        client.log_metric(run.info.run_id, "m", 1.0, step=0)
        client.log_metric(run.info.run_id, "m", 2.0, step=1)
    page = watched.page
    page.goto(
        f"{heron_server.url}/experiments/{experiment_id}?filter=attributes.run_name+%3D+%27keep%27"
    )
    page.get_by_role("link", name="Charts").click()
    page.wait_for_function("() => window.__charts && window.__charts['m']")
    assert page.evaluate("() => window.__charts['m'].series") == 1
    watched.assert_clean()


def test_another_metric_on_the_x_axis(heron_server: HeronServer, watched: Watched) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(f"charts-x-metric-{uuid.uuid4().hex}")
    run_ids = []
    for index in range(3):
        run_id = client.create_run(experiment_id, run_name=PAYLOADS[index]).info.run_id
        # lr falls with the step (its x order is the reverse of the step order); no lr at 7.
        lr = [Metric("lr", 1.0 / (s + 1), 1000 + s, s) for s in range(20) if s != 7]
        loss = [Metric("loss", 5.0 - 0.2 * s + index, 1000 + s, s) for s in range(20)]
        _log(client, run_id, lr + loss)
        run_ids.append(run_id)

    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/charts")
    page.get_by_label("X axis").select_option("metric:lr")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**x=metric%3Alr**")
    page.wait_for_function("() => window.__charts && window.__charts['loss']")
    received = page.evaluate("() => window.__charts['loss']")
    assert received["kind"] == "lines"
    assert received["series"] == 3
    for series in received["runs"]:
        lr = {m.step: m.value for m in client.get_metric_history(series["run_id"], "lr")}
        loss = {m.step: m.value for m in client.get_metric_history(series["run_id"], "loss")}
        assert series["steps"] == sorted(set(lr) & set(loss))
        assert series["x_values"] == [lr[s] for s in series["steps"]]
        assert series["values"] == [loss[s] for s in series["steps"]]
    card = page.locator("[data-chart-card][data-key='loss']")
    expect(card.locator("canvas")).to_have_count(1)
    expect(card.locator(".legend-name")).to_have_count(3)

    run_page = f"{heron_server.url}/experiments/{experiment_id}/runs/{run_ids[0]}/metrics?key=loss"
    page.goto(run_page)
    page.get_by_label("X axis").select_option("metric:lr")
    page.wait_for_url("**x=metric%3Alr**")
    page.wait_for_function("() => window.__charts && window.__charts['loss']")
    single = page.evaluate("() => window.__charts['loss'].runs[0]")
    assert single["run_id"] == run_ids[0]
    assert 7 not in single["steps"]
    assert len(single["x_values"]) == 19
    expect(page.locator("[data-chart-card] canvas")).to_have_count(1)
    watched.assert_clean()


def test_charts_of_runs_from_two_experiments_opened_from_the_compare_page(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    run_ids, names = [], []
    for number in range(2):
        name = f"{PAYLOADS[number]} {uuid.uuid4().hex[:6]}"
        experiment_id = client.create_experiment(name)
        run_id = client.create_run(experiment_id, run_name=f"run {number}").info.run_id
        _log(
            client, run_id, [Metric("loss", 1.0 / (s + 1) + number, 1000 + s, s) for s in range(50)]
        )
        run_ids.append(run_id)
        names.append(f"run {number} ({name})")

    page = watched.page
    page.goto(f"{heron_server.url}/compare-runs?runs={run_ids[0]}&runs={run_ids[1]}")
    page.locator("a[data-charts-link]").click()
    page.wait_for_url("**/compare-experiments/charts?**")
    page.wait_for_function("() => window.__charts && window.__charts['loss']")
    received = page.evaluate("() => window.__charts['loss']")
    assert [series["run_id"] for series in received["runs"]] == run_ids
    for series in received["runs"]:
        stored = client.get_metric_history(series["run_id"], "loss")
        assert series["values"] == [m.value for m in stored]
    legend = page.locator("[data-chart-card][data-key='loss'] .legend-name")
    expect(legend).to_have_count(2)
    assert legend.all_text_contents() == names
    page.get_by_label("Log scale").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**log=1**")
    assert f"runs={run_ids[1]}" in page.url
    page.wait_for_function("() => window.__charts && window.__charts['loss']")
    assert page.evaluate("() => window.__charts['loss'].series") == 2
    watched.assert_clean()


def test_time_axes_draw_step_samples_and_zoom_by_the_steps_in_the_window(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(f"charts-time-{uuid.uuid4().hex}")
    run_id = client.create_run(experiment_id, run_name=PAYLOADS[0]).info.run_id
    start = 1_700_000_000_000
    _log(client, run_id, [
        Metric("loss", 1000.0 if s == 12_345 else 1.0 / (s + 1), start + 1000 * s, s)
        for s in range(20_000)
    ])  # fmt: skip
    page = watched.page
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    for axis in ("time", "relative"):
        asked.clear()
        page.goto(f"{heron_server.url}/experiments/{experiment_id}/charts?x={axis}")
        page.wait_for_function("() => window.__charts && window.__charts['loss']")
        whole = page.evaluate("() => window.__charts['loss'].runs[0]")
        assert whole["sampled"]
        assert whole["count"] == 20_000
        assert 12_345 in whole["steps"]  # the spike, read from the step summaries
        assert [url for url in asked if "metrics/sampled" in url]
        assert all("x=step" in url for url in asked if "metrics/sampled" in url)

        box = page.locator("[data-chart-card][data-key='loss'] .u-over").bounding_box()
        assert box is not None
        y = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] * 0.40, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=5)
        page.mouse.up()
        page.wait_for_function("() => window.__charts['loss'].range")
        zoomed = page.evaluate("() => window.__charts['loss']")
        low, high = zoomed["range"]
        assert 6_000 < low < high < 10_000  # ~5% of 20,000 steps around 40-45% of the time
        assert high - low < 2_000
        steps = zoomed["runs"][0]["steps"]
        assert low <= min(steps) < max(steps) <= high
        assert len(steps) > 500
        assert zoomed["view"][0] < zoomed["view"][1]
    watched.assert_clean()
