"""Layout and behaviour fixes found by looking at every page in Chromium: each test opens a
page over data that once showed the problem and checks the DOM (or a chart's own option),
never pixels."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Page

from e2e_ui.browser import Watched
from fixtures.server import HeronServer
from heron.entities import LoggedModelOutput, Metric
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

    # The contour's default params are those most runs have, not the first by name.
    child = client.create_run(experiment_id, tags={"mlflow.parentRunId": run_ids[0]})
    client.log_param(child.info.run_id, "a_fold", "1")
    for number, run_id in enumerate(run_ids):
        client.log_param(run_id, "depth", str(2 + number % 2))  # depth: all four runs
    for run_id in run_ids[:2]:
        client.log_param(run_id, "a_fold", "0")  # a_fold: two values, three runs
    query += f"&runs={child.info.run_id}"
    page.goto(f"{heron_server.url}/compare-runs?{query}&plot=contour")
    assert page.get_by_label("X param", exact=True).input_value() == "param:depth"
    assert page.get_by_label("Y param", exact=True).input_value() == "param:lr"
    watched.assert_clean()


@pytest.fixture(scope="module")
def crowded(heron_server: HeronServer) -> dict[str, str]:
    """Names and keys of the lengths users give: a 200-character experiment, model and
    param key, a 500-character param value, markdown descriptions, runs missing metrics."""
    client = MlflowClient(heron_server.url)
    long_name = _unique("experiment-" + "x" * 180)
    experiment_id = client.create_experiment(
        long_name, tags={"mlflow.note.content": "# Heading\n\nSome **bold** `code` text"}
    )
    long_key = "long_param_" + "p" * 180
    for number in range(3):
        run_id = client.create_run(experiment_id, run_name=f"run {number}").info.run_id
        client.log_param(run_id, long_key, "v" * 500)
        client.log_metric(run_id, f"only_run_{number}", number)  # other runs: empty cells
    client.create_run(experiment_id, run_name="r" * 200)
    model_name = _unique("M" * 190)
    client.create_registered_model(model_name, description="## Model\n\n*Trained* weekly.")
    return {
        "experiment_id": experiment_id,
        "experiment_name": long_name,
        "long_key": long_key,
        "model_name": model_name,
    }


def _page_width(page: Page) -> int:
    """How wide the document is: wider than the window means the whole page scrolls
    sideways (a table or a long word that escaped its box)."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_small_window_scrolls_tables_not_the_page(
    heron_server: HeronServer, watched: Watched, crowded: dict[str, str]
) -> None:
    page = watched.page
    page.set_viewport_size({"width": 800, "height": 600})
    for path in ("/experiments", f"/experiments/{crowded['experiment_id']}", "/models"):
        page.goto(f"{heron_server.url}{path}")
        # The runs table's empty cells hold visually hidden text: positioned against the
        # page, it widened the page to the table's width.
        assert _page_width(page) <= 800, path
    page.goto(f"{heron_server.url}/experiments/{crowded['experiment_id']}")
    # The sticky name column of a 200-character run name took half the window.
    assert page.locator("#runs th.name-col").first.bounding_box()["width"] <= 300  # type: ignore[index]
    page.goto(f"{heron_server.url}/experiments")
    name_cell = page.locator("#experiments td.list-name").first
    assert name_cell.bounding_box()["width"] >= 200  # type: ignore[index]  # was ~40 px
    watched.assert_clean()


def test_long_names_and_keys_stay_in_their_boxes(
    heron_server: HeronServer, watched: Watched, crowded: dict[str, str]
) -> None:
    page = watched.page
    # A model page: the breadcrumb and the alias example (a 200-character URI) overflowed.
    page.goto(f"{heron_server.url}/models/{crowded['model_name']}")
    assert _page_width(page) <= 1400
    crumb = page.locator(".breadcrumbs li").last
    assert crumb.bounding_box()["height"] < 24  # type: ignore[index]  # one line, ellipsis

    # The lists clamp a long name to three lines; the whole name is its title.
    page.goto(f"{heron_server.url}/experiments")
    link = page.locator(f'a.experiment-link[title="{crowded["experiment_name"]}"]')
    assert link.bounding_box()["height"] < 4 * 20  # type: ignore[index]

    # The runs table: the sort box and a long key's header keep a readable width.
    page.goto(f"{heron_server.url}/experiments/{crowded['experiment_id']}")
    assert page.locator("select[name=order_by]").bounding_box()["width"] <= 280  # type: ignore[index]
    header = page.locator("#runs th.col-param")  # the long key: 1,500 px of text
    assert header.bounding_box()["width"] <= 340  # type: ignore[index]  # as wide as its cells
    watched.assert_clean()


