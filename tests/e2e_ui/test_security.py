"""Every page over data whose every string is an attack: no script of the attacker runs,
no dialog opens, nothing breaks the Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from e2e_ui.browser import Watched
from e2e_ui.hostile import HOSTILE_FILE_NAME, PAYLOADS, log_hostile_data
from fixtures.server import HeronServer

pytestmark = pytest.mark.ui


def _pages(base: str, data: object) -> list[str]:
    e, r, c = data.experiment_id, data.run_id, data.child_run_id  # type: ignore[attr-defined]
    model = quote(data.model_name, safe="")  # type: ignore[attr-defined]
    run = f"{base}/experiments/{e}/runs/{r}"
    return [
        f"{base}/",
        f"{base}/experiments?view=all",
        f"{base}/experiments/{e}",
        f"{base}/experiments/{e}?filter={quote(PAYLOADS[0])}",
        f"{base}/experiments/{e}?columns=params.param%200%3A%20a%2Fb&columns=tags.tag%201",
        f"{base}/compare-experiments?experiments={e}&experiments=0",
        *(f"{base}/compare-runs?runs={r}&runs={c}&plot={plot}" for plot in ("parallel", "box")),
        f"{base}/compare-runs?runs={r}&runs={c}&transpose=1&diff=1&plot=scatter",
        run,
        f"{base}/experiments/{e}/runs/{c}",
        f"{run}/metrics?key=metric%2F1",
        f"{run}/metrics?key=metric%2F1&x=metric%3Ametric%2F2",
        f"{base}/experiments/{e}/charts",
        f"{base}/experiments/{e}/charts?x=metric%3Ametric%2F1",
        f"{base}/experiments/{e}/charts?x=metric%3A{quote(PAYLOADS[3])}",
        f"{base}/compare-experiments/charts?experiments={e}&experiments=0",
        f"{base}/compare-experiments/charts?runs={r}&runs={c}&x=metric%3Ametric%2F0",
        f"{run}/artifacts",
        f"{run}/artifacts?path=files",
        *(
            f"{run}/artifacts?path={quote('files/' + name)}"
            for name in ("page.html", "image.svg", "notes.md", "data.json", "table.csv", "text.txt")
        ),
        f"{run}/artifacts?path={quote('files/' + HOSTILE_FILE_NAME)}",
        f"{base}/models",
        f"{base}/models/{model}",
        f"{base}/models/{model}/versions/1",
    ]


def test_no_page_runs_a_script_from_the_data(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    data = log_hostile_data(heron_server.url, str(tmp_path))
    page = watched.page
    for url in _pages(heron_server.url, data):
        response = page.goto(url)
        assert response is not None, url
        assert response.status < 500, url
        page.wait_for_load_state("networkidle")
        # Open every menu, tree folder and collapsed section, and hover over what shows.
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        page.mouse.move(400, 300)
        watched.assert_clean()


def test_hostile_text_is_shown_as_text(
    heron_server: HeronServer, watched: Watched, tmp_path: Path
) -> None:
    data = log_hostile_data(heron_server.url, str(tmp_path))
    page = watched.page
    page.goto(f"{heron_server.url}/experiments/{data.experiment_id}/runs/{data.run_id}")
    assert PAYLOADS[3] in page.locator("h1").inner_text()
    page.goto(f"{heron_server.url}/experiments")
    assert PAYLOADS[0] in page.locator("#experiments").inner_text()
    watched.assert_clean()
