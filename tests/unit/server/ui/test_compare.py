"""The compare-runs page: runs side by side (differences only, transposed), MLflow's JSON
list form of its URL, runs of several experiments, clear errors for unknown runs, hostile
strings escaped in the tables and in the plots' JSON; the contour grid's route."""

from __future__ import annotations

import json
import re
from typing import Any

from fixtures.ui_app import UiApp
from heron.server.ui.compare_query import TRANSPOSE_FROM
from heron.server.ui.pages.compare import FIRST_ROWS

HOSTILE = '</script><script>window.__xss=1</script>"><img src=x onerror=alert(1)>'
DATA = re.compile(r'<script type="application/json" id="compare-data">(.*?)</script>', re.S)


def _runs(ui: UiApp, experiment: str = "exp", count: int = 2) -> tuple[str, list[str]]:
    """``count`` runs with ``lr`` differing, ``batch`` equal and a metric each."""
    experiment_id = ui.client.create_experiment(experiment)
    run_ids = []
    for number in range(count):
        run = ui.client.create_run(experiment_id, run_name=f"run {number}")
        run_id = run.info.run_id
        ui.client.log_param(run_id, "lr", str(0.1 * (number + 1)))
        ui.client.log_param(run_id, "batch", "32")
        ui.client.log_metric(run_id, "acc", 0.5 + number / 10)
        ui.client.set_tag(run_id, "team", "nlp")
        run_ids.append(run_id)
    return experiment_id, run_ids


def _page_data(html: str) -> dict[str, Any]:
    found = DATA.search(html)
    assert found, "no compare-data element"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _rows(html: str, section: str) -> list[str]:
    """The row labels of a section's table (runs as columns)."""
    table = html.split(f'data-section="{section}"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row" class="key-col">([^<]*)</th>', table)


def test_compare_shows_runs_params_metrics_and_tags_side_by_side(ui: UiApp) -> None:
    experiment_id, run_ids = _runs(ui)

    response = ui.http.get("/compare-runs", params={"runs": run_ids})

    assert response.status_code == 200
    html = response.text
    assert "Comparing 2 runs" in html
    for number, run_id in enumerate(run_ids):
        assert f'href="/experiments/{experiment_id}/runs/{run_id}"' in html
        assert f'data-run-color="{run_id}"' in html
        assert f"run {number}" in html
    assert _rows(html, "params") == ["batch", "lr"]
    assert _rows(html, "metrics") == ["acc"]
    assert _rows(html, "tags") == ["team"]
    assert _rows(html, "details")[:4] == ["Status", "Created", "Ended", "Duration"]
    assert "<td>0.1</td><td>0.2</td>" in html
    assert "<td>0.5</td><td>0.6</td>" in html
    assert 'class="differs"><th scope="row" class="key-col">lr' in html
    assert "echarts.min.js" in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_differences_only_hides_equal_rows(ui: UiApp) -> None:
    _, run_ids = _runs(ui)

    html = ui.http.get("/compare-runs", params={"runs": run_ids, "diff": "1"}).text

    assert _rows(html, "params") == ["lr"]
    assert "1 equal hidden" in html
    assert "Every run has the same tags." in html
    # The toggle and the other links keep the choice.
    assert 'aria-current="true">Differences only' in html
    assert "diff=1&amp;transpose=1" in html


def test_transpose_puts_runs_in_rows(ui: UiApp) -> None:
    _, run_ids = _runs(ui)

    html = ui.http.get(
        "/compare-runs", params={"runs": run_ids, "transpose": "1", "diff": "1"}
    ).text

    table = html.split('class="data compare-table transposed"', 1)[1].split("</table>", 1)[0]
    head, body = table.split("<tbody>", 1)
    groups = re.findall(r'scope="colgroup" colspan="(\d+)"[^>]*data-section="(\w+)"', head)
    assert groups == [("5", "details"), ("1", "params"), ("1", "metrics")]
    assert re.findall(r'data-section="params"[^>]*>([^<]*)</th>', head) == ["lr"]
    assert body.count("<tr>") == 2  # a row per run
    assert '<td class="first">0.1</td>' in body
    assert "Tags: Every run has the same tags." in html
    assert 'aria-current="true">Runs as rows' in html


