"""The experiments list in Chromium: create, rename, delete and restore through the UI,
the search box, the theme switch, the keyboard, and the mlflow client's hash links."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from e2e_ui.browser import Watched
from fixtures.server import HeronServer
from heron.tracking import MlflowClient

pytestmark = pytest.mark.ui


def _name(stem: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:8]}"


def test_create_rename_delete_restore(heron_server: HeronServer, confirming: Watched) -> None:
    watched = confirming
    page, client = watched.page, MlflowClient(heron_server.url)
    name = _name("created-in-ui")
    page.goto(heron_server.url + "/experiments")
    page.get_by_text("New experiment").click()
    page.locator("#create-experiment input[name=name]").fill(name)
    page.locator("#create-experiment button[type=submit]").click()
    row = page.locator("tr", has=page.get_by_role("link", name=name, exact=True))
    expect(row).to_have_count(1)
    experiment = client.get_experiment_by_name(name)
    assert experiment is not None

    row.locator("summary").click()
    row.locator("input[name=new_name]").fill(name + "-renamed")
    row.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("link", name=name + "-renamed", exact=True)).to_have_count(1)
    assert client.get_experiment(experiment.experiment_id).name == name + "-renamed"

    row = page.locator(f"tr[data-experiment-id='{experiment.experiment_id}']")
    row.locator("summary").click()
    row.get_by_role("button", name="Delete").click()
    expect(page.locator(f"tr[data-experiment-id='{experiment.experiment_id}']")).to_have_count(0)
    assert client.get_experiment(experiment.experiment_id).lifecycle_stage == "deleted"

    page.goto(heron_server.url + "/experiments?view=deleted")
    row = page.locator(f"tr[data-experiment-id='{experiment.experiment_id}']")
    row.locator("summary").click()
    row.get_by_role("button", name="Restore").click()
    expect(page.locator(f"tr[data-experiment-id='{experiment.experiment_id}']")).to_have_count(0)
    assert client.get_experiment(experiment.experiment_id).lifecycle_stage == "active"
    assert watched.dialogs == [
        "confirm: Delete this experiment and its runs? It can be restored later."
    ]
    assert not watched.errors


def test_an_api_error_is_shown_in_the_form(heron_server: HeronServer, watched: Watched) -> None:
    name = _name("taken")
    MlflowClient(heron_server.url).create_experiment(name)
    page = watched.page
    page.goto(heron_server.url + "/experiments")
    page.get_by_text("New experiment").click()
    page.locator("#create-experiment input[name=name]").fill(name)
    page.locator("#create-experiment button[type=submit]").click()
    error = page.locator("#create-experiment [data-form-error]")
    expect(error).to_contain_text("RESOURCE_ALREADY_EXISTS")
    expect(error).to_contain_text(name)
    watched.assert_clean()


def test_search_box_updates_the_table_and_the_url(
    heron_server: HeronServer, watched: Watched
) -> None:
    marker = uuid.uuid4().hex[:8]
    client = MlflowClient(heron_server.url)
    client.create_experiment(f"alpha-{marker}")
    client.create_experiment(f"beta-{marker}")
    page = watched.page
    page.goto(heron_server.url + "/experiments")
    page.keyboard.press("f")  # the hotkey of the filter box
    page.keyboard.type(f"alpha-{marker}")
    expect(page.locator("#experiments tbody tr")).to_have_count(1)
    expect(page).to_have_url(
        f"{heron_server.url}/experiments?q=alpha-{marker}&filter=&view=active&sort=-updated"
    )
    page.reload()
    expect(page.get_by_role("link", name=f"alpha-{marker}")).to_have_count(1)
    expect(page.get_by_role("link", name=f"beta-{marker}")).to_have_count(0)
    watched.assert_clean()


def test_theme_switch_is_remembered(heron_server: HeronServer, watched: Watched) -> None:
    page = watched.page
    page.goto(heron_server.url + "/")
    assert page.evaluate("document.documentElement.dataset.theme") is None
    page.locator("[data-theme-toggle]").click()  # system -> light
    page.locator("[data-theme-toggle]").click()  # light -> dark
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
    page.goto(heron_server.url + "/?theme=light")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    watched.assert_clean()


def test_hash_links_open_the_page_of_the_same_path(
    heron_server: HeronServer, watched: Watched
) -> None:
    page = watched.page
    page.goto(heron_server.url + "/#/models")
    page.wait_for_url(heron_server.url + "/models")
    expect(page.locator("h1")).to_have_text("Registered models")
    page.goto(heron_server.url + "/#//evil.example/x")
    assert page.url.startswith(heron_server.url)
    watched.assert_clean()


def test_shared_script_is_loaded_once_per_page(heron_server: HeronServer, watched: Watched) -> None:
    """Page modules import heron.js at the very URL the page loads it from: one instance,
    so each form is submitted once."""
    loaded: list[str] = []
    watched.page.on("request", lambda request: loaded.append(request.url))
    for path in ("/experiments/0", "/models"):
        loaded.clear()
        watched.page.goto(heron_server.url + path)
        watched.page.wait_for_load_state("networkidle")
        assert len([url for url in loaded if url.endswith("/js/heron.js")]) == 1, loaded
    watched.assert_clean()
