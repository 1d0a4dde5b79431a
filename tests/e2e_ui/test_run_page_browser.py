"""The run page in Chromium over hostile data: tags, description and name edited through
the UI (checked through the REST API), the params filter kept in the URL, and the metric
and logged-model pages; no script of the attacker runs anywhere."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e_ui.browser import Watched
from e2e_ui.hostile import PAYLOADS, log_hostile_data
from fixtures.server import HeronServer
from heron.entities import LoggedModelOutput
from heron.tracking import MlflowClient

pytestmark = pytest.mark.ui


@pytest.fixture
def server(start_heron_server: Callable[..., HeronServer]) -> HeronServer:
    """A server of its own: the hostile data has fixed names, logged once per store."""
    return start_heron_server()


def test_edit_tags_description_and_name_of_a_hostile_run(
    server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    data = log_hostile_data(server.url, str(tmp_path))
    client = MlflowClient(server.url)
    page = watched.page
    page.goto(f"{server.url}/experiments/{data.experiment_id}/runs/{data.run_id}")
    expect(page.locator("h1 [data-run-name]")).to_have_text(PAYLOADS[3])
    watched.assert_clean()

    # Edit a tag in place: the pencil opens a form with its value.
    page.get_by_label("Edit tag tag 0").click()
    edit = page.locator("#tags-table details[open] form")
    expect(edit.locator("textarea")).to_have_value(PAYLOADS[0])
    edit.locator("textarea").fill(PAYLOADS[1] + " edited")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator("#tags-table")).to_contain_text(PAYLOADS[1] + " edited")
    assert client.get_run(data.run_id).data.tags["tag 0"] == PAYLOADS[1] + " edited"
    watched.assert_clean()

    # Add a tag, then delete it.
    page.get_by_text("Add tag").click()
    page.locator("#add-tag input[name=key]").fill("added by ui")
    page.locator("#add-tag input[name=value]").fill(PAYLOADS[4])
    page.locator("#add-tag button[type=submit]").click()
    expect(page.locator("#tags-table")).to_contain_text("added by ui")
    assert client.get_run(data.run_id).data.tags["added by ui"] == PAYLOADS[4]
    page.get_by_label("Delete tag added by ui").click()
    expect(page.locator("#tags-table")).not_to_contain_text("added by ui")
    assert "added by ui" not in client.get_run(data.run_id).data.tags

    # The description: rendered as markdown, edited as text.
    page.get_by_text("Edit description").click()
    page.locator("#edit-description textarea").fill("## Findings\n\n" + PAYLOADS[2] + " **ok**")
    page.get_by_role("button", name="Save description").click()
    expect(page.locator("[data-description] h2")).to_have_text("Findings")
    expect(page.locator("[data-description] strong")).to_have_text("ok")
    note = client.get_run(data.run_id).data.tags["mlflow.note.content"]
    assert note == "## Findings\n\n" + PAYLOADS[2] + " **ok**"
    watched.assert_clean()

    # Rename the run.
    page.get_by_text("Rename").click()
    page.locator("#rename-run input[name=run_name]").fill(PAYLOADS[0] + " renamed")
    page.locator("#rename-run button[type=submit]").click()
    expect(page.locator("h1 [data-run-name]")).to_have_text(PAYLOADS[0] + " renamed")
    assert client.get_run(data.run_id).info.run_name == PAYLOADS[0] + " renamed"

    # Open every collapsed part (system tags, edit forms, menus) and hover around.
    for summary in page.locator("details > summary").all():
        summary.click()
    page.mouse.move(300, 400)
    watched.assert_clean()


def test_filters_metric_page_and_logged_model_page(
    server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    data = log_hostile_data(server.url, str(tmp_path))
    client = MlflowClient(server.url)
    for step in range(30):
        client.log_metric(data.run_id, "loss", 1 / (step + 1), step=step)
    model = client.create_logged_model(
        data.experiment_id, name="clf", source_run_id=data.run_id, params={"p": PAYLOADS[1]}
    )
    client.log_outputs(data.run_id, [LoggedModelOutput(model.model_id, 29)])
    page = watched.page
    run_url = f"{server.url}/experiments/{data.experiment_id}/runs/{data.run_id}"

    page.goto(run_url)
    page.get_by_label("Filter parameters").fill("param 1")
    expect(page.locator("#params-table tbody tr:visible")).to_have_count(1)
    expect(page).to_have_url(re.compile(re.escape("params=param+1")))
    page.reload()
    expect(page.locator("#params-table tbody tr:visible")).to_have_count(1)
    expect(page.locator("#metrics-table svg.spark")).to_have_count(1)  # loss: 30 points
    expect(page.locator("#metrics-table td.pending")).to_have_count(0)
    watched.assert_clean()

    # The metrics' ranges and sparklines arrive after the first paint, filtered too.
    page.goto(run_url + "?metrics=LOSS")
    expect(page.locator("#metrics-table svg.spark")).to_have_count(1)
    expect(page.locator("#metrics-table tbody tr:visible")).to_have_count(1)
    page.get_by_label("Filter metrics").fill("metric/")
    expect(page.locator("#metrics-table tbody tr:visible")).to_have_count(len(PAYLOADS))
    page.get_by_label("Filter metrics").fill("")

    page.get_by_role("link", name="loss", exact=True).click()
    expect(page.locator("[data-chart-card] canvas")).to_have_count(1)  # uPlot (SVG: noscript)
    page.wait_for_function("() => window.__charts && window.__charts['loss']")
    assert len(page.evaluate("() => window.__charts['loss'].runs[0].steps")) == 30
    expect(page.locator("#points-table tbody tr")).to_have_count(30)
    page.get_by_label("X axis").select_option("time")
    expect(page).to_have_url(re.compile(r"[?&]x=time"))
    watched.assert_clean()

    page.goto(run_url)
    page.get_by_role("link", name="clf", exact=True).click()
    expect(page.locator("h1")).to_contain_text("clf")
    expect(page.locator("pre.snippet")).to_contain_text(f'load_model("models:/{model.model_id}")')
    watched.assert_clean()


def test_the_links_the_mlflow_client_prints_open_the_run_and_the_model(
    server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(server.url)
    experiment_id = client.create_experiment("printed-links")
    run = client.create_run(experiment_id, run_name="printed")
    model = client.create_logged_model(experiment_id, name="printed-model")
    page = watched.page

    page.goto(f"{server.url}/#/experiments/{experiment_id}/runs/{run.info.run_id}")
    expect(page.locator("h1 [data-run-name]")).to_have_text("printed")
    page.goto(f"{server.url}/#/experiments/{experiment_id}/models/{model.model_id}")
    expect(page.locator("h1")).to_contain_text("printed-model")
    page.goto(f"{server.url}/runs/{run.info.run_id}")
    expect(page.locator("h1 [data-run-name]")).to_have_text("printed")
    watched.assert_clean()