def test_many_runs_are_rows_by_default_the_first_screen_in_the_page(ui: UiApp) -> None:
    count = max(FIRST_ROWS, TRANSPOSE_FROM) + 2
    _, run_ids = _runs(ui, count=count)

    html = ui.http.get("/compare-runs", params={"runs": run_ids}).text
    rest = ui.http.get("/compare-runs", params={"runs": run_ids, "part": "rows"}).text
    wide = ui.http.get("/compare-runs", params={"runs": run_ids, "transpose": "0"}).text

    assert "compare-table transposed" in html
    body = html.split('class="data compare-table transposed"', 1)[1]
    body = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == FIRST_ROWS
    assert f"Loading {count - FIRST_ROWS} more runs" in body
    assert 'hx-get="/compare-runs?runs=' in body
    assert "part=rows" in body
    assert rest.count("<tr>") == count - FIRST_ROWS
    assert f"run {FIRST_ROWS}" in rest
    assert f"run {count - 1}" in rest
    assert "<html" not in rest
    assert "compare-table transposed" not in wide
    assert "more runs" not in wide


def test_mlflow_json_list_form(ui: UiApp) -> None:
    experiment_id, run_ids = _runs(ui)

    response = ui.http.get(
        "/compare-runs",
        params={"runs": json.dumps(run_ids), "experiments": json.dumps([experiment_id])},
    )

    assert response.status_code == 200
    assert [run["id"] for run in _page_data(response.text)["runs"]] == run_ids


def test_runs_of_several_experiments_without_a_hint(ui: UiApp) -> None:
    _, first = _runs(ui, "first", 1)
    _, second = _runs(ui, "second", 1)

    html = ui.http.get("/compare-runs", params={"runs": first + second}).text

    assert "in 2 experiments: first, second" in html
    assert "Experiment" in _rows(html, "details")
    assert "/compare-experiments?experiments=" in html


def test_unknown_runs_and_bad_lists_are_clear_errors(ui: UiApp) -> None:
    _, run_ids = _runs(ui)

    missing = ui.http.get("/compare-runs", params={"runs": [run_ids[0], "nope"]})
    several = ui.http.get("/compare-runs", params={"runs": ["nope", "nada"]})
    empty = ui.http.get("/compare-runs")
    broken = ui.http.get("/compare-runs", params={"runs": '["a", '})

    assert missing.status_code == 404
    assert "Run with id=nope not found" in missing.text
    assert several.status_code == 404
    assert "2 runs not found: nope, nada" in several.text
    assert empty.status_code == 400
    assert "Choose at least one run to compare." in empty.text
    assert broken.status_code == 400
    assert "runs must be ids or a JSON list of ids" in broken.text


