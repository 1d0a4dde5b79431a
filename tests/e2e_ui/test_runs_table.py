"""The runs table in Chromium: filter with OR (and its inline error), autocomplete, sort,
the column chooser, child runs, actions on selected runs, and the CSV download."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from playwright.sync_api import expect

from e2e_ui.browser import Watched
from fixtures.server import HeronServer
from heron.tracking import MlflowClient

pytestmark = pytest.mark.ui

ROWS = "table#runs tbody tr[data-run-id]"


def _experiment(server: HeronServer) -> tuple[MlflowClient, str, dict[str, str]]:
    """A new experiment with four finished runs; their ids by name."""
    client = MlflowClient(server.url)
    experiment_id = client.create_experiment(f"runs-table-{uuid.uuid4().hex[:8]}")
    ids = {}
    for start, (name, rmse, model) in enumerate(
        [
            ("alpha", 0.5, "tree"),
            ("beta", 0.2, "linear"),
            ("gamma", 0.9, "tree"),
            ("delta", 0.7, "forest"),
        ]
    ):
        run_id = client.create_run(
            experiment_id, start_time=1000 + start, run_name=name
        ).info.run_id
        client.log_metric(run_id, "rmse", rmse)
        client.log_param(run_id, "model", model)
        client.log_param(run_id, "seed", str(start))
        client.set_terminated(run_id)
        ids[name] = run_id
    return client, experiment_id, ids


def _names(watched: Watched) -> list[str]:
    return watched.page.locator(f"{ROWS} .run-link").all_text_contents()


def test_filter_with_or_sort_and_choose_columns(
    heron_server: HeronServer, watched: Watched
) -> None:
    _, experiment_id, _ = _experiment(heron_server)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    expect(page.locator(ROWS)).to_have_count(4)

    page.locator("#runs-filter").fill("params.model = 'tree' OR metrics.rmse < 0.3")
    page.locator("#runs-filter").press("Enter")
    expect(page.locator(ROWS)).to_have_count(3)
    expect(page.locator(".run-count")).to_contain_text("3 runs match")
    expect(page).to_have_url(re.compile(re.escape("filter=")))

    page.locator("table#runs thead a.sort-link", has_text="rmse").click()
    expect(page.locator("table#runs thead th[aria-sort=descending]")).to_contain_text("rmse")
    assert _names(watched) == ["gamma", "alpha", "beta"]
    expect(page).to_have_url(re.compile(re.escape("order_by=metrics")))
    page.locator("table#runs thead a.sort-link", has_text="rmse").click()
    expect(page.locator("table#runs thead th[aria-sort=ascending]")).to_contain_text("rmse")
    assert _names(watched) == ["beta", "alpha", "gamma"]

    page.locator("#column-chooser summary").click()
    expect(page.locator("#chooser-body")).to_contain_text("more")
    page.locator("[data-chooser-search]").fill("run id")
    expect(page.locator("#chooser-body label.chooser-item:visible")).to_have_count(1)
    page.locator("#chooser-body input[value='attributes.run_id']").check()
    expect(page.locator("table#runs thead")).to_contain_text("Run ID")
    expect(page).to_have_url(re.compile(re.escape("columns=attributes.run_id")))
    assert _names(watched) == ["beta", "alpha", "gamma"]  # filter and sort kept
    page.reload()
    expect(page.locator("table#runs thead")).to_contain_text("Run ID")
    watched.assert_clean()


def test_a_bad_filter_says_where_and_keeps_the_text(
    heron_server: HeronServer, watched: Watched
) -> None:
    _, experiment_id, _ = _experiment(heron_server)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    page.locator("#runs-filter").fill("metrics.rmse < 'x'")
    page.locator("#runs-filter").press("Enter")
    expect(page.locator("[data-filter-error]")).to_contain_text("at position 15")
    expect(page.locator("#runs-filter")).to_have_value("metrics.rmse < 'x'")
    expect(page.locator(ROWS)).to_have_count(0)
    watched.assert_clean()


def test_keys_autocomplete_in_the_filter_box(heron_server: HeronServer, watched: Watched) -> None:
    _, experiment_id, _ = _experiment(heron_server)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    box = page.locator("#runs-filter")
    box.click()
    box.press_sequentially("params.se")
    option = page.locator("#runs-suggestions li", has_text="params.seed")
    expect(option).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("params.seed ")
    box.press_sequentially("= '2'")
    box.press("Enter")
    expect(page.locator(ROWS)).to_have_count(1)
    assert _names(watched) == ["gamma"]
    watched.assert_clean()


def test_child_runs_open_and_close_under_their_parent(
    heron_server: HeronServer, watched: Watched
) -> None:
    client = MlflowClient(heron_server.url)
    experiment_id = client.create_experiment(f"nested-{uuid.uuid4().hex[:8]}")
    parent = client.create_run(experiment_id, run_name="sweep").info.run_id
    for i in range(3):
        client.create_run(experiment_id, run_name=f"trial-{i}", tags={"mlflow.parentRunId": parent})
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    expect(page.locator(ROWS)).to_have_count(4)
    page.get_by_label("Child runs under parents").check()
    expect(page.locator(ROWS)).to_have_count(1)
    page.locator("button.expander").click()
    expect(page.locator(f"{ROWS}.child")).to_have_count(3)
    expect(page.locator("button.expander")).to_have_attribute("aria-expanded", "true")
    page.locator("button.expander").click()
    expect(page.locator(ROWS)).to_have_count(1)
    watched.assert_clean()


def test_tag_and_delete_selected_runs(heron_server: HeronServer, confirming: Watched) -> None:
    client, experiment_id, ids = _experiment(heron_server)
    page = confirming.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    for name in ("alpha", "beta"):
        page.locator(f"tr[data-run-id='{ids[name]}'] input[name=runs]").check()
    expect(page.locator("[data-selection-count]")).to_have_text("2 selected")
    expect(page.get_by_role("button", name="Compare")).to_be_enabled()

    page.locator("#tag-selected summary").click()
    page.locator("#tag-selected input[name=key]").fill("reviewed")
    page.locator("#tag-selected input[name=value]").fill("yes")
    page.get_by_role("button", name="Tag selected runs").click()
    expect(page.locator("#tag-selected")).not_to_have_attribute("open", "")
    expect(page.locator("[data-selection-count]")).to_have_text("")
    for name in ("alpha", "beta"):
        assert client.get_run(ids[name]).data.tags["reviewed"] == "yes"

    for name in ("alpha", "beta"):
        page.locator(f"tr[data-run-id='{ids[name]}'] input[name=runs]").check()
    page.get_by_role("button", name="Delete").click()
    expect(page.locator(ROWS)).to_have_count(2)
    assert client.get_run(ids["alpha"]).info.lifecycle_stage == "deleted"
    assert confirming.dialogs == ["confirm: Delete 2 run(s)? They can be restored later."]

    page.goto(f"{heron_server.url}/experiments/{experiment_id}?view=deleted")
    page.locator(f"tr[data-run-id='{ids['alpha']}'] input[name=runs]").check()
    page.get_by_role("button", name="Restore").click()
    expect(page.locator(ROWS)).to_have_count(1)
    assert client.get_run(ids["alpha"]).info.lifecycle_stage == "active"
    assert not confirming.errors


def test_compare_links_the_selected_runs(heron_server: HeronServer, watched: Watched) -> None:
    _, experiment_id, ids = _experiment(heron_server)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    for name in ("gamma", "delta"):
        page.locator(f"tr[data-run-id='{ids[name]}'] input[name=runs]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    # The form also names the table's experiments, where the compare page looks first.
    expect(page).to_have_url(
        re.compile(rf"/compare-runs\?experiments=\d+&runs={ids['delta']}&runs={ids['gamma']}$")
    )


def test_csv_download_has_every_matching_run(heron_server: HeronServer, watched: Watched) -> None:
    client, experiment_id, _ = _experiment(heron_server)
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment_id}")
    page.get_by_label("Runs per page").select_option("25")
    expect(page.locator(ROWS)).to_have_count(4)
    expect(page).to_have_url(re.compile(re.escape("page_size=25")))
    page.get_by_label("Sort by").select_option(label="Sort: rmse (low to high)")
    expect(page.locator("table#runs thead th[aria-sort=ascending]")).to_contain_text("rmse")
    assert _names(watched) == ["beta", "alpha", "delta", "gamma"]
    page.goto(f"{heron_server.url}/experiments/{experiment_id}?page_size=2")
    expect(page.locator(ROWS)).to_have_count(2)  # the page shows two; the file has all
    page.locator("#runs-filter").fill("params.model != 'forest'")
    page.locator("#runs-filter").press("Enter")
    expect(page.locator(".run-count")).to_contain_text("3 runs match")
    link = page.get_by_role("link", name="Download CSV")
    expect(link).to_have_attribute("href", re.compile("filter=params"))  # set once pushed
    with page.expect_download() as download_info:
        link.click()
    path = download_info.value.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    expected = client.search_runs([experiment_id], "params.model != 'forest'")
    assert [row["run_id"] for row in rows] == [run.info.run_id for run in expected]
    for row, run in zip(rows, expected, strict=True):
        assert row["run_name"] == run.info.run_name
        assert float(row["metrics.rmse"]) == run.data.metrics["rmse"]
        assert row["params.model"] == run.data.params["model"]
    watched.assert_clean()