def test_list_descriptions_show_text_not_markdown(
    heron_server: HeronServer, watched: Watched, crowded: dict[str, str]
) -> None:
    page = watched.page
    page.goto(f"{heron_server.url}/experiments")
    row = page.locator(f'tr[data-experiment-id="{crowded["experiment_id"]}"]')
    assert row.locator("td.list-note").inner_text() == "Heading Some bold code text"
    page.goto(f"{heron_server.url}/models?q={crowded['model_name'][-8:]}")
    assert page.locator("#models td.list-note").first.inner_text() == "Model Trained weekly."

    # A long description shows three lines, the rest in its title.
    client = MlflowClient(heron_server.url)
    long_id = client.create_experiment(
        _unique("long-note"), tags={"mlflow.note.content": "word " * 300}
    )
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(f"{heron_server.url}/experiments")
    note = page.locator(f'tr[data-experiment-id="{long_id}"] td.list-note .clamp')
    assert note.bounding_box()["height"] < 4 * 20  # type: ignore[index]
    assert (note.get_attribute("title") or "").startswith("word word")
    watched.assert_clean()


def _hit(page: Page, selector: str) -> bool:
    """Whether a click at the middle of the element would reach it (not clipped or covered)."""
    hit: bool = page.evaluate(
        """(selector) => {
            const element = document.querySelector(selector);
            const box = element.getBoundingClientRect();
            const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return element === top || element.contains(top);
        }""",
        selector,
    )
    return hit


def test_row_menus_open_over_the_table_frame_and_close(
    heron_server: HeronServer, watched: Watched, crowded: dict[str, str]
) -> None:
    page = watched.page
    page.goto(f"{heron_server.url}/experiments")
    last = page.locator("#experiments tbody tr").last
    last.locator("details.menu > summary").click()
    # The last row's menu reached below the table's scrolling frame, which clipped it.
    assert _hit(page, "#experiments tbody tr:last-child details.menu[open] .menu-body button")

    page.locator("h1").click()  # a click elsewhere closes it
    assert page.locator("details.menu[open]").count() == 0
    last.locator("details.menu > summary").click()
    page.locator("#experiments tbody tr").first.locator("details.menu > summary").click()
    assert page.locator("details.menu[open]").count() == 1  # one menu at a time
    page.keyboard.press("Escape")
    assert page.locator("details.menu[open]").count() == 0
    watched.assert_clean()


def test_default_columns_are_the_keys_most_runs_have(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("columns"))
    for number in range(4):
        run_id = client.create_run(experiment_id).info.run_id
        for key in ("loss", "val_loss", "zz_accuracy"):
            client.log_metric(run_id, key, number)
        client.log_param(run_id, "lr", "0.1")
        if number == 0:  # sort first by name, one run each
            client.log_metric(run_id, "a_once", 1)
            client.log_param(run_id, "a_seed", "7")
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    metrics = page.locator("#runs thead th.col-metric .sort-link").all_inner_texts()
    params = page.locator("#runs thead th.col-param .sort-link").all_inner_texts()
    assert metrics == ["loss", "val_loss", "zz_accuracy"]
    assert params == ["a_seed", "lr"]  # fewer than three keys: all of them
    watched.assert_clean()


