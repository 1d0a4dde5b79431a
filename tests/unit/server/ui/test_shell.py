"""The UI shell: served at / (and under a static prefix), its headers, static files, the
experiments list and the models slot, all escaping hostile names."""

from __future__ import annotations

from pathlib import Path

from fixtures.ui_app import UiApp, make_ui_app
from heron.server.ui.context import CONTENT_SECURITY_POLICY
from heron.server.ui.static_files import fingerprint

HOSTILE = '<script>window.__xss=1</script>"><img src=x onerror=alert(1)>'


def test_home_is_the_experiments_list_with_a_strict_csp(ui: UiApp) -> None:
    response = ui.http.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("style-src")[0]
    assert "<h1>Experiments</h1>" in response.text
    assert "Default" in response.text


def test_pages_have_no_inline_script(ui: UiApp) -> None:
    for path in ("/", "/experiments", "/models"):
        html = ui.http.get(path).text
        assert "<script>" not in html
        assert " on" + "click=" not in html
        assert html.count("<script") == html.count("<script src=")


def test_hostile_experiment_names_and_tags_are_escaped(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment(HOSTILE, tags={"owner": HOSTILE})
    ui.client.set_experiment_tag(experiment_id, "mlflow.note.content", HOSTILE)
    html = ui.http.get("/experiments").text
    assert "<script>window" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html


def test_search_box_filters_by_name_and_htmx_gets_the_table_only(ui: UiApp) -> None:
    ui.client.create_experiment("wine-quality")
    ui.client.create_experiment("iris")
    page = ui.http.get(
        "/experiments",
        params={"q": "WINE"},
        headers={"HX-Request": "true", "HX-Target": "experiments-table"},
    )
    assert page.status_code == 200
    assert "wine-quality" in page.text
    assert "iris" not in page.text
    assert "<html" not in page.text


def test_search_box_also_searches_descriptions(ui: UiApp) -> None:
    described = ui.client.create_experiment("plain")
    ui.client.set_experiment_tag(described, "mlflow.note.content", "Gradient BOOSTING sweep")
    ui.client.create_experiment("other")
    html = ui.http.get("/experiments", params={"q": "boosting"}).text
    assert ">plain<" in html
    assert ">other<" not in html


def test_a_bad_filter_is_reported_inline(ui: UiApp) -> None:
    page = ui.http.get("/experiments", params={"filter": "name = "})
    assert page.status_code == 400
    assert 'class="form-error"' in page.text
    assert "name = " in page.text  # what the user typed stays in the box


def test_deleted_experiments_are_listed_on_request(ui: UiApp) -> None:
    gone = ui.client.create_experiment("gone")
    ui.client.delete_experiment(gone)
    assert "gone" not in ui.http.get("/experiments").text
    assert "gone" in ui.http.get("/experiments", params={"view": "deleted"}).text


def test_run_counts_and_last_activity(ui: UiApp) -> None:
    experiment_id = ui.client.create_experiment("busy")
    for _ in range(3):
        ui.client.create_run(experiment_id, start_time=1_700_000_000_000)
    html = ui.http.get("/experiments").text
    row = html[html.index(f'data-experiment-id="{experiment_id}"') :]
    assert '<td class="num">3</td>' in row[:2000]
    assert "2023-11-14 22:13:20" in row[:2000]


def test_selecting_experiments_opens_their_runs(ui: UiApp) -> None:
    one = ui.http.get("/experiments-select", params={"experiment_id": "0"}, follow_redirects=False)
    assert one.status_code == 303
    assert one.headers["location"] == "/experiments/0"
    two = ui.http.get(
        "/experiments-select",
        params=[("experiment_id", "0"), ("experiment_id", "1")],
        follow_redirects=False,
    )
    assert two.headers["location"] == "/compare-experiments?experiments=0&experiments=1"


def test_static_files_are_served_with_their_licences() -> None:
    from heron.server.ui.context import STATIC_DIR

    assert (STATIC_DIR / "vendor" / "htmx.min.js").stat().st_size > 10_000
    assert (STATIC_DIR / "vendor" / "licenses" / "htmx.org-LICENSE.txt").exists()


def test_static_file_route(ui: UiApp) -> None:
    response = ui.http.get(f"/static/{fingerprint()}/vendor/htmx.min.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_static_urls_change_with_the_files(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("one")
    before = fingerprint(tmp_path)
    fingerprint.cache_clear()
    (tmp_path / "a.js").write_text("two")
    assert fingerprint(tmp_path) != before
    fingerprint.cache_clear()


def test_modules_import_heron_js_at_the_url_the_page_loads(ui: UiApp) -> None:
    html = ui.http.get("/").text
    assert f'src="/static/{fingerprint()}/js/heron.js"' in html  # a path, so "./heron.js" matches


def test_static_prefix_prefixes_every_link(tmp_path: Path) -> None:
    app = make_ui_app(tmp_path, static_prefix="/heron")
    with app.http:
        assert app.http.get("/").status_code == 404
        html = app.http.get("/heron/").text
        assert 'href="/heron/experiments/0"' in html
        assert f'src="/heron/static/{fingerprint()}/js/boot.js"' in html
        assert '<meta name="heron-prefix" content="/heron">' in html
        assert app.http.get(f"/heron/static/{fingerprint()}/css/base.css").status_code == 200


def test_artifacts_only_server_has_no_ui(tmp_path: Path) -> None:
    app = make_ui_app(tmp_path, artifacts_only=True)
    with app.http:
        assert app.http.get("/").status_code == 404
