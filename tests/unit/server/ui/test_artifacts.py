"""The artifact browser: tree, previews of each kind, head-only reads, model folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixtures.ui_app import UiApp, make_ui_app
from heron.server.ui import previews
from heron.server.ui.pages import artifacts

HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def _run(ui: UiApp, tmp_path: Path, files: dict[str, bytes | str]) -> tuple[str, str]:
    """A run whose artifacts (in a local folder the app reads too) are ``files``."""
    experiment = ui.client.create_experiment("exp", artifact_location=(tmp_path / "art").as_uri())
    run_id = ui.client.create_run(experiment).info.run_id
    folder = tmp_path / "files"
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    ui.client.log_artifacts(run_id, str(folder))
    return experiment, run_id


def _page(ui: UiApp, experiment: str, run_id: str, path: str = "", part: str = "artifacts"):  # type: ignore[no-untyped-def]
    return ui.http.get(f"/experiments/{experiment}/runs/{run_id}/{part}", params={"path": path})


def test_tree_lists_folders_first_and_opens_the_way_to_the_chosen_file(
    ui: UiApp, tmp_path: Path
) -> None:
    e, r = _run(ui, tmp_path, {"b.txt": "b", "a/deep/c.txt": "c", "z/y.txt": "y"})
    html = _page(ui, e, r, "a/deep/c.txt").text
    assert html.index(">a<") < html.index(">z<") < html.index(">b.txt<")
    assert 'title="a/deep/c.txt" aria-current="true"' in html
    assert "data-folder open data-loaded" in html  # "a" and "a/deep" open, "z" lazy
    assert html.count("data-folder open") == 2
    assert "y.txt" not in html  # "z" is loaded when opened
    fragment = _page(ui, e, r, "z", "artifact-tree")
    assert fragment.status_code == 200
    assert ">y.txt<" in fragment.text
    assert "<html" not in fragment.text


def test_mlflow_style_artifact_link_redirects_to_the_browser(ui: UiApp, tmp_path: Path) -> None:
    e, r = _run(ui, tmp_path, {"d/f.txt": "x"})
    response = ui.http.get(f"/experiments/{e}/runs/{r}/artifacts/d/f.txt", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"/experiments/{e}/runs/{r}/artifacts?path=d%2Ff.txt"
    older = ui.http.get(f"/experiments/{e}/runs/{r}/artifactPath/d/f.txt", follow_redirects=False)
    assert older.headers["location"] == response.headers["location"]


def test_text_json_markdown_and_code_previews_escape_content(ui: UiApp, tmp_path: Path) -> None:
    e, r = _run(
        ui,
        tmp_path,
        {
            "t.txt": HOSTILE,
            "d.json": json.dumps({"k": HOSTILE, "n": [1, 2]}),
            "n.md": f"# Title\n\n{HOSTILE}\n\n[x](javascript:alert(1))",
            "s.py": "print('<b>')",
        },
    )
    text = _page(ui, e, r, "t.txt", "artifact-preview").text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in text
    assert "<script>window" not in text
    pretty = _page(ui, e, r, "d.json", "artifact-preview").text
    assert "&#34;n&#34;: [\n    1,\n    2\n  ]" in pretty
    assert "<img src=x" not in pretty
    markdown = _page(ui, e, r, "n.md", "artifact-preview").text
    assert "<h1>Title</h1>" in markdown
    assert "<img src=x" not in markdown
    assert 'href="javascript:' not in markdown
    assert "print(&#39;&lt;b&gt;&#39;)" in _page(ui, e, r, "s.py", "artifact-preview").text


def test_big_text_file_shows_only_its_head(ui: UiApp, tmp_path: Path) -> None:
    line = "0123456789" * 10 + "\n"
    e, r = _run(ui, tmp_path, {"big.log": line * 30_000})  # 3 MB
    html = _page(ui, e, r, "big.log", "artifact-preview").text
    assert "Showing the first 256.0 kB of 3.0 MB" in html
    assert html.count("0123456789" * 10) == previews.TEXT_HEAD // len(line)
    assert 'href="/get-artifact?run_id=' in html


def test_read_head_stops_early(tmp_path: Path) -> None:
    from heron.store.artifacts.local import LocalArtifactRepository

    (tmp_path / "f.bin").write_bytes(b"x" * 5_000_000)
    assert previews.read_head(LocalArtifactRepository(str(tmp_path)), "f.bin", 10) == b"x" * 10


def test_csv_and_tsv_are_tables_paged_on_the_server(ui: UiApp, tmp_path: Path) -> None:
    rows = "\n".join(f"{i},{HOSTILE if i == 3 else i * 2}" for i in range(250))
    e, r = _run(ui, tmp_path, {"t.csv": "a,b\n" + rows, "t.tsv": "x\ty\n1\t2\n"})
    first = _page(ui, e, r, "t.csv", "artifact-preview").text
    assert "<th>a</th><th>b</th>" in first
    assert "Rows 1\u2013100" in first
    assert "&lt;script&gt;" in first
    assert "<script>window" not in first
    assert f'hx-push-url="/experiments/{e}/runs/{r}/artifacts?path=t.csv&amp;offset=100"' in first
    assert "Next rows" in first
    last = ui.http.get(
        f"/experiments/{e}/runs/{r}/artifact-preview", params={"path": "t.csv", "offset": 200}
    ).text
    assert "Rows 201\u2013250" in last
    assert "Next rows" not in last
    assert "Previous rows" in last
    assert '<td class="wrap">249</td>' in last
    assert "<th>x</th><th>y</th>" in _page(ui, e, r, "t.tsv", "artifact-preview").text
    shared = ui.http.get(f"/experiments/{e}/runs/{r}/artifacts?path=t.csv&offset=200").text
    assert "Rows 201\u2013250" in shared


def test_text_in_another_encoding_is_shown_with_replacement_characters(
    ui: UiApp, tmp_path: Path
) -> None:
    e, r = _run(ui, tmp_path, {"latin.txt": "café crème brûlée, à la carte".encode("latin-1")})
    html = _page(ui, e, r, "latin.txt", "artifact-preview").text
    assert "caf\ufffd cr\ufffdme" in html


def test_log_table_json_is_a_table(ui: UiApp, tmp_path: Path) -> None:
    table = {"columns": ["name", "score"], "data": [["a", 1], [HOSTILE, [1, 2]]]}
    e, r = _run(ui, tmp_path, {"tables/t.json": json.dumps(table)})
    html = _page(ui, e, r, "tables/t.json", "artifact-preview").text
    assert "<th>name</th><th>score</th>" in html
    assert '<td class="wrap">[1, 2]</td>' in html
    assert "<img src=x" not in html


def test_images_pdf_html_and_svg_are_shown_by_the_browser_safely(ui: UiApp, tmp_path: Path) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="parent.__xss=1"/>'
    e, r = _run(
        ui,
        tmp_path,
        {"i.png": b"\x89PNG", "p.html": HOSTILE, "v.svg": svg, "d.pdf": b"%PDF-1.4"},
    )
    image = _page(ui, e, r, "i.png", "artifact-preview").text
    assert f'<img src="/get-artifact?run_id={r}&amp;path=i.png"' in image
    for name in ("p.html", "v.svg"):
        pane = _page(ui, e, r, name, "artifact-preview").text
        assert 'sandbox=""' in pane
        assert "allow-scripts" not in pane
        view = _page(ui, e, r, name, "artifact-view")
        policy = view.headers["content-security-policy"]
        assert policy.startswith("sandbox;")
        assert "script-src" not in policy
        assert "default-src 'none'" in policy
        assert view.headers["x-content-type-options"] == "nosniff"
        assert view.headers["content-disposition"].startswith("inline;")
    assert (
        _page(ui, e, r, "p.html", "artifact-view").headers["content-type"].startswith("text/html")
    )
    pdf = _page(ui, e, r, "d.pdf", "artifact-view")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content == b"%PDF-1.4"
    assert "<iframe" in _page(ui, e, r, "d.pdf", "artifact-preview").text
    assert _page(ui, e, r, "i.png", "artifact-view").status_code == 400  # not an inline kind


def test_binary_and_oversized_files_get_size_and_download_only(ui: UiApp, tmp_path: Path) -> None:
    big_html = "<p>x</p>" * (previews.INLINE_LIMITS["html"] // 8 + 1)
    e, r = _run(ui, tmp_path, {"w.bin": b"\x00\x01" * 100, "raw": b"\x00abc", "big.html": big_html})
    for name in ("w.bin", "raw"):
        assert "No preview for this kind of file" in _page(ui, e, r, name, "artifact-preview").text
    too_big = _page(ui, e, r, "big.html", "artifact-preview").text
    assert "too large to show here" in too_big
    assert "<iframe" not in too_big
    assert _page(ui, e, r, "big.html", "artifact-view").status_code == 400


def test_folder_pane_lists_entries_with_zip_download(ui: UiApp, tmp_path: Path) -> None:
    e, r = _run(ui, tmp_path, {"d/a.txt": "a", "d/sub/b.txt": "b"})
    html = _page(ui, e, r, "d", "artifact-preview").text
    assert "Download as zip" in html
    assert "artifact-zip?path=d" in html
    assert ">sub/<" in html
    assert ">a.txt<" in html


def test_missing_paths_and_traversal_are_refused(ui: UiApp, tmp_path: Path) -> None:
    e, r = _run(ui, tmp_path, {"a.txt": "a"})
    (tmp_path / "secret.txt").write_text("secret")
    assert "No such artifact" in _page(ui, e, r, "nope.txt").text
    for path in ("../secret.txt", "..%2fsecret.txt", "/etc/passwd", "a/../../secret.txt"):
        for part in ("artifacts", "artifact-preview", "artifact-view", "artifact-zip"):
            response = _page(ui, e, r, path, part)
            assert response.status_code == 400, (path, part)
            assert "secret" not in response.text.replace(path, "")


def test_model_folder_shows_flavors_signature_example_and_snippet(
    ui: UiApp, tmp_path: Path
) -> None:
    mlmodel = (
        "flavors:\n  python_function:\n    loader_module: heron.sklearn\n"
        "  sklearn:\n    sklearn_version: 1.5.0\n"
        "model_uuid: abc\nrun_id: r\nutc_time_created: '2026-01-01 00:00:00.000000'\n"
        "signature:\n"
        '  inputs: \'[{"type": "double", "name": "f1", "required": true}]\'\n'
        '  outputs: \'[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]\'\n'
        "  params: null\n"
        "saved_input_example_info:\n  artifact_path: input_example.json\n  type: dataframe\n"
    )
    example = json.dumps({"columns": ["f1"], "data": [[0.5], [HOSTILE]]})
    e, r = _run(
        ui,
        tmp_path,
        {
            "model/MLmodel": mlmodel,
            "model/input_example.json": example,
            "model/requirements.txt": "scikit-learn==1.5.0\n",
            "model/python_env.yaml": "python: 3.11\n",
        },
    )
    html = _page(ui, e, r, "model").text
    assert "python_function" in html
    assert "heron.sklearn" in html
    assert "1.5.0" in html
    assert '<td>f1</td><td class="mono">double</td>' in html
    assert "tensor (int64)" in html
    assert "shape [-1]" in html
    assert "Input example" in html
    assert '<td class="wrap">0.5</td>' in html
    assert "scikit-learn==1.5.0" in html
    assert "python: 3.11" in html
    assert f"runs:/{r}/model" in html
    assert "import heron as mlflow\n\nmodel = mlflow.pyfunc.load_model" in html
    # The snippet's quotes are escaped: they ended the copy button's attribute early.
    copied = "import heron as mlflow\n\nmodel = mlflow.pyfunc.load_model"
    assert f'data-copy="{copied}(&#34;runs:/{r}/model&#34;)' in html
    assert "<img src=x" not in html


def test_model_with_a_model_id_loads_from_models_uri(ui: UiApp, tmp_path: Path) -> None:
    mlmodel = "flavors: {}\nmodel_id: m-123\nmodel_uuid: abc\n"
    e, r = _run(ui, tmp_path, {"m/MLmodel": mlmodel})
    html = _page(ui, e, r, "m", "artifact-preview").text
    assert "models:/m-123" in html
    assert "No signature" in html


def test_run_of_another_experiment_redirects(ui: UiApp, tmp_path: Path) -> None:
    e, r = _run(ui, tmp_path, {"a.txt": "a"})
    other = ui.client.create_experiment("other")
    response = ui.http.get(
        f"/experiments/{other}/runs/{r}/artifacts?path=a.txt", follow_redirects=False
    )
    assert response.status_code == 307
    assert response.headers["location"] == f"/experiments/{e}/runs/{r}/artifacts?path=a.txt"


def test_fragment_errors_are_messages_to_show_in_place(ui: UiApp, tmp_path: Path) -> None:
    e, r = _run(ui, tmp_path, {"a.txt": "a"})
    missing = _page(ui, e, r, "gone.txt", "artifact-preview")
    assert missing.status_code == 404
    assert missing.text.strip() == (
        '<p class="form-error" role="alert" data-artifact-error>'
        "No such artifact: &#39;gone.txt&#39;</p>"
    )
    assert _page(ui, e, r, "../x", "artifact-tree").status_code == 400


def test_empty_run_offers_no_zip(ui: UiApp, tmp_path: Path) -> None:
    experiment = ui.client.create_experiment("empty", artifact_location=(tmp_path / "e").as_uri())
    run_id = ui.client.create_run(experiment).info.run_id
    html = _page(ui, experiment, run_id).text
    assert "No artifacts recorded for this run." in html
    assert "Download as zip" not in html


def test_long_folders_list_their_first_entries_and_a_count(
    ui: UiApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(artifacts, "MAX_LISTED", 2)
    e, r = _run(ui, tmp_path, {"a.txt": "a", "b.txt": "b", "c.txt": "c"})
    html = _page(ui, e, r).text
    assert ">b.txt<" in html
    assert ">c.txt<" not in html
    assert "1 more: download the folder" in html
    assert "1 more entries are not listed" in html


def test_pages_and_fragments_live_under_the_static_prefix(tmp_path: Path) -> None:
    app = make_ui_app(tmp_path, static_prefix="/heron")
    with app.http:
        experiment = app.client.create_experiment("p", artifact_location=(tmp_path / "p").as_uri())
        run_id = app.client.create_run(experiment).info.run_id
        (tmp_path / "d").mkdir()
        (tmp_path / "d" / "f.txt").write_text("x")
        app.client.log_artifacts(run_id, str(tmp_path / "d"), "d")
        base = f"/heron/experiments/{experiment}/runs/{run_id}"
        html = app.http.get(f"{base}/artifacts").text
        assert f'data-src="{base}/artifact-tree?path=d"' in html
        fragment = app.http.get(f"{base}/artifact-tree?path=d").text
        assert f'href="{base}/artifacts?path=d%2Ff.txt"' in fragment
        assert f'hx-get="{base}/artifact-preview?path=d%2Ff.txt"' in fragment
        pane = app.http.get(f"{base}/artifact-preview?path=d%2Ff.txt").text
        assert f'href="/heron/get-artifact?run_id={run_id}&amp;path=d%2Ff.txt"' in pane
        assert app.http.get(f"/heron/get-artifact?run_id={run_id}&path=d/f.txt").text == "x"
