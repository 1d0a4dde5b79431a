"""The runs table (``/experiments/{id}``, ``/compare-experiments``): filter with OR and
parentheses, inline filter errors, sort, paging, columns, nested runs, key catalogue."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from fixtures.ui_app import UiApp  # the fixture's type (conftest.py of this folder)


HOSTILE = '<script>window.__xss=1</script>"><img src=x onerror=alert(1)>'
FRAGMENT = {"HX-Request": "true", "HX-Target": "runs-results"}


def row_ids(html: str) -> list[str]:
    """The run ids of the table's rows, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr data-run-id="([^"]+)"', body)


def header_labels(html: str) -> str:
    return html.split("<thead>", 1)[1].split("</thead>", 1)[0]


@pytest.fixture
def runs(ui: UiApp) -> dict[str, str]:
    """Experiment ``table`` with four runs: name -> run id (``experiment`` holds its id)."""
    client = ui.client
    experiment_id = client.create_experiment("table")
    ids = {"experiment": experiment_id}
    rows = [
        ("alpha", 0.5, "tree", 1000),
        ("beta", 0.2, "linear", 2000),
        ("gamma", 0.9, "tree", 3000),
        ("delta", 0.7, "forest", 4000),
    ]
    for name, rmse, model, start in rows:
        run = client.create_run(experiment_id, start_time=start, run_name=name)
        run_id = run.info.run_id
        client.log_metric(run_id, "rmse", rmse + 1, step=0)
        client.log_metric(run_id, "rmse", rmse, step=1)
        client.log_param(run_id, "model", model)
        client.set_tag(run_id, "team", "nlp" if name in ("alpha", "delta") else "cv")
        client.set_terminated(run_id)
        ids[name] = run_id
    return ids


def test_the_table_lists_runs_newest_first_with_counts_and_links(
    ui: UiApp, runs: dict[str, str]
) -> None:
    response = ui.http.get(f"/experiments/{runs['experiment']}")
    assert response.status_code == 200
    html = response.text
    assert '<table id="runs" class="data runs-table">' in html
    assert row_ids(html) == [runs[n] for n in ("delta", "gamma", "beta", "alpha")]
    assert "<strong>4</strong> runs match" in html
    assert f'href="/experiments/{runs["experiment"]}/runs/{runs["alpha"]}"' in html
    head = header_labels(html)
    for label in ("Created", "Duration", "User", "Source", "Status", "Dataset", "Models"):
        assert label in head
    assert "rmse" in head
    assert "model" in head
    assert "Server-Timing" in response.headers or "server-timing" in response.headers


def test_filter_with_or_and_parentheses(ui: UiApp, runs: dict[str, str]) -> None:
    text = "(params.model = 'tree' OR tags.team = 'nlp') AND metrics.rmse < 0.8"
    html = ui.http.get(f"/experiments/{runs['experiment']}", params={"filter": text}).text
    assert sorted(row_ids(html)) == sorted([runs["alpha"], runs["delta"]])
    assert "<strong>2</strong> runs match" in html


def test_a_bad_filter_is_shown_inline_with_its_position_and_the_text_kept(
    ui: UiApp, runs: dict[str, str]
) -> None:
    text = "metrics.rmse < 'high'"
    page = ui.http.get(f"/experiments/{runs['experiment']}", params={"filter": text})
    assert page.status_code == 400
    assert "data-filter-error" in page.text
    assert "at position 15" in page.text
    assert 'value="metrics.rmse &lt; &#39;high&#39;"' in page.text  # the typed text, escaped
    fragment = ui.http.get(
        f"/experiments/{runs['experiment']}", params={"filter": text}, headers=FRAGMENT
    )
    assert fragment.status_code == 200  # HTMX swaps it in
    assert "<html" not in fragment.text
    assert "at position 15" in fragment.text
    assert row_ids(fragment.text) == []


def test_sort_by_a_metric_from_the_url_and_the_header_links(
    ui: UiApp, runs: dict[str, str]
) -> None:
    url = f"/experiments/{runs['experiment']}"
    html = ui.http.get(url, params={"order_by": "metrics.rmse DESC"}).text
    assert row_ids(html) == [runs[n] for n in ("gamma", "delta", "alpha", "beta")]
    assert 'aria-sort="descending"' in header_labels(html)
    ascending = ui.http.get(url, params={"order_by": "metrics.`rmse` ASC"}).text
    assert row_ids(ascending) == [runs[n] for n in ("beta", "alpha", "delta", "gamma")]
    assert "order_by=metrics.%60rmse%60+DESC" in header_labels(ascending)  # click: flip
    by_param = ui.http.get(url, params={"order_by": "params.model ASC"}).text
    assert row_ids(by_param)[0] == runs["delta"]  # forest < linear < tree


def test_pages_follow_each_other_through_tokens(ui: UiApp, runs: dict[str, str]) -> None:
    url = f"/experiments/{runs['experiment']}"
    first = ui.http.get(url, params={"page_size": "3"}).text
    assert row_ids(first) == [runs[n] for n in ("delta", "gamma", "beta")]
    assert 'rel="prev"' not in first
    next_url = re.search(r'rel="next" href="([^"]+)"', first)
    assert next_url is not None
    second = ui.http.get(next_url.group(1).replace("&amp;", "&")).text
    assert row_ids(second) == [runs["alpha"]]
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    assert "showing 4\u20134" in second