def test_top_bar_fits_a_narrow_window(heron_server: HeronServer, watched: Watched) -> None:
    page = watched.page
    page.set_viewport_size({"width": 640, "height": 600})
    page.goto(f"{heron_server.url}/models")
    theme = page.locator(".topbar .theme-toggle").bounding_box()
    assert theme is not None
    assert theme["x"] + theme["width"] <= 640  # it was pushed off the bar
    assert page.locator(".global-search input").bounding_box()["width"] >= 90  # type: ignore[index]
    watched.assert_clean()


def test_chart_axes_are_readable_in_the_dark_theme(
    heron_server: HeronServer, dark_page: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("dark-axes"))
    run_id = client.create_run(experiment_id).info.run_id
    for step in range(5):
        client.log_metric(run_id, "loss", 1 / (step + 1), step=step)
    page = dark_page.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/charts")
    page.wait_for_function("() => window.__charts && window.__charts['loss']?.axisColor")
    # Canvas text took CSS's currentColor as black: unreadable on the dark background.
    assert page.evaluate("() => window.__charts['loss'].axisColor") == "rgb(145, 152, 161)"
    page.locator("[data-theme-toggle]").click()  # system (dark here) -> light
    page.wait_for_function(
        "() => window.__charts['loss'].axisColor === 'rgb(89, 99, 110)'", timeout=5000
    )
    dark_page.assert_clean()


def test_deleted_experiment_page_restores_it(heron_server: HeronServer, watched: Watched) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("restore-me"))
    client.delete_experiment(experiment_id)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    page.get_by_role("button", name="Restore experiment").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Restore experiment").wait_for(state="detached")
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"
    watched.assert_clean()


def test_run_page_links_to_the_charts_of_its_metrics(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("run-charts"))
    run_id = client.create_run(experiment_id, run_name="trained").info.run_id
    other = client.create_run(experiment_id, run_name="other").info.run_id
    for step in range(3):
        client.log_metric(run_id, "train/loss", 1 / (step + 1), step=step)
        client.log_metric(run_id, "val/loss", 2 / (step + 1), step=step)
        client.log_metric(other, "train/loss", 3, step=step)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/runs/{run_id}")
    page.locator("#metric-charts").click()
    page.wait_for_function("() => window.__charts && window.__charts['val/loss']")
    assert page.locator("[data-chart-card]").count() == 2  # every metric of the run
    received = page.evaluate("() => window.__charts['train/loss'].runs.map((r) => r.run_id)")
    assert received == [run_id]  # that run only
    watched.assert_clean()


def test_compare_plots_stay_readable_in_the_dark_theme(
    heron_server: HeronServer, dark_page: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("dark-compare"))
    run_ids = []
    for number in range(3):
        run_id = client.create_run(experiment_id).info.run_id
        client.log_param(run_id, "lr", str(number + 1))
        if number:  # the first run lacks the metric: the plots say so in a note
            client.log_metric(run_id, "loss", number)
        run_ids.append(run_id)
    query = "&".join(f"runs={run_id}" for run_id in run_ids)
    page = dark_page.page
    page.goto(f"{heron_server.url}/compare-runs?{query}")
    scale = _option(page)["visualMap"][0]["inRange"]["color"]
    assert "#440154" not in scale  # the darkest purple: an invisible line on the dark page

    page.goto(f"{heron_server.url}/compare-runs?{query}&plot=scatter")
    option = _option(page)
    note = page.locator("[data-plot-note]").bounding_box()
    plot = page.locator("#compare-plot").bounding_box()
    assert note is not None
    assert plot is not None
    # The y axis's name is drawn ~16 px above the grid: below the note, not under it.
    assert note["y"] + note["height"] - plot["y"] + 16 <= option["grid"][0]["top"]
    dark_page.assert_clean()


def test_metric_page_has_smoothing_and_log_scale(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("metric-options"))
    run_id = client.create_run(experiment_id).info.run_id
    points = [Metric("loss", 1 / (step + 1), 1_700_000_000_000 + step, step) for step in range(150)]
    client.log_batch(run_id, metrics=points)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/runs/{run_id}/metrics?key=loss")
    with page.expect_navigation():
        page.get_by_label("Log scale").check()
    with page.expect_navigation():
        page.get_by_label("Smoothing").fill("0.5")
        page.get_by_label("Smoothing").dispatch_event("change")
    assert "log=1" in page.url
    assert "smooth=0.5" in page.url
    config = page.evaluate("JSON.parse(document.getElementById('chart-config').textContent)")
    assert config["log"] is True
    assert config["smooth"] == 0.5
    # The points table's pages keep the chart's options.
    assert "smooth=0.5" in (page.get_by_role("link", name="Next").get_attribute("href") or "")
    watched.assert_clean()