def test_hostile_strings_are_escaped_in_tables_and_json(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment(HOSTILE)
    run = ui.client.create_run(experiment_id, run_name=HOSTILE)
    run_id = run.info.run_id
    ui.client.log_param(run_id, "p: a/b", HOSTILE)
    ui.client.set_tag(run_id, "t", HOSTILE)
    ui.client.log_metric(run_id, "m", 1.0)

    html = ui.http.get("/compare-runs", params={"runs": [run_id], "plot": "scatter"}).text

    assert "<script>window" not in html
    assert "<img src=x" not in html
    assert "&lt;/script&gt;&lt;script&gt;window.__xss=1" in html
    element = DATA.search(html)
    assert element
    assert "</" not in element.group(1)
    assert "<" not in element.group(1)
    data = _page_data(html)
    assert data["runs"][0]["name"] == HOSTILE
    param = {"id": "param:p: a/b", "kind": "param", "key": "p: a/b"}
    assert {**param, "numeric": False, "values": [HOSTILE]} in data["fields"]


def test_plot_state_comes_from_the_url_with_defaults(ui: UiApp) -> None:
    _, run_ids = _runs(ui)

    default = _page_data(ui.http.get("/compare-runs", params={"runs": run_ids}).text)
    chosen = _page_data(
        ui.http.get(
            "/compare-runs",
            params={
                "runs": run_ids,
                "plot": "box",
                "parallel_axes": ["metric:acc", "param:lr", "param:unknown"],
                "parallel_color": "run",
                "scatter_x": "metric:acc",
                "box_x": "metric:acc",  # not a param: the default instead
            },
        ).text
    )

    assert default["state"] == {
        "plot": "parallel",
        "parallel_axes": ["param:lr", "metric:acc"],
        "parallel_color": "metric:acc",
        "scatter_x": "param:lr",
        "scatter_y": "metric:acc",
        "box_x": "param:lr",
        "box_y": "metric:acc",
        "contour_x": "param:lr",
        "contour_y": None,
        "contour_z": "metric:acc",
    }
    assert default["contour"] is None
    state = chosen["state"]
    assert state["plot"] == "box"
    assert state["parallel_axes"] == ["metric:acc", "param:lr"]
    assert state["parallel_color"] == "run"
    assert state["scatter_x"] == "metric:acc"
    assert state["box_x"] == "param:lr"
    fields = {field["id"]: field for field in default["fields"]}
    assert fields["param:lr"]["numeric"]
    assert fields["param:lr"]["values"] == [0.1, 0.2]
    assert fields["metric:acc"]["values"] == [0.5, 0.6]


def test_contour_grid_in_the_page_and_from_its_route(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment("sweep")
    run_ids = []
    for lr in (0.001, 0.01, 0.1):
        for depth in (2, 4):
            run_id = ui.client.create_run(experiment_id).info.run_id
            ui.client.log_param(run_id, "lr", str(lr))
            ui.client.log_param(run_id, "depth", str(depth))
            ui.client.log_metric(run_id, "loss", lr * depth)
            run_ids.append(run_id)
    query = {"runs": run_ids, "plot": "contour"}

    page = _page_data(ui.http.get("/compare-runs", params=query).text)
    swapped = ui.http.get(
        "/compare-runs/contour.json",
        params={**query, "contour_x": "param:lr", "contour_y": "param:depth"},
    )
    same = ui.http.get(
        "/compare-runs/contour.json",
        params={**query, "contour_x": "param:lr", "contour_y": "param:lr"},
    )
    unknown = ui.http.get("/compare-runs/contour.json", params={"runs": "nope"})

    contour = page["contour"]
    assert (contour["x"], contour["y"], contour["z"]) == ("param:depth", "param:lr", "metric:loss")
    grid = contour["grid"]
    assert len(grid["x"]) == len(grid["y"]) == 30
    assert len(grid["values"]) == 30
    assert grid["log_y"]
    assert not grid["log_x"]
    assert grid["values"][0][0] == 0.001 * 2  # a run sits at the corner: its value exactly
    assert swapped.status_code == 200
    assert swapped.json()["grid"]["log_x"]
    assert same.json() == {"message": "Choose two different params."}
    assert unknown.status_code == 404
    assert unknown.json() == {
        "error_code": "RESOURCE_DOES_NOT_EXIST",
        "message": "Run with id=nope not found",
    }


def test_the_runs_table_submits_its_selection_with_its_experiments(ui: UiApp) -> None:
    experiment_id, run_ids = _runs(ui)

    table = ui.http.get(f"/experiments/{experiment_id}").text
    form = table.split('<form id="compare-runs"', 1)[1].split("</form>", 1)[0]
    response = ui.http.get("/compare-runs", params={"experiments": experiment_id, "runs": run_ids})

    assert 'action="/compare-runs"' in form
    assert f'<input type="hidden" name="experiments" value="{experiment_id}">' in form
    assert f'name="runs" value="{run_ids[0]}" form="compare-runs"' in table
    assert response.status_code == 200