def test_chosen_columns_with_min_max_params_and_tags(ui: UiApp, runs: dict[str, str]) -> None:
    columns = ["metrics.rmse:min", "metrics.rmse:max", "tags.team", "attributes.run_id", "bogus"]
    html = ui.http.get(f"/experiments/{runs['experiment']}", params={"columns": columns}).text
    head = header_labels(html)
    assert "rmse (min)" in head
    assert "rmse (max)" in head
    assert "team" in head
    assert "Duration" not in head  # only what was chosen
    gamma = html.split(f'data-run-id="{runs["gamma"]}"', 1)[1].split("</tr>", 1)[0]
    assert ">0.9<" in gamma
    assert ">1.9<" in gamma
    assert ">cv<" in gamma
    assert runs["gamma"] in gamma


def test_the_column_chooser_loads_every_key_with_more_counts(
    ui: UiApp, runs: dict[str, str]
) -> None:
    url = f"/experiments/{runs['experiment']}/columns"
    html = ui.http.get(
        url, params={"columns": ["metrics.rmse"]}, headers={"HX-Request": "true"}
    ).text
    assert 'value="metrics.rmse" checked' in html
    assert 'value="metrics.rmse:min"' in html
    assert 'value="params.model"' in html
    assert 'value="tags.team"' in html
    assert "more" in html


def test_keys_json_lists_metric_param_and_tag_keys(ui: UiApp, runs: dict[str, str]) -> None:
    keys = ui.http.get(f"/experiments/{runs['experiment']}/keys.json").json()
    assert keys["metrics"] == ["rmse"]
    assert keys["params"] == ["model"]
    assert "team" in keys["tags"]


def test_child_runs_open_under_their_parent(ui: UiApp) -> None:
    client = ui.client
    experiment_id = client.create_experiment("nested")
    parent = client.create_run(experiment_id, run_name="sweep").info.run_id
    children = [
        client.create_run(
            experiment_id, run_name=f"trial-{i}", tags={"mlflow.parentRunId": parent}
        ).info.run_id
        for i in range(3)
    ]
    flat = ui.http.get(f"/experiments/{experiment_id}").text
    assert len(row_ids(flat)) == 4
    assert "↳ sweep" in flat  # children name their parent
    tree = ui.http.get(f"/experiments/{experiment_id}", params={"nested": "tree"}).text
    assert row_ids(tree) == [parent]
    link = re.search(r'data-children-url="([^"]+)"', tree)
    assert link is not None
    fragment = ui.http.get(link.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert sorted(re.findall(r'data-run-id="([^"]+)"', fragment.text)) == sorted(children)
    assert f'data-ancestors="{parent}"' in fragment.text


def test_deleted_runs_show_in_the_deleted_view(ui: UiApp, runs: dict[str, str]) -> None:
    ui.client.delete_run(runs["beta"])
    url = f"/experiments/{runs['experiment']}"
    assert runs["beta"] not in row_ids(ui.http.get(url).text)
    deleted = ui.http.get(url, params={"view": "deleted"}).text
    assert row_ids(deleted) == [runs["beta"]]
    assert 'data-runs-action="restore"' in deleted


def test_running_runs_turn_auto_refresh_on(ui: UiApp, runs: dict[str, str]) -> None:
    url = f"/experiments/{runs['experiment']}"
    assert "data-refresh-every" not in ui.http.get(url).text
    ui.client.create_run(runs["experiment"], run_name="live")
    assert 'data-refresh-every="10000"' in ui.http.get(url).text


def test_several_experiments_together(ui: UiApp, runs: dict[str, str]) -> None:
    other = ui.client.create_experiment("other")
    extra = ui.client.create_run(other, run_name="elsewhere").info.run_id
    html = ui.http.get(
        "/compare-experiments", params={"experiments": [runs["experiment"], other]}
    ).text
    assert extra in row_ids(html)
    assert runs["alpha"] in row_ids(html)
    assert "Experiment" in header_labels(html)
    assert "/compare-experiments/runs.csv?experiments=" in html
    assert ui.http.get("/compare-experiments").status_code == 400


def test_an_unknown_experiment_is_not_found(ui: UiApp) -> None:
    assert ui.http.get("/experiments/424242").status_code == 404


def test_hostile_names_values_and_keys_are_escaped(ui: UiApp) -> None:
    client = ui.client
    experiment_id = client.create_experiment(HOSTILE)
    run_id = client.create_run(experiment_id, run_name=HOSTILE).info.run_id
    client.log_param(run_id, "p", HOSTILE)
    client.set_tag(run_id, "mlflow.source.name", HOSTILE)
    client.set_tag(run_id, "mlflow.parentRunId", HOSTILE)
    columns = ["params.p", "tags.mlflow.source.name", f"tags.{HOSTILE}", "attributes.source"]
    for params in ({}, {"columns": columns}, {"filter": HOSTILE}, {"order_by": HOSTILE}):
        html = ui.http.get(f"/experiments/{experiment_id}", params=params).text
        assert "<script>window" not in html
        assert "<img src=x" not in html
        assert "<script>" not in html.split("<main", 1)[1]


def test_a_metric_key_ending_in_min_keeps_its_latest_column(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment("colons")
    run_id = ui.client.create_run(experiment_id).info.run_id
    ui.client.log_metric(run_id, "loss:min", 3.0)
    html = ui.http.get(
        f"/experiments/{experiment_id}", params={"columns": ["metrics.loss:min:latest"]}
    ).text
    assert ">3<" in html.split("<tbody>", 1)[1]


def test_keys_json_answers_errors_as_json(ui: UiApp) -> None:
    response = ui.http.get("/compare-experiments/keys.json")
    assert response.status_code == 400
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_a_fragment_updates_the_column_count_out_of_band(ui: UiApp, runs: dict[str, str]) -> None:
    html = ui.http.get(
        f"/experiments/{runs['experiment']}",
        params={"columns": ["metrics.rmse", "params.model"]},
        headers=FRAGMENT,
    ).text
    assert '<span class="muted" id="columns-count" hx-swap-oob="true">(2)</span>' in html
