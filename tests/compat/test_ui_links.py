"""The links the real mlflow client prints ("View run ... at", "View experiment at") open
the right Heron pages in Chromium; so do MLflow's hash links of a logged model and a model
version (the client prints those only on Databricks, in the same ``#/...`` form)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import ServerProcess, run_script

from e2e_ui.browser import Watched, launch, new_page

pytestmark = [pytest.mark.compat, pytest.mark.ui, pytest.mark.slow]


@pytest.fixture(scope="module")
def printed(mlflow_venv: Path, heron_compat_server: ServerProcess) -> dict[str, object]:
    return run_script(mlflow_venv, "ui_links.py", MLFLOW_TRACKING_URI=heron_compat_server.url)


@pytest.fixture
def page() -> Iterator[Watched]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        watched = new_page(browser)
        yield watched
        browser.close()


def _link(printed: dict[str, object], fragment: str) -> str:
    links = [str(link) for link in printed["links"]]  # type: ignore[attr-defined]
    found = [link for link in links if fragment in link]
    assert found, f"no printed link has {fragment!r}: {printed['printed']}"
    return found[0]


def test_view_run_link_opens_the_run_page(printed: dict[str, object], page: Watched) -> None:
    link = _link(printed, f"/runs/{printed['run_id']}")
    assert "/#/experiments/" in link
    page.page.goto(link)
    page.page.wait_for_url(f"**/experiments/{printed['experiment_id']}/runs/{printed['run_id']}")
    assert "linked run" in page.page.locator("h1").inner_text()
    page.assert_clean()


def test_view_experiment_link_opens_the_runs_table(
    printed: dict[str, object], page: Watched
) -> None:
    experiment_id = printed["experiment_id"]
    link = [
        str(url)
        for url in printed["links"]  # type: ignore[attr-defined]
        if str(url).rstrip("/").endswith(f"/#/experiments/{experiment_id}")
    ]
    assert link, printed["printed"]
    page.page.goto(link[0])
    page.page.wait_for_url(f"**/experiments/{experiment_id}")
    assert page.page.locator(f"tr[data-run-id='{printed['run_id']}']").count() == 1
    page.assert_clean()


def test_logged_model_link_opens_the_model_page(
    printed: dict[str, object], page: Watched, heron_compat_server: ServerProcess
) -> None:
    experiment_id, model_id = printed["experiment_id"], printed["model_id"]
    page.page.goto(f"{heron_compat_server.url}/#/experiments/{experiment_id}/models/{model_id}")
    page.page.wait_for_url(f"**/experiments/{experiment_id}/models/{model_id}")
    assert str(model_id) in page.page.locator("main").inner_text()
    page.assert_clean()


def test_model_version_link_opens_the_version_page(
    printed: dict[str, object], page: Watched, heron_compat_server: ServerProcess
) -> None:
    page.page.goto(f"{heron_compat_server.url}/#/models/ui-links-model/versions/1")
    page.page.wait_for_url("**/models/ui-links-model/versions/1")
    assert "ui-links-model" in page.page.locator("h1").inner_text()
    assert str(printed["run_id"]) in page.page.locator("main").inner_text()
    page.assert_clean()
