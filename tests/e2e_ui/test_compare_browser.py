"""The compare-runs page in Chromium: two runs chosen in the runs table show their param
difference; every plot tab draws the runs' values (read from the chart's own option, not
from pixels) and keeps its choices in the URL; MLflow's hash link opens the page; hostile
names stay text in tables, axes and tooltips."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e_ui.browser import Watched
from e2e_ui.hostile import PAYLOADS, log_hostile_data
from fixtures.server import HeronServer
from heron.tracking import MlflowClient

pytestmark = pytest.mark.ui

OPTION = (
    "((window.echarts && echarts.getInstanceByDom(document.getElementById('compare-plot'))"
    "?.getOption()) || {series: []})"
)
SWEEP = [  # lr, depth, optimizer, accuracy
    (0.001, 2, "adam", 0.71),
    (0.01, 2, "sgd", 0.78),
    (0.1, 2, "adam", 0.64),
    (0.001, 4, "sgd", 0.75),
    (0.01, 4, "adam", 0.83),
    (0.1, 4, "sgd", 0.69),
]


def _sweep(server: HeronServer) -> tuple[str, list[str]]:
    """An experiment of six runs over two numeric params, a text param and a metric."""
    client = MlflowClient(server.url)
    experiment_id = client.create_experiment(f"compare-{uuid.uuid4().hex[:8]}")
    run_ids = []
    for number, (lr, depth, optimizer, accuracy) in enumerate(SWEEP):
        run_id = client.create_run(experiment_id, run_name=f"trial {number}").info.run_id
        client.log_param(run_id, "lr", str(lr))
        client.log_param(run_id, "depth", str(depth))
        client.log_param(run_id, "optimizer", optimizer)
        client.log_param(run_id, "seed", "7")
        client.log_metric(run_id, "accuracy", accuracy)
        run_ids.append(run_id)
    return experiment_id, run_ids


def _option(page: Page) -> dict[str, Any]:
    page.wait_for_function(f"() => {OPTION}.series?.length > 0")
    option: dict[str, Any] = page.evaluate(OPTION)
    return option


def _open_tab(page: Page, title: str, plot: str, series_type: str) -> dict[str, Any]:
    page.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(
        re.compile(rf"plot={plot}") if plot != "parallel" else re.compile(r"^(?!.*plot=)")
    )
    page.wait_for_function(f"() => {OPTION}.series?.[0]?.type === {json.dumps(series_type)}")
    return _option(page)


def test_compare_two_runs_chosen_in_the_runs_table(
    heron_server: HeronServer, watched: Watched
) -> None:
    experiment_id, run_ids = _sweep(heron_server)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    for run_id in run_ids[:2]:
        page.locator(f'input[name=runs][value="{run_id}"]').check()
    page.get_by_role("button", name="Compare", exact=True).click()

    expect(page).to_have_url(re.compile(r"/compare-runs\?"))
    expect(page.locator("h1")).to_have_text("Comparing 2 runs")
    lr_row = page.locator('tbody[data-section="params"] tr', has_text="lr")
    expect(lr_row.locator("td")).to_have_text(["0.01", "0.001"])  # the table's order: newest first
    seed_row = page.locator('tbody[data-section="params"] tr', has_text="seed")
    expect(seed_row).to_have_count(1)

    page.get_by_role("link", name="Differences only").click()
    expect(page).to_have_url(re.compile(r"diff=1"))
    expect(seed_row).to_have_count(0)
    expect(page.locator('tbody[data-section="params"] tr.differs')).to_have_count(
        2
    )  # lr, optimizer
    page.get_by_role("link", name="Runs as rows").click()
    expect(page.locator("table.compare-table.transposed tbody tr")).to_have_count(2)
    expect(
        page.locator('table.transposed thead th[scope=col][data-section="params"]')
    ).to_have_text(["lr", "optimizer"])
    watched.assert_clean()


def test_every_plot_tab_draws_the_runs(heron_server: HeronServer, watched: Watched) -> None:
    experiment_id, run_ids = _sweep(heron_server)
    page = watched.page
    query = "&".join(f"runs={run_id}" for run_id in run_ids)
    page.goto(f"{heron_server.url}/compare-runs?{query}&experiments={experiment_id}")

    # Parallel coordinates: the varying params, then the metric, which colours the lines.
    option = _option(page)
    assert [axis["name"] for axis in option["parallelAxis"]] == [
        "depth",
        "lr",
        "optimizer",
        "accuracy",
    ]
    lines = option["series"][0]["data"]
    assert [line["value"][:3] for line in lines] == [[d, lr, o] for lr, d, o, _ in SWEEP]
    assert [line["value"][3] for line in lines] == [a for *_, a in SWEEP]
    assert option["visualMap"][0]["dimension"] == 4  # the colour: a hidden last dimension
    # Brushing an axis counts the runs kept and links to comparing them.
    page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('compare-plot')).dispatchAction("
        "{type: 'axisAreaSelect', parallelAxisId: 'axis-3', intervals: [[0.7, 0.9]]})"
    )
    expect(page.locator("[data-brushed-count]")).to_have_text("4 of 6 runs in the ranges.")
    # Reorder and drop axes: the chart and the URL follow.
    page.get_by_role("button", name="Move depth right").click()
    page.get_by_role("button", name="Remove axis optimizer").click()
    expect(page).to_have_url(
        re.compile(
            r"parallel_axes=param%3Alr&parallel_axes=param%3Adepth&parallel_axes=metric%3Aaccuracy"
        )
    )
    assert [axis["name"] for axis in _option(page)["parallelAxis"]] == ["lr", "depth", "accuracy"]

    # Scatter: any field on each axis.
    option = _open_tab(page, "Scatter", "scatter", "scatter")
    assert [point["value"] for point in option["series"][0]["data"]] == [
        [d, a] for _, d, _, a in SWEEP
    ]
    page.get_by_label("X axis", exact=True).select_option("param:lr")
    expect(page).to_have_url(re.compile(r"scatter_x=param%3Alr"))
    page.wait_for_function(f"() => {OPTION}.series?.[0]?.data[1].value[0] === 0.01")
    assert _option(page)["xAxis"][0]["type"] == "log"  # 0.001 to 0.1

    # Box plot: the metric by the values of a param.
    option = _open_tab(page, "Box plot", "box", "boxplot")
    assert option["xAxis"][0]["data"] == ["2", "4"]
    expected = [[0.64, 0.675, 0.71, 0.745, 0.78], [0.69, 0.72, 0.75, 0.79, 0.83]]
    assert option["series"][0]["data"] == [pytest.approx(box) for box in expected]
    assert len(option["series"][1]["data"]) == 6

    # Contour: the server's grid over two numeric params, the runs on top.
    option = _open_tab(page, "Contour", "contour", "heatmap")
    assert len(option["series"][0]["data"]) == 30 * 30
    assert sorted(tuple(p["value"]) for p in option["series"][1]["data"]) == sorted(
        (d, lr) for lr, d, _, _ in SWEEP
    )
    page.get_by_label("X param", exact=True).select_option("param:lr")
    page.get_by_label("Y param", exact=True).select_option("param:depth")
    page.wait_for_function(f"() => {OPTION}.series?.[1]?.data[0].value[0] === 0.001")
    assert _option(page)["xAxis"][1]["type"] == "log"

    # The choices are in the URL: a reload shows the same plot.
    page.reload()
    option = _option(page)
    assert option["series"][0]["type"] == "heatmap"
    assert option["xAxis"][0]["name"] == "lr"
    watched.assert_clean()


def test_mlflow_hash_link_opens_the_compare_page(
    heron_server: HeronServer, watched: Watched
) -> None:
    experiment_id, run_ids = _sweep(heron_server)
    page = watched.page
    runs = json.dumps(run_ids[:3])
    page.goto(f'{heron_server.url}/#/compare-runs?runs={runs}&experiments=["{experiment_id}"]')

    expect(page).to_have_url(re.compile(r"/compare-runs\?runs="))
    expect(page.locator("h1")).to_have_text("Comparing 3 runs")
    watched.assert_clean()


def test_hostile_names_stay_text_in_tables_plots_and_tooltips(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    data = log_hostile_data(heron_server.url, str(tmp_path))
    client = MlflowClient(heron_server.url)
    other = client.create_run(data.experiment_id, run_name=PAYLOADS[0]).info.run_id
    for number, payload in enumerate(PAYLOADS):
        client.log_param(other, f"param {number}: a/b", payload[::-1])
        client.log_metric(other, f"metric/{number}", number + 1)
    page = watched.page
    page.goto(f"{heron_server.url}/compare-runs?runs={data.run_id}&runs={other}")
    expect(page.locator(".run-legend")).to_contain_text(PAYLOADS[3])
    expect(page.locator('tbody[data-section="params"]')).to_contain_text(PAYLOADS[0])

    for title, plot, series_type in [
        ("Parallel coordinates", "parallel", "parallel"),
        ("Scatter", "scatter", "scatter"),
        ("Box plot", "box", "boxplot"),
    ]:
        option = _open_tab(page, title, plot, series_type)
        box = page.locator("#compare-plot").bounding_box()
        assert box
        for step in range(1, 24):  # sweep the mouse over the plot
            page.mouse.move(
                box["x"] + box["width"] * step / 24, box["y"] + box["height"] * (step % 6 + 1) / 7
            )
        watched.assert_clean()
    # A run's tooltip holds its hostile name as text.
    _open_tab(page, "Scatter", "scatter", "scatter")
    point = page.evaluate(
        "(() => { const chart = echarts.getInstanceByDom(document.getElementById('compare-plot'));"
        " const value = chart.getOption().series[0].data[0].value;"
        " return chart.convertToPixel({seriesIndex: 0}, value); })()"
    )
    box = page.locator("#compare-plot").bounding_box()
    assert box
    page.mouse.move(box["x"] + point[0], box["y"] + point[1])
    tip = page.locator(".plot-tip-title")
    expect(tip).to_be_visible()
    assert tip.inner_text() in (PAYLOADS[3], PAYLOADS[0])
    assert option  # the box plot was drawn
    watched.assert_clean()


def test_many_runs_come_as_rows_the_later_ones_after_the_first_screen(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(f"compare-many-{uuid.uuid4().hex[:8]}")
    run_ids = []
    for number in range(55):
        run_id = client.create_run(experiment_id, run_name=f"run {number}").info.run_id
        client.log_param(run_id, "n", str(number))
        client.log_metric(run_id, "m", number / 10)
        run_ids.append(run_id)
    page = watched.page
    page.goto(f"{heron_server.url}/compare-runs?" + "&".join(f"runs={i}" for i in run_ids))

    rows = page.locator("table.compare-table.transposed tbody tr:not(.more-rows)")
    expect(rows).to_have_count(55)
    expect(rows.last).to_contain_text("run 54")
    colour = rows.last.locator(".run-chip").evaluate("chip => chip.style.background")
    assert colour  # coloured like the others
    assert len(_option(page)["series"][0]["data"]) == 55
    watched.assert_clean()