def test_artifacts_of_a_run_that_logged_only_a_model_point_to_it(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("model-only"))
    run_id = client.create_run(experiment_id).info.run_id
    model = client.create_logged_model(experiment_id, name="model", source_run_id=run_id)
    client.log_outputs(run_id, [LoggedModelOutput(model.model_id, 0)])
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/runs/{run_id}/artifacts")
    assert "mlflow.log_artifact()" in page.locator("#artifact-pane .empty").inner_text()
    # MLflow 3 keeps the model's files on the model: the pane links to it.
    page.locator("#run-logged-models a").click()
    page.wait_for_url(f"**/experiments/{experiment_id}/models/{model.model_id}")
    watched.assert_clean()


def test_model_pages_give_the_same_load_snippet(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("snippets"))
    run_id = client.create_run(experiment_id).info.run_id
    model = client.create_logged_model(experiment_id, name="model", source_run_id=run_id)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/models/{model.model_id}")
    snippet = page.locator("pre.snippet").inner_text()
    # The logged model's page said ``import mlflow``, a model folder ``import heron``.
    assert snippet.startswith("import heron as mlflow\n")
    assert f'mlflow.pyfunc.load_model("models:/{model.model_id}")' in snippet
    # The copy button copies all of it (the URI's quotes ended its attribute early).
    copied = page.get_by_role("button", name="Copy code").get_attribute("data-copy")
    assert copied == snippet
    watched.assert_clean()


def test_relative_time_axis_names_its_unit(heron_server: HeronServer, watched: Watched) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("relative"))
    run = client.create_run(experiment_id, start_time=1_700_000_000_000)
    points = [
        Metric("loss", 1 / (step + 1), 1_700_000_000_000 + step * 60_000, step)
        for step in range(60)  # an hour, a point a minute
    ]
    client.log_batch(run.info.run_id, metrics=points)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/charts?x=relative")
    page.wait_for_function("() => window.__charts?.['loss']?.xTicks?.length > 1")
    ticks = page.evaluate("() => window.__charts['loss'].xTicks")
    assert all(tick.endswith(" min") for tick in ticks), ticks  # were bare seconds: 600, 1200
    assert all(float(tick.split()[0]).is_integer() for tick in ticks), ticks  # not 16.67 min
    watched.assert_clean()


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        ("time", r"^2023-11-14 22:1\d:\d\d UTC$"),
        ("step", r"^Step \d+$"),
        ("relative", r"^\d+(\.\d+)? s$"),
    ],
)
def test_hovered_x_is_shown_in_the_legend(
    heron_server: HeronServer, chromium: Any, x: str, expected: str
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("hover"))
    run = client.create_run(experiment_id, start_time=1_700_000_000_000)
    points = [Metric("loss", 1 / (s + 1), 1_700_000_000_000 + s * 1000, s) for s in range(60)]
    client.log_batch(run.info.run_id, metrics=points)
    # A browser far from UTC: the UI shows times in UTC everywhere, the chart too.
    context = chromium.new_context(
        timezone_id="Asia/Tokyo", viewport={"width": 1400, "height": 900}
    )
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{heron_server.url}/experiments/{experiment_id}/charts?x={x}")
        page.wait_for_function("() => window.__charts?.['loss']?.kind === 'lines'")
        box = page.locator("[data-chart-plot] .u-over").first.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        # The x under the cursor was never shown (the legend had no place for it); raw
        # epoch seconds would have been its text.
        caption = page.locator("[data-chart-x]")
        page.wait_for_function("() => document.querySelector('[data-chart-x]').textContent")
        assert re.search(expected, caption.inner_text()), caption.inner_text()
        if x == "time":  # the axis: UTC on 24 hours like the tables, not the zone's 7:13am
            ticks = page.evaluate("() => window.__charts['loss'].xTicks")
            assert re.fullmatch(r"22:1\d(:\d\d)?\n2023-11-14", ticks[0]), ticks
            assert all(re.fullmatch(r"22:1\d(:\d\d)?", tick) for tick in ticks[1:]), ticks
        assert not errors
    finally:
        context.close()


