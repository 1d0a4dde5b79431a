"""The artifact browser in Chromium over hostile files: every preview opened by clicking
through the tree, no script of the attacker runs (the HTML and SVG files try to set
``parent.__xss``), and a file and a folder download."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from e2e_ui.browser import Watched
from e2e_ui.hostile import HOSTILE_FILE_NAME, HTML_ARTIFACT, log_hostile_data
from fixtures.server import HeronServer

pytestmark = pytest.mark.ui

FILES = ("page.html", "image.svg", "notes.md", "data.json", "table.csv", "text.txt")


def _tree_link(page: Page, name: str):  # type: ignore[no-untyped-def]
    tree = page.get_by_role("navigation", name="Artifacts")
    return tree.get_by_role("link", name=name, exact=True)


def test_click_through_every_preview_of_hostile_files(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    data = log_hostile_data(heron_server.url, str(tmp_path))
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{data.experiment_id}/runs/{data.run_id}/artifacts")
    _tree_link(page, "files").click()  # opens the folder: its entries load from the server
    pane = page.locator("#artifact-pane")
    expect(pane.locator("h2")).to_have_text("files")
    expect(_tree_link(page, "page.html")).to_be_visible()
    for name in (*FILES, HOSTILE_FILE_NAME):
        _tree_link(page, name).click()
        expect(pane.locator("h2")).to_have_text(f"files/{name}")
        expect(page).to_have_url(re.compile(re.escape(f"path=files%2F{quote(name[:4])}")))
        if name in ("page.html", "image.svg"):
            frame = pane.locator("iframe")
            expect(frame).to_have_attribute("sandbox", "")
            shown = page.frame_locator("#artifact-pane iframe").locator("img, circle")
            expect(shown).to_have_count(1)  # the file is shown, its scripts blocked
        watched.assert_clean()
    expect(pane).to_contain_text("hostile file name")
    _tree_link(page, "table.csv").click()
    expect(pane.locator("table th").nth(1)).to_have_text("a")
    _tree_link(page, "text.txt").click()
    expect(pane.locator("pre")).to_contain_text("<script>")  # shown as text
    watched.assert_clean()


def test_sandboxed_view_runs_no_script_even_when_opened_directly(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    data = log_hostile_data(heron_server.url, str(tmp_path))
    base = f"{heron_server.url}/experiments/{data.experiment_id}/runs/{data.run_id}"
    response = watched.page.goto(f"{base}/artifact-view?path=files%2Fpage.html")
    assert response is not None
    assert response.headers["content-security-policy"].startswith("sandbox;")
    assert response.body() == HTML_ARTIFACT
    assert watched.page.evaluate("window.__xss") is None
    assert not watched.dialogs


def test_download_a_file_and_a_folder_as_zip(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    data = log_hostile_data(heron_server.url, str(tmp_path))
    page = watched.page
    base = f"{heron_server.url}/experiments/{data.experiment_id}/runs/{data.run_id}"
    page.goto(f"{base}/artifacts?path=files%2Fpage.html")
    with page.expect_download() as file_download:
        page.locator("[data-download-file]").click()
    download = file_download.value
    assert download.suggested_filename == "page.html"
    assert Path(download.path()).read_bytes() == HTML_ARTIFACT
    _tree_link(page, "files").click()
    with page.expect_download() as zip_download:
        page.locator("[data-download-zip]").click()
    archive = zip_download.value
    assert archive.suggested_filename == "files.zip"
    with zipfile.ZipFile(io.BytesIO(Path(archive.path()).read_bytes())) as opened:
        names = set(opened.namelist())
        assert {f"files/{name}" for name in (*FILES, HOSTILE_FILE_NAME)} <= names
        assert opened.read("files/page.html") == HTML_ARTIFACT
    watched.assert_clean()


MLMODEL = """flavors:
  python_function:
    loader_module: heron.sklearn
signature:
  inputs: '[{"type": "double", "name": "<b>f1</b>", "required": true}]'
  outputs: null
  params: null
model_uuid: abc
"""


def test_model_folder_pdf_and_table_pages(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    from heron.tracking import MlflowClient

    client = MlflowClient(heron_server.url)
    experiment = client.create_experiment(f"artifacts-{tmp_path.name}")
    run_id = client.create_run(experiment).info.run_id
    folder = tmp_path / "logged"
    (folder / "model").mkdir(parents=True)
    (folder / "model" / "MLmodel").write_text(MLMODEL)
    (folder / "model" / "requirements.txt").write_text("scikit-learn\n")
    (folder / "doc.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (folder / "rows.csv").write_text("n\n" + "\n".join(str(i) for i in range(250)))
    client.log_artifacts(run_id, str(folder))
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{experiment}/runs/{run_id}/artifacts")
    pane = page.locator("#artifact-pane")
    _tree_link(page, "model").click()
    expect(pane.get_by_role("heading", name="Signature inputs")).to_be_visible()
    expect(pane.locator("table.signature td").first).to_have_text("<b>f1</b>")
    expect(pane.locator("[data-kind=snippet]")).to_contain_text(f"runs:/{run_id}/model")
    expect(pane).to_contain_text("scikit-learn")
    _tree_link(page, "doc.pdf").click()
    expect(pane.locator("iframe.pdf")).to_be_visible()
    _tree_link(page, "rows.csv").click()
    expect(pane).to_contain_text("Rows 1\u2013100")
    pane.locator("[data-page=next]").click()
    expect(pane).to_contain_text("Rows 101\u2013200")
    expect(page).to_have_url(re.compile(r"offset=100"))
    watched.assert_clean()
