"""Data whose every string is an attack, logged through the official API so that each page
can be opened over it and checked: no script of the attacker may run (``window.__xss``
stays unset), no dialog may open.
"""

from __future__ import annotations

from dataclasses import dataclass

PAYLOADS = (
    '<script>window.__xss="script"</script>',
    "<img src=x onerror=\"window.__xss='img'\">",
    'javascript:window.__xss="js"',
    '"><svg onload="window.__xss=\'svg\'">',
    "[click me](javascript:window.__xss='md') <b onmouseover=window.__xss='b'>x</b>",
    "'-alert(1)-'",
    "{{7*7}} ${7*7}",
)

HOSTILE_FILE_NAME = '<img src=x onerror="window.__xss=1">.txt'
"""An artifact file name that is an attack (file names may hold anything but ``/``)."""

HTML_ARTIFACT = (
    b'<html><body><script>parent.__xss="html"; window.__xss="html"</script>'
    b"<img src=x onerror=\"parent.__xss='html-img'\"></body></html>"
)
SVG_ARTIFACT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="parent.__xss=\'svg-file\'">'
    b'<script>parent.__xss="svg-script"</script><circle r="5"/></svg>'
)


@dataclass(frozen=True)
class HostileData:
    """What :func:`log_hostile_data` made."""

    experiment_id: str
    run_id: str
    child_run_id: str
    model_name: str


def log_hostile_data(tracking_uri: str, tmp_dir: str) -> HostileData:
    """An experiment, a parent and a child run, params, metrics, tags, a description,
    artifacts (HTML, SVG, text, JSON, CSV, markdown with hostile names and contents) and a
    registered model, every name and value hostile."""
    import os
    import uuid

    from heron.tracking import MlflowClient

    client = MlflowClient(tracking_uri)
    unique = uuid.uuid4().hex[:6]  # names are unique per store: one store may hold several
    name = " ".join(PAYLOADS[:4]) + unique
    # Keys may hold only letters, digits and _-.:/ and spaces: their values carry the attacks.
    experiment_id = client.create_experiment(name, tags={"owner": PAYLOADS[3]})
    client.set_experiment_tag(experiment_id, "mlflow.note.content", PAYLOADS[4])
    run = client.create_run(experiment_id, run_name=PAYLOADS[3], tags={"link": PAYLOADS[2]})
    run_id = run.info.run_id
    for number, payload in enumerate(PAYLOADS):
        client.log_param(run_id, f"param {number}: a/b", payload)
        client.set_tag(run_id, f"tag {number}", payload)
        client.log_metric(run_id, f"metric/{number}", number)
    client.set_tag(run_id, "mlflow.note.content", "\n\n".join(PAYLOADS))
    client.set_tag(run_id, "mlflow.source.name", PAYLOADS[2])
    client.set_tag(run_id, "mlflow.user", PAYLOADS[1])
    child = client.create_run(
        experiment_id, run_name=PAYLOADS[1], tags={"mlflow.parentRunId": run_id}
    )
    files = {
        "page.html": HTML_ARTIFACT,
        "image.svg": SVG_ARTIFACT,
        "notes.md": "\n\n".join(PAYLOADS).encode(),
        "data.json": ('{"k": "' + PAYLOADS[0].replace('"', '\\"') + '"}').encode(),
        "table.csv": (
            "a,b\n" + ",".join(p.replace(",", ";").replace('"', "'") for p in PAYLOADS[:2])
        ).encode(),
        "text.txt": "\n".join(PAYLOADS).encode(),
        HOSTILE_FILE_NAME: b"hostile file name",
    }
    folder = os.path.join(tmp_dir, "hostile-artifacts")
    os.makedirs(folder, exist_ok=True)
    for file_name, content in files.items():
        with open(os.path.join(folder, file_name), "wb") as handle:
            handle.write(content)
    client.log_artifacts(run_id, folder, "files")
    model_name = PAYLOADS[3] + unique
    client.create_registered_model(model_name, tags={"note": PAYLOADS[0]}, description=PAYLOADS[4])
    version = client.create_model_version(
        model_name, f"{run.info.artifact_uri}/files", run_id, description=PAYLOADS[4]
    )
    client.set_registered_model_alias(model_name, "champion", version.version)
    return HostileData(experiment_id, run_id, child.info.run_id, model_name)


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
