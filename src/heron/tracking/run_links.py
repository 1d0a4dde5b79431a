"""The UI links MLflow's client prints when a run on a tracking server ends."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit

from heron import config
from heron.entities import RunInfo


def print_run_links(tracking_uri: str, info: RunInfo | None) -> None:
    """Print ``🏃 View run <name> at: <url>`` and the experiment's link to stdout, as MLflow
    does for a run on an ``http(s)`` tracking server (not with
    ``SUPPRESS_PRINTING_URL_TO_STDOUT``); the URI's credentials are left out."""
    parts = urlsplit(tracking_uri)
    if info is None or parts.scheme not in ("http", "https"):
        return
    if config.SUPPRESS_PRINTING_URL_TO_STDOUT.get():
        return
    host = parts.netloc.rpartition("@")[2]
    base = urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))
    experiment_url = f"{base}/#/experiments/{info.experiment_id}"
    sys.stdout.write(f"🏃 View run {info.run_name} at: {experiment_url}/runs/{info.run_id}\n")
    sys.stdout.write(f"🧪 View experiment at: {experiment_url}\n")
