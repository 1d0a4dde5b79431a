"""The run page, a metric's page, a logged model's page and ``/runs/<id>``: what they show,
escaped, at MLflow's paths; redirects to the right experiment; the error page for a
missing run."""

from __future__ import annotations

import re
import time
from pathlib import Path

from fixtures.ui_app import UiApp
from heron.entities import Dataset, DatasetInput, InputTag, LoggedModelOutput, Metric, Param

HOSTILE = '<script>window.__xss=1</script>"><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;window.__xss=1&lt;/script&gt;"


def _run(ui: UiApp, experiment: str = "exp", **tags: str) -> tuple[str, str]:
    experiment_id = ui.client.create_experiment(experiment)
    run = ui.client.create_run(experiment_id, run_name="first run", tags=tags)
    return experiment_id, run.info.run_id


def _assert_escaped(html: str) -> None:
    assert "<script>window" not in html
    assert "<img src=x" not in html
    assert ESCAPED in html


def test_run_page_shows_overview_params_metrics_and_tags(ui: UiApp) -> None:
    experiment_id, run_id = _run(
        ui,
        **{
            "team": "nlp",
            "mlflow.source.name": "train.py",
            "mlflow.source.git.commit": "0123456789abcdef0123",
            "mlflow.source.git.branch": "main",
            "mlflow.project.entryPoint": "main",
            "mlflow.user": "alice",
        },
    )
    ui.client.log_param(run_id, "lr", "0.01")
    for step in range(5):
        ui.client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
    ui.client.set_terminated(run_id)

    response = ui.http.get(f"/experiments/{experiment_id}/runs/{run_id}")

    assert response.status_code == 200
    html = response.text
    assert '<h1 class="run-title"><span data-run-name>first run</span>' in html
    assert run_id in html
    assert "Finished" in html
    assert "train.py" in html
    assert "0123456789ab" in html
    assert ">main<" in html
    assert "alice" in html
    assert "lr" in html
    assert "0.01" in html
    assert f"/experiments/{experiment_id}/runs/{run_id}/metrics?key=loss" in html
    rows = html[html.index('id="metrics-table"') :]
    assert f'hx-get="/experiments/{experiment_id}/runs/{run_id}?part=metrics"' in rows
    assert re.search(r">0\.2<.*>4<.*>…<", rows, re.S)  # latest, step; the rest comes later
    fragment = ui.http.get(
        f"/experiments/{experiment_id}/runs/{run_id}",
        params={"part": "metrics"},
        headers={"HX-Request": "true"},
    ).text
    assert fragment.startswith('<tbody id="metric-rows">')
    assert re.search(r">0\.2<.*>4<.*>0\.2<.*>1<.*<polyline points=.*>5<", fragment, re.S)
    assert "hx-get" not in fragment
    assert ">team<" in html
    assert ">nlp<" in html
    assert 'aria-current="page">Overview' in html
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_run_page_escapes_hostile_names_values_and_description(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment(HOSTILE)
    run = ui.client.create_run(experiment_id, run_name=HOSTILE, tags={"tag": HOSTILE})
    run_id = run.info.run_id
    ui.client.log_param(run_id, "p", HOSTILE)
    ui.client.log_metric(run_id, "m", 1.0)
    ui.client.set_tag(run_id, "mlflow.note.content", HOSTILE + "\n\n[x](javascript:alert(1))")
    ui.client.set_tag(run_id, "mlflow.source.name", HOSTILE)

    html = ui.http.get(f"/experiments/{experiment_id}/runs/{run_id}").text

    _assert_escaped(html)
    assert 'href="javascript:' not in html


def test_description_is_rendered_as_markdown_and_editable(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui, **{"mlflow.note.content": "# Notes\n\n**bold** text"})

    html = ui.http.get(f"/experiments/{experiment_id}/runs/{run_id}").text

    assert "<h1>Notes</h1>" in html
    assert "<strong>bold</strong>" in html
    assert 'data-api="mlflow/runs/set-tag"' in html
    assert 'name="key" value="mlflow.note.content"' in html
    assert "# Notes\n\n**bold** text</textarea>" in html


def test_tags_can_be_added_edited_and_deleted_and_system_tags_are_apart(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui, team="nlp", **{"mlflow.source.type": "LOCAL"})

    html = ui.http.get(f"/experiments/{experiment_id}/runs/{run_id}").text

    tags_section = html[html.index('id="tags"') : html.index('id="params"')]
    assert 'data-api="mlflow/runs/delete-tag"' in tags_section
    assert 'aria-label="Edit tag team"' in tags_section
    user, system = tags_section.split('class="system-tags"')
    assert "mlflow.source.type" not in user
    assert "mlflow.source.type" in system
    assert "mlflow.runName" in system


def test_rename_and_delete_go_through_the_rest_api(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui)
    url = f"/experiments/{experiment_id}/runs/{run_id}"
    html = ui.http.get(url).text
    assert 'data-api="mlflow/runs/update"' in html
    assert 'name="run_name"' in html
    assert 'data-api="mlflow/runs/delete"' in html

    answer = ui.http.post(
        "/ajax-api/2.0/mlflow/runs/delete", json={"run_id": run_id}, headers={"Origin": ""}
    )
    assert answer.status_code == 200, answer.text

    html = ui.http.get(url).text
    assert 'data-api="mlflow/runs/restore"' in html
    assert "Deleted" in html


def test_params_and_metrics_filters_live_in_the_url(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui)
    ui.client.log_batch(
        run_id,
        metrics=[Metric("train_loss", 1, 0, 0), Metric("val_acc", 1, 0, 0)],
        params=[Param("alpha", "1"), Param("beta", "2")],
    )

    html = ui.http.get(
        f"/experiments/{experiment_id}/runs/{run_id}", params={"params": "ALPH", "metrics": "acc"}
    ).text

    assert re.search(r"<tr>\s*<td class=\"wrap mono\">alpha", html)
    assert re.search(r"<tr hidden>\s*<td class=\"wrap mono\">beta", html)
    assert re.search(r"<tr hidden>\s*<td class=\"wrap\"><a class=\"mono\"[^>]*>train_loss", html)
    assert re.search(r"<tr>\s*<td class=\"wrap\"><a class=\"mono\"[^>]*>val_acc", html)
    assert 'value="ALPH"' in html


def test_parent_children_datasets_models_and_versions_are_linked(ui: UiApp) -> None:
    experiment_id, parent_id = _run(ui)
    child = ui.client.create_run(
        experiment_id, run_name="child <b>", tags={"mlflow.parentRunId": parent_id}
    )
    dataset = Dataset("wine", "abc123", "local", '{"uri": "/data/wine.csv"}')
    ui.client.log_inputs(
        parent_id, [DatasetInput(dataset, (InputTag("mlflow.data.context", "training"),))]
    )
    model = ui.client.create_logged_model(experiment_id, name="clf", source_run_id=parent_id)
    ui.client.log_outputs(parent_id, [LoggedModelOutput(model.model_id, 3)])
    ui.client.create_registered_model("Wine <model>")
    ui.client.create_model_version(
        "Wine <model>", f"models:/{model.model_id}", run_id=parent_id, model_id=model.model_id
    )

    parent_html = ui.http.get(f"/experiments/{experiment_id}/runs/{parent_id}").text
    child_html = ui.http.get(f"/experiments/{experiment_id}/runs/{child.info.run_id}").text

    assert f"/experiments/{experiment_id}/runs/{child.info.run_id}" in parent_html
    assert "child &lt;b&gt;" in parent_html
    assert "wine" in parent_html
    assert "abc123" in parent_html
    assert "training" in parent_html
    assert f"/experiments/{experiment_id}/models/{model.model_id}" in parent_html
    assert "/models/Wine%20%3Cmodel%3E/versions/1" in parent_html
    assert "Wine &lt;model&gt;" in parent_html
    assert "Parent run" in child_html
    assert f"/experiments/{experiment_id}/runs/{parent_id}" in child_html


def test_run_in_another_experiment_redirects_and_runs_by_id_redirects(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui)
    right = f"/experiments/{experiment_id}/runs/{run_id}"

    wrong = ui.http.get(f"/experiments/0/runs/{run_id}?params=x", follow_redirects=False)
    by_id = ui.http.get(f"/runs/{run_id}", follow_redirects=False)
    metric = ui.http.get(f"/experiments/0/runs/{run_id}/metrics?key=m", follow_redirects=False)

    assert wrong.status_code == 302
    assert wrong.headers["location"] == right + "?params=x"
    assert by_id.status_code == 302
    assert by_id.headers["location"] == right
    assert metric.headers["location"] == right + "/metrics?key=m"


def test_missing_run_is_the_404_page(ui: UiApp) -> None:
    for path in ("/experiments/0/runs/0123456789abcdef", "/runs/0123456789abcdef"):
        response = ui.http.get(path)
        assert response.status_code == 404
        assert "RESOURCE_DOES_NOT_EXIST" in response.text
        assert "<h1>Not found</h1>" in response.text


def test_metric_page_draws_the_history_and_pages_the_points(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui)
    start = int(time.time() * 1000)
    points = [Metric("loss: a/b", 100.0 - step, start + step, step) for step in range(250)]
    ui.client.log_batch(run_id, metrics=points)
    url = f"/experiments/{experiment_id}/runs/{run_id}/metrics"

    first = ui.http.get(url, params={"key": "loss: a/b"})
    last = ui.http.get(url, params={"key": "loss: a/b", "page": "3", "order": "desc"})

    assert first.status_code == 200
    assert "loss: a/b" in first.text
    assert '<polyline class="line" points=' in first.text
    assert "250 points, page 1 of 3" in first.text
    assert 'rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    rows = re.findall(r"<tr><td class=\"num\">(\d+)</td>", last.text)
    assert rows == [str(step) for step in range(49, -1, -1)]
    assert 'rel="prev"' in last.text
    assert 'aria-current="page">Metric: loss: a/b' in first.text


def test_metric_page_of_an_unknown_key_is_404_and_without_key_the_run(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui)
    response = ui.http.get(
        f"/experiments/{experiment_id}/runs/{run_id}/metrics", params={"key": "nope"}
    )
    assert response.status_code == 404
    no_key = ui.http.get(
        f"/experiments/{experiment_id}/runs/{run_id}/metrics", follow_redirects=False
    )
    assert no_key.headers["location"] == f"/experiments/{experiment_id}/runs/{run_id}"


def test_logged_model_page(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui)
    model = ui.client.create_logged_model(
        experiment_id,
        name="clf",
        source_run_id=run_id,
        tags={"note": HOSTILE},
        params={"depth": HOSTILE},
        model_type="classifier",
    )
    ui.client.log_metric(run_id, "acc", 0.93, step=2, model_id=model.model_id)
    ui.client.create_registered_model("reg")
    ui.client.create_model_version(
        "reg", f"models:/{model.model_id}", run_id=run_id, model_id=model.model_id
    )

    response = ui.http.get(f"/experiments/{experiment_id}/models/{model.model_id}")

    assert response.status_code == 200
    html = response.text
    _assert_escaped(html)
    assert f"mlflow.pyfunc.load_model(&#34;models:/{model.model_id}&#34;)" in html
    assert f"/experiments/{experiment_id}/runs/{run_id}" in html
    assert "first run" in html
    assert "classifier" in html
    assert "0.93" in html
    assert "/models/reg/versions/1" in html
    assert model.artifact_location in html


def test_logged_model_redirects_to_its_experiment_and_missing_one_is_404(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui)
    model = ui.client.create_logged_model(experiment_id, name="clf", source_run_id=run_id)

    wrong = ui.http.get(f"/experiments/0/models/{model.model_id}", follow_redirects=False)
    missing = ui.http.get(f"/experiments/0/models/m-{'0' * 32}")

    assert wrong.headers["location"] == f"/experiments/{experiment_id}/models/{model.model_id}"
    assert missing.status_code == 404


def test_run_page_with_200_params_and_100_metrics_is_quick(ui: UiApp) -> None:
    experiment_id, run_id = _run(ui)
    ui.client.log_batch(run_id, params=[Param(f"p{i}", str(i)) for i in range(100)])
    ui.client.log_batch(run_id, params=[Param(f"p{i}", str(i)) for i in range(100, 200)])
    points = [Metric(f"m{k}", float(s % 7), s, s) for k in range(100) for s in range(100)]
    for chunk in range(0, len(points), 1000):
        ui.client.log_batch(run_id, metrics=points[chunk : chunk + 1000])
    url = f"/experiments/{experiment_id}/runs/{run_id}"
    for path in (url, url + "?part=metrics"):
        ui.http.get(path)  # templates compiled, store warm

    def quickest(path: str) -> tuple[float, str]:
        took = []
        for _ in range(3):
            started = time.perf_counter()
            response = ui.http.get(path)
            took.append(time.perf_counter() - started)
            assert response.status_code == 200
        return min(took), response.text

    page_time, page = quickest(url)
    rows_time, rows = quickest(url + "?part=metrics")

    assert page.count('<td class="num pending">') == 3 * 100  # min, max, points to come
    assert ">p199<" in page
    assert rows.count("<polyline") == 100
    # About 10 ms and 40 ms on a laptop; generous bounds for loaded CI machines.
    assert page_time < 0.3, page_time
    assert rows_time < 0.5, rows_time


def test_logged_model_page_lists_its_files_with_download_links(ui: UiApp, tmp_path: Path) -> None:
    experiment_id, run_id = _run(ui)
    model = ui.client.create_logged_model(experiment_id, name="clf", source_run_id=run_id)
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "MLmodel").write_text("flavors: {}\n")
    (folder / "<b>.txt").write_text("x")
    ui.client.log_model_artifacts(model.model_id, str(folder))

    html = ui.http.get(f"/experiments/{experiment_id}/models/{model.model_id}").text

    link = (
        f"/ajax-api/2.0/mlflow/logged-models/{model.model_id}/artifacts/files"
        "?artifact_file_path=MLmodel"
    )
    assert f'href="{link}"' in html
    assert "&lt;b&gt;.txt" in html
    assert ui.http.get(link).text == "flavors: {}\n"
