"""A live ``heron server`` whose artifacts destination is S3 (moto): streaming, multipart,
confinement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fixtures.raw_http import raw_request
from fixtures.s3 import S3Server
from fixtures.server import start_server
from heron.store.artifacts.s3 import PART_SIZE

pytestmark = [pytest.mark.integration, pytest.mark.s3]

API = "/api/2.0/mlflow-artifacts"


@pytest.fixture(scope="module")
def bucket(s3_server: S3Server) -> Iterator[str]:
    """The module's bucket; the server keeps its artifacts under ``destination/``."""
    name = s3_server.create_bucket()
    yield name
    s3_server.remove_bucket(name)


@pytest.fixture(scope="module")
def server_url(
    s3_server: S3Server, bucket: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server over ``s3://<bucket>/destination``, for the whole module."""
    server = start_server(
        tmp_path_factory.mktemp("s3-proxy"),
        "--artifacts-destination",
        f"s3://{bucket}/destination",
        env=s3_server.environment(),
    )
    yield server.url
    server.stop()


@pytest.fixture
def http(server_url: str, s3_server: S3Server, bucket: str) -> Iterator[httpx.Client]:
    """A client of the module's server; the bucket is emptied first."""
    s3_server.empty_bucket(bucket)
    with httpx.Client(base_url=server_url) as client:
        yield client


def _data(size: int) -> bytes:
    return bytes(range(256)) * (size // 256) + b"tail"


def test_a_big_upload_streams_into_a_multipart_object(
    http: httpx.Client, s3_server: S3Server, bucket: str
) -> None:
    data = _data(2 * PART_SIZE + 12345)

    put = http.put(f"{API}/artifacts/1/r/big.bin", content=iter([data[:999_999], data[999_999:]]))
    got = http.get(f"{API}/artifacts/1/r/big.bin")

    assert put.status_code == 200
    assert got.content == data
    assert got.headers["content-length"] == str(len(data))
    head = s3_server.client.head_object(Bucket=bucket, Key="destination/1/r/big.bin")
    assert head["ETag"].endswith('-3"')


def test_list_and_delete_reach_the_bucket(http: httpx.Client) -> None:
    for path in ("1/a.txt", "1/d/b.txt", "1/d/c.txt"):
        http.put(f"{API}/artifacts/{path}", content=b"x")

    listed = http.get(f"{API}/artifacts", params={"path": "1"}).json()
    http.delete(f"{API}/artifacts/1/d")

    assert listed == {
        "files": [{"path": "a.txt", "is_dir": False, "file_size": 1}, {"path": "d", "is_dir": True}]
    }
    assert http.get(f"{API}/artifacts", params={"path": "1/d"}).json() == {}
    assert http.get(f"{API}/artifacts/1/d").status_code == 404


def test_a_prefix_is_a_directory_not_a_file(http: httpx.Client) -> None:
    http.put(f"{API}/artifacts/1/d/b.txt", content=b"x")

    assert http.get(f"{API}/artifacts/1/d").status_code == 400
    assert http.get(f"{API}/artifacts/1/nothing").status_code == 404


def test_multipart_upload_with_presigned_part_urls(http: httpx.Client) -> None:
    data = _data(PART_SIZE + 1000)
    created = http.post(
        f"{API}/mpu/create/1/models", json={"path": "/home/me/model.bin", "num_parts": 2}
    ).json()
    parts = []
    for credential in created["credentials"]:
        start = (credential["part_number"] - 1) * PART_SIZE
        put = httpx.put(credential["url"], content=data[start : start + PART_SIZE])
        parts.append(
            {"part_number": credential["part_number"], "etag": put.headers["ETag"], "url": ""}
        )

    done = http.post(
        f"{API}/mpu/complete/1/models",
        json={"path": "/home/me/model.bin", "upload_id": created["upload_id"], "parts": parts},
    )

    assert done.json() == {}
    assert http.get(f"{API}/artifacts/1/models/model.bin").content == data


def test_an_aborted_multipart_upload_leaves_nothing(
    http: httpx.Client, s3_server: S3Server, bucket: str
) -> None:
    created = http.post(f"{API}/mpu/create/1", json={"path": "f.bin", "num_parts": 1}).json()

    aborted = http.post(
        f"{API}/mpu/abort/1", json={"path": "f.bin", "upload_id": created["upload_id"]}
    )

    assert aborted.json() == {}
    assert s3_server.client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"num_parts": 1}, "'path'"),
        ({"path": "..", "num_parts": 1}, "file name"),
        ({"path": "f.bin", "num_parts": "many"}, "num_parts"),
        ({"path": "f.bin", "num_parts": 10_001}, "num_parts"),
    ],
)
def test_bad_multipart_requests_are_refused(
    http: httpx.Client, body: dict[str, Any], message: str
) -> None:
    answer = http.post(f"{API}/mpu/create/1", json=body)

    assert answer.status_code == 400
    assert message in answer.json()["message"]


def test_multipart_requests_must_be_json(http: httpx.Client) -> None:
    answer = http.post(f"{API}/mpu/create/1", content=b"path=f.bin")

    assert answer.status_code == 400
    assert "Content-Type" in answer.json()["message"]


@pytest.mark.parametrize(
    "escape", ["../canary/secret.txt", "%252e%252e%252fcanary/secret.txt", "a/../../canary/x"]
)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_escapes_never_reach_keys_outside_the_destination(
    http: httpx.Client, s3_server: S3Server, bucket: str, method: str, escape: str
) -> None:
    s3_server.client.put_object(Bucket=bucket, Key="canary/secret.txt", Body=b"do not touch")

    answer = raw_request(str(http.base_url).rstrip("/"), method, f"{API}/artifacts/{escape}", b"e")

    assert answer.status == 400
    keys = [o["Key"] for o in s3_server.client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == ["canary/secret.txt"]
    body = s3_server.client.get_object(Bucket=bucket, Key="canary/secret.txt")["Body"].read()
    assert body == b"do not touch"
