"""The chart view over several experiments (``/compare-experiments/charts``): runs named by
id from any experiments, or the runs table's filter across experiments; the links to it from
the compare page and from the runs table of several experiments; bad input."""

from __future__ import annotations

import html
import json
import re

from fixtures.ui_app import UiApp

HOSTILE = '</script><script>window.__xss=1</script>"><img src=x onerror=alert(1)>'
CHARTS = "/compare-experiments/charts"


def _config(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="chart-config">(.*?)</script>', page)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def _two_experiments(ui: UiApp, first: str = "alpha") -> tuple[list[str], list[str]]:
    """Two experiments of two runs each (``loss`` in all, ``acc`` only in the second)."""
    experiment_ids, run_ids = [], []
    for number, name in enumerate((first, "beta")):
        experiment_id = ui.client.create_experiment(name)
        experiment_ids.append(experiment_id)
        for index in range(2):
            run_id = ui.client.create_run(experiment_id, run_name=f"{name}-{index}").info.run_id
            ui.client.log_metric(run_id, "loss", 1.0 + index, step=0)
            ui.client.log_metric(run_id, "loss", 0.5 + index, step=1)
            if number:
                ui.client.log_metric(run_id, "acc", 0.9, step=0)
            run_ids.append(run_id)
    return experiment_ids, run_ids


def test_runs_by_id_from_two_experiments(ui: UiApp) -> None:
    experiment_ids, run_ids = _two_experiments(ui)
    chosen = [run_ids[0], run_ids[3]]

    page = ui.http.get(CHARTS, params={"runs": chosen, "x": "metric:loss"})

    assert page.status_code == 200, page.text
    config = _config(page.text)
    assert [run["id"] for run in config["runs"]] == chosen  # type: ignore[attr-defined]
    names = [run["name"] for run in config["runs"]]  # type: ignore[attr-defined]
    assert names == ["alpha-0 (alpha)", "beta-1 (beta)"]
    assert config["x_metric"] == "loss"
    assert re.findall(r'data-chart-card data-key="([^"]+)"', page.text) == ["acc", "loss"]
    assert "2 runs of" in page.text
    assert "alpha, beta" in page.text
    crumbs = html.unescape(page.text.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0])
    assert f"/compare-experiments?experiments={experiment_ids[0]}" in crumbs
    assert f"experiments={experiment_ids[1]}" in crumbs
    form = html.unescape(page.text.split("data-chart-options", 1)[1].split("</form>", 1)[0])
    assert f'name="runs" value="{run_ids[3]}"' in form
    assert f'action="{CHARTS}"' in page.text.split("data-chart-options", 1)[0][-200:]


def test_the_runs_table_filter_across_experiments(ui: UiApp) -> None:
    experiment_ids, run_ids = _two_experiments(ui)
    page = ui.http.get(
        CHARTS,
        params={
            "experiments": experiment_ids,
            "filter": "attributes.run_name LIKE '%-1'",
            "order_by": "attributes.run_name ASC",
        },
    )
    assert page.status_code == 200, page.text
    config = _config(page.text)
    assert [run["id"] for run in config["runs"]] == [run_ids[1], run_ids[3]]  # type: ignore[attr-defined]
    form = page.text.split("data-chart-options", 1)[1].split("</form>", 1)[0]
    assert form.count('name="experiments"') == 2
    limited = _config(ui.http.get(CHARTS, params={"experiments": experiment_ids, "limit": 3}).text)
    assert len(limited["runs"]) == 3  # type: ignore[arg-type]
    one = ui.http.get(
        CHARTS,
        params={"experiments": experiment_ids[1], "order_by": "attributes.run_name DESC"},
    )
    assert [run["name"] for run in _config(one.text)["runs"]] == ["beta-1", "beta-0"]  # type: ignore[attr-defined]
    bad = ui.http.get(CHARTS, params={"experiments": experiment_ids, "filter": "nonsense ="})
    assert bad.status_code == 200
    assert 'role="alert"' in bad.text


def test_links_from_the_compare_page_and_the_runs_table(ui: UiApp) -> None:
    experiment_ids, run_ids = _two_experiments(ui)
    compare = ui.http.get("/compare-runs", params={"runs": [run_ids[0], run_ids[2]]}).text
    link = re.search(r'href="([^"]+)" data-charts-link', compare)
    assert link
    target = html.unescape(link.group(1))
    assert target.startswith(CHARTS + "?")
    assert f"runs={run_ids[0]}" in target
    assert f"runs={run_ids[2]}" in target
    charts = ui.http.get(target)
    assert [run["id"] for run in _config(charts.text)["runs"]] == [run_ids[0], run_ids[2]]  # type: ignore[attr-defined]

    table = ui.http.get(
        "/compare-experiments", params={"experiments": experiment_ids, "filter": "metrics.loss > 1"}
    ).text
    link = re.search(r'href="([^"]+)" data-charts-link', table)
    assert link
    target = html.unescape(link.group(1))
    assert target.startswith(CHARTS + "?experiments=")
    assert "filter=metrics.loss" in target
    found = _config(ui.http.get(target).text)["runs"]
    assert sorted(run["id"] for run in found) == sorted([run_ids[1], run_ids[3]])  # type: ignore[attr-defined]


def test_bad_requests_and_hostile_names(ui: UiApp) -> None:
    _, run_ids = _two_experiments(ui, first=HOSTILE)
    nothing = ui.http.get(CHARTS)
    assert nothing.status_code == 400
    assert "Choose at least one experiment or run" in nothing.text
    missing = ui.http.get(CHARTS, params={"runs": "f" * 32})
    assert missing.status_code == 404
    unknown = ui.http.get(CHARTS, params={"experiments": "987654"})
    assert unknown.status_code == 404
    page = ui.http.get(CHARTS, params={"runs": run_ids})
    assert page.status_code == 200
    assert "<script>window" not in page.text
    assert "<img src=x" not in page.text
    assert _config(page.text)["runs"][0]["name"] == f"{HOSTILE}-0 ({HOSTILE})"  # type: ignore[index]