def test_unknown_page_shows_the_error_page(heron_server: HeronServer, watched: Watched) -> None:
    page = watched.page
    response = page.goto(f"{heron_server.url}/experiment/1/<b>typo</b>")
    assert response is not None
    assert response.status == 404
    # It was a bare "Not Found" in plain text: no navigation, no way back.
    assert page.locator("h1").inner_text() == "Not found"
    assert "No page at /experiment/1/<b>typo</b>" in page.locator(".error-message").inner_text()
    assert page.locator("nav.nav a", has_text="Experiments").count() == 1
    # API clients still get MLflow's plain answer.
    api = page.request.get(f"{heron_server.url}/api/2.0/mlflow/no-such-endpoint")
    assert api.status == 404
    assert api.text() == "Not Found"
    watched.assert_clean()


def test_chart_search_box_filters_the_cards(heron_server: HeronServer, watched: Watched) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("chart-search"))
    run_id = client.create_run(experiment_id).info.run_id
    for key in ("train/loss", "train/acc", "val/loss", "lr"):
        client.log_metric(run_id, key, 1.0)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/charts")
    search = page.get_by_label("Search charts")
    search.fill("LOSS")
    shown = page.locator("[data-chart-card]:visible")
    assert sorted(shown.evaluate_all("(cards) => cards.map((c) => c.dataset.key)")) == [
        "train/loss",
        "val/loss",
    ]
    assert page.locator("[data-chart-search-count]").inner_text() == "2 of 4 charts"
    # A section without a matching card hides with its title.
    sections = page.locator("[data-chart-section]:visible h2")
    assert [title.split(" ")[0] for title in sections.all_inner_texts()] == ["train", "val"]
    search.fill("")
    assert page.locator("[data-chart-card]:visible").count() == 4
    watched.assert_clean()


def test_markdown_blocks_are_styled(heron_server: HeronServer, dark_page: Watched) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("markdown"))
    run_id = client.create_run(experiment_id).info.run_id
    note = "> quoted\n\n```\nfirst = 1\nsecond = 2\n```\n\n---\n"
    client.set_tag(run_id, "mlflow.note.content", note)
    page = dark_page.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/runs/{run_id}")
    style = page.evaluate(
        """() => {
            const css = (selector, property) =>
                getComputedStyle(document.querySelector(selector)).getPropertyValue(property);
            return {
                code: css(".markdown pre code", "padding-left"),
                quote: css(".markdown blockquote", "border-left-width"),
                rule: css(".markdown hr", "border-top-color"),
                ruleBottom: css(".markdown hr", "border-bottom-width"),
            };
        }"""
    )
    assert style["code"] == "0px"  # the first line of a code block was indented
    assert style["quote"] == "3px"  # a quote looked like an indented paragraph
    assert style["rule"] == "rgb(48, 54, 61)"  # the border colour, not a bright inset line
    assert style["ruleBottom"] == "0px"
    dark_page.assert_clean()


def test_full_width_buttons_center_their_label(heron_server: HeronServer, watched: Watched) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(_unique("buttons"))
    run_id = client.create_run(experiment_id).info.run_id
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}/runs/{run_id}")
    page.locator("summary", has_text="Rename").first.click()
    save = page.locator("details[open] form button[type=submit]").first
    offset = save.evaluate(
        """(button) => {
            const range = document.createRange();
            range.selectNodeContents(button);
            const text = range.getBoundingClientRect();
            const box = button.getBoundingClientRect();
            return Math.abs((text.left + text.right) / 2 - (box.left + box.right) / 2);
        }"""
    )
    assert offset < 3  # the label sat at the left of a button as wide as its form
    watched.assert_clean()
