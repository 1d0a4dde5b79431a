"""The runs table's CSV: every matching run (not only the shown page), streamed page by
page, MLflow's columns, no spreadsheet formulas; and the column names of the URL."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

import pytest

from heron.search import parse_order_by
from heron.server.ui import runs_csv
from heron.server.ui.runs_columns import Column, identifier, parse_column, short_source

if TYPE_CHECKING:
    from fixtures.ui_app import UiApp  # the fixture's type (conftest.py of this folder)


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_every_matching_run_page_after_page(
    ui: UiApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs_csv, "CSV_PAGE", 2)  # several store pages for five runs
    client = ui.client
    experiment_id = client.create_experiment("csv")
    ids = []
    for i in range(5):
        run_id = client.create_run(experiment_id, start_time=1000 + i, run_name=f"r{i}").info.run_id
        client.log_metric(run_id, "loss", i / 10)
        client.log_param(run_id, "even", str(i % 2 == 0))
        client.set_tag(run_id, "mlflow.source.name", "/home/a/train.py")
        ids.append(run_id)
    response = ui.http.get(f"/experiments/{experiment_id}/runs.csv", params={"page_size": "1"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="runs-' in response.headers["content-disposition"]
    rows = read_csv(response.text)
    assert [row["run_id"] for row in rows] == ids[::-1]  # newest first, every page
    first = rows[-1]
    assert first["experiment_id"] == experiment_id
    assert first["run_name"] == "r0"
    assert first["status"] == "RUNNING"
    assert first["start_time"].startswith("1970-01-01T00:00:01")
    assert first["metrics.loss"] == "0.0"
    assert first["params.even"] == "True"
    assert first["source"] == "/home/a/train.py"
    assert first["tags.mlflow.runName"] == "r0"
    expected = client.search_runs([experiment_id], max_results=1000)
    assert {r.info.run_id for r in expected} == {row["run_id"] for row in rows}

    filtered = ui.http.get(
        f"/experiments/{experiment_id}/runs.csv",
        params={"filter": "params.even = 'True' OR metrics.loss > 0.25"},
    )
    assert [row["run_id"] for row in read_csv(filtered.text)] == [ids[4], ids[3], ids[2], ids[0]]


def test_csv_cells_never_start_a_formula(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment("formulas")
    run_id = ui.client.create_run(experiment_id, run_name="=HYPERLINK(1)").info.run_id
    ui.client.log_param(run_id, "cmd", "+cmd|' /C calc'!A0")
    ui.client.log_param(run_id, "neg", "-0.5")
    ui.client.set_tag(run_id, "at", "@SUM(1)")
    row = read_csv(ui.http.get(f"/experiments/{experiment_id}/runs.csv").text)[0]
    assert row["run_name"] == "'=HYPERLINK(1)"
    assert row["params.cmd"] == "'+cmd|' /C calc'!A0"
    assert row["params.neg"] == "-0.5"  # a plain number stays a number
    assert row["tags.at"] == "'@SUM(1)"


def test_csv_of_a_bad_filter_is_an_error_not_a_broken_file(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment("bad")
    response = ui.http.get(f"/experiments/{experiment_id}/runs.csv", params={"filter": "x ="})
    assert response.status_code == 400
    assert "position" in response.text


def test_csv_of_several_experiments(ui: UiApp) -> None:
    first = ui.client.create_experiment("one")
    second = ui.client.create_experiment("two")
    a = ui.client.create_run(first).info.run_id
    b = ui.client.create_run(second).info.run_id
    response = ui.http.get("/compare-experiments/runs.csv", params={"experiments": [first, second]})
    assert {row["run_id"] for row in read_csv(response.text)} == {a, b}


@pytest.mark.parametrize(
    ("spec", "column"),
    [
        ("metrics.rmse", Column("metric", "rmse")),
        ("metrics.train.loss:min", Column("metric", "train.loss", "min")),
        ("metrics.acc:max", Column("metric", "acc", "max")),
        ("metrics.a:min:latest", Column("metric", "a:min")),
        ("params.lr", Column("param", "lr")),
        ("tags.mlflow.user", Column("tag", "mlflow.user")),
        ("attributes.duration", Column("attribute", "duration")),
        ("attributes.nope", None),
        ("metrics.", None),
        ("rmse", None),
    ],
)
def test_column_names(spec: str, column: Column | None) -> None:
    assert parse_column(spec) == column
    if column is not None:
        assert parse_column(column.spec) == column


@pytest.mark.parametrize("key", ["rmse", "train loss", "a`b", "back\\slash", "x.y:z"])
def test_sort_identifiers_name_any_key(key: str) -> None:
    [order] = parse_order_by([f"{identifier('metric', key)} DESC"], "runs")
    assert (order.entity, order.key, order.ascending) == ("metric", key, False)


def test_short_source() -> None:
    assert short_source("/home/a/project/train.py") == "train.py"
    assert short_source("https://github.com/o/r/") == "r"
    assert short_source("C:\\work\\nb.ipynb") == "nb.ipynb"
    assert short_source("") == ""
