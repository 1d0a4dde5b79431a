"""Layout and behaviour fixes found by looking at every page in Chromium: each test opens a
page over data that once showed the problem and checks the DOM (or a chart's own option),
never pixels."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Page

from e2e_ui.browser import Watched
from fixtures.server import HeronServer
from heron.tracking import MlflowClient

pytestmark = pytest.mark.ui

OPTION = (
    "((window.echarts && echarts.getInstanceByDom(document.getElementById('compare-plot'))"
    "?.getOption()) || {series: []})"
)


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _option(page: Page) -> dict[str, Any]:
    page.wait_for_function(f"() => {OPTION}.series?.length > 0")
    option: dict[str, Any] = page.evaluate(OPTION)
    return option


def test_parallel_plot_draws_runs_without_the_colour_metric(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("colour"))
    run_ids = []
    for number in range(4):
        run_id = client.create_run(experiment_id, run_name=f"trial {number}").info.run_id
        client.log_param(run_id, "lr", str(0.1 * (number + 1)))
        client.log_metric(run_id, "loss", 1.0 / (number + 1))
        if number == 0:
            client.log_metric(run_id, "acc", 0.5)  # sorts first, but only one run has it
        run_ids.append(run_id)
    query = "&".join(f"runs={run_id}" for run_id in run_ids)
    page = watched.page

    # By default the colour is the metric every run has: all four lines on its scale.
    page.goto(f"{heron_server.url}/compare-runs?{query}")
    option = _option(page)
    assert page.get_by_label("Colour by").input_value() == "metric:loss"
    assert len(option["series"]) == 1
    assert len(option["series"][0]["data"]) == 4

    # Coloured by the metric of one run: the other three are a second, grey series (ECharts
    # drew no line at all for them).
    page.goto(f"{heron_server.url}/compare-runs?{query}&parallel_color=metric:acc")
    option = _option(page)
    coloured, grey = option["series"]
    assert [line["name"] for line in coloured["data"]] == ["trial 0"]
    assert sorted(line["name"] for line in grey["data"]) == ["trial 1", "trial 2", "trial 3"]
    assert grey["lineStyle"]["color"]
    assert option["visualMap"][0]["seriesIndex"] == 0
    watched.assert_clean()
