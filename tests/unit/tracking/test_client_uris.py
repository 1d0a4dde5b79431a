"""``runs:/`` URIs and artifact URI joins used by the client and the fluent API."""

from __future__ import annotations

import pytest

from heron.exceptions import InvalidParameter
from heron.tracking.uris import is_runs_uri, join_artifact_uri, parse_runs_uri, runs_uri

RUN = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (f"runs:/{RUN}/model", (RUN, "model")),
        (f"runs:/{RUN}/a/b/", (RUN, "a/b")),
        (f"runs:/{RUN}", (RUN, "")),
        (f"RUNS:/{RUN}/x", (RUN, "x")),
    ],
)
def test_parse_runs_uri(uri: str, expected: tuple[str, str]) -> None:
    assert is_runs_uri(uri)
    assert parse_runs_uri(uri) == expected


@pytest.mark.parametrize(
    "uri",
    [
        "runs:/",
        f"runs://host/{RUN}/x",
        f"runs:/{RUN}/../other/x",
        f"runs:/{RUN}/..%2fother",
        f"runs:/{RUN}/x#frag",
        "runs:/-bad-id/x",
        f"models:/{RUN}",
    ],
)
def test_malformed_runs_uris_are_refused(uri: str) -> None:
    with pytest.raises(InvalidParameter):
        parse_runs_uri(uri)


def test_runs_uri_round_trips() -> None:
    assert runs_uri(RUN) == f"runs:/{RUN}"
    assert parse_runs_uri(runs_uri(RUN, "model/MLmodel")) == (RUN, "model/MLmodel")


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("file:///root/1/r/artifacts", "model", "file:///root/1/r/artifacts/model"),
        ("file:///root/1/r/artifacts/", "a/b", "file:///root/1/r/artifacts/a/b"),
        ("s3://bucket/1/r/artifacts", None, "s3://bucket/1/r/artifacts"),
        ("s3://bucket/x?versionId=1", "m", "s3://bucket/x/m?versionId=1"),
        ("mlflow-artifacts:/1/r/artifacts", "m", "mlflow-artifacts:/1/r/artifacts/m"),
        ("/plain/path", "m", "/plain/path/m"),
    ],
)
def test_join_artifact_uri(base: str, path: str | None, expected: str) -> None:
    assert join_artifact_uri(base, path) == expected


def test_join_artifact_uri_refuses_escapes() -> None:
    with pytest.raises(InvalidParameter):
        join_artifact_uri("s3://bucket/1/r/artifacts", "../../other")
