"""``heron --tracking-uri`` holds for the whole command, then the environment is as before."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from heron.cli.main import cli


def test_tracking_uri_option_is_put_back_after_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERON_TRACKING_URI", "sqlite:///before.db")
    uri = f"sqlite:///{tmp_path / 'a.db'}"
    result = CliRunner().invoke(cli, ["--tracking-uri", uri, "doctor"], prog_name="heron")
    assert result.exit_code == 0, result.output
    assert f"Tracking URI: {uri}\n" in result.output
    assert os.environ["HERON_TRACKING_URI"] == "sqlite:///before.db"
    monkeypatch.delenv("HERON_TRACKING_URI")
    CliRunner().invoke(cli, ["--tracking-uri", uri, "doctor"], prog_name="heron")
    assert "HERON_TRACKING_URI" not in os.environ
