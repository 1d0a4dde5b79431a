"""What only the S3 backend does: URIs, settings, multipart transfers, paging, prefixes.

Runs against moto's S3 server (``tests/fixtures/s3.py``), a fresh bucket per test.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from heron.entities import FileInfo
from heron.exceptions import InvalidParameter, NotFound
from heron.store.artifacts import get_artifact_repository
from heron.store.artifacts.multipart import MultipartUploadPart
from heron.store.artifacts.s3 import PART_SIZE, S3ArtifactRepository, parse_s3_uri, s3_client

pytestmark = pytest.mark.s3


@pytest.fixture
def repo(s3_bucket: str) -> S3ArtifactRepository:
    """A repository rooted at ``s3://<bucket>/root``."""
    return S3ArtifactRepository(f"s3://{s3_bucket}/root")


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """A file of two and a half parts, with varied content."""
    path = tmp_path / "big.bin"
    with open(path, "wb") as out:
        for index in range(5 * PART_SIZE // (1 << 20) // 2):
            out.write(hashlib.sha256(str(index).encode()).digest() * (1 << 15))
    return path


def _etag(s3_env: Any, bucket: str, key: str) -> str:
    return str(s3_env.client.head_object(Bucket=bucket, Key=key)["ETag"])


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s3://b", ("b", "")),
        ("s3://b/", ("b", "")),
        ("s3://b/p/q/", ("b", "p/q")),
        ("S3://b/p", ("b", "p")),
    ],
)
def test_s3_uris_split_into_bucket_and_prefix(uri: str, expected: tuple[str, str]) -> None:
    assert parse_s3_uri(uri) == expected


@pytest.mark.parametrize("uri", ["s3:///p", "s3://b/p?x=1", "s3://b/p#f", "s3://b/../p", "gs://b"])
def test_malformed_s3_uris_are_refused(uri: str) -> None:
    with pytest.raises(InvalidParameter):
        parse_s3_uri(uri)


def test_s3_uris_select_the_s3_repository(s3_bucket: str) -> None:
    assert isinstance(get_artifact_repository(f"s3://{s3_bucket}/x"), S3ArtifactRepository)


def test_the_heron_endpoint_setting_wins(
    s3_env: Any, monkeypatch: pytest.MonkeyPatch, repo: S3ArtifactRepository
) -> None:
    monkeypatch.setenv("MLFLOW_S3_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens
    monkeypatch.setenv("HERON_S3_ENDPOINT_URL", s3_env.endpoint)

    assert repo.list_artifacts() == []
    assert s3_client().meta.endpoint_url == s3_env.endpoint


def test_big_files_go_up_and_come_down_in_parts(
    repo: S3ArtifactRepository, s3_env: Any, s3_bucket: str, big: Path, tmp_path: Path
) -> None:
    repo.log_artifact(str(big), "model")

    local = repo.download_artifacts("model/big.bin", str(tmp_path / "dst"))

    assert _etag(s3_env, s3_bucket, "root/model/big.bin").endswith('-3"')  # three parts
    assert Path(local).read_bytes() == big.read_bytes()


def test_streamed_writes_of_big_files_use_parts(
    repo: S3ArtifactRepository, s3_env: Any, s3_bucket: str, big: Path
) -> None:
    data = big.read_bytes()
    odd_chunks = (data[i : i + 777_777] for i in range(0, len(data), 777_777))

    repo.write_stream("d/streamed.bin", odd_chunks)

    assert b"".join(repo.open_read("d/streamed.bin")) == data
    assert _etag(s3_env, s3_bucket, "root/d/streamed.bin").endswith('-3"')


def test_small_streamed_writes_are_one_object(repo: S3ArtifactRepository) -> None:
    repo.write_stream("empty.txt", [])
    repo.write_stream("small.txt", [b"a", b"b"])

    assert repo.list_artifacts() == [
        FileInfo("empty.txt", False, 0),
        FileInfo("small.txt", False, 2),
    ]
    assert repo.open_read("small.txt").size == 2


def _failing(data: bytes) -> Iterator[bytes]:
    yield data
    yield data
    raise ConnectionError("the client went away")


def test_a_failed_streamed_write_leaves_nothing(
    repo: S3ArtifactRepository, s3_env: Any, s3_bucket: str
) -> None:
    repo.write_stream("f.bin", [b"old"])

    with pytest.raises(ConnectionError):
        repo.write_stream("f.bin", _failing(b"x" * PART_SIZE))

    assert b"".join(repo.open_read("f.bin")) == b"old"
    assert s3_env.client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", []) == []


def test_opening_a_missing_object_is_not_found(repo: S3ArtifactRepository) -> None:
    with pytest.raises(NotFound, match=r"nope\.txt"):
        repo.open_read("nope.txt")


def _put_many(s3_env: Any, bucket: str, keys: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(
            pool.map(lambda key: s3_env.client.put_object(Bucket=bucket, Key=key, Body=b"x"), keys)
        )


@pytest.mark.slow
def test_listing_and_deleting_go_past_one_page(
    repo: S3ArtifactRepository, s3_env: Any, s3_bucket: str
) -> None:
    _put_many(s3_env, s3_bucket, [f"root/many/f{n:04d}" for n in range(1005)])

    listed = repo.list_artifacts("many")
    repo.delete_artifacts("many")

    assert len(listed) == 1005
    assert listed[-1] == FileInfo("many/f1004", False, 1)
    assert repo.list_artifacts() == []


def test_deleting_a_prefix_spares_its_lookalikes(
    repo: S3ArtifactRepository, s3_env: Any, s3_bucket: str
) -> None:
    _put_many(s3_env, s3_bucket, ["root/sub/a", "root/sub2/b", "root/sub.txt", "rootless/c"])

    repo.delete_artifacts("sub")

    assert [info.path for info in repo.list_artifacts()] == ["sub.txt", "sub2"]
    assert s3_env.client.head_object(Bucket=s3_bucket, Key="rootless/c")


def test_listings_skip_directory_markers(
    repo: S3ArtifactRepository, s3_env: Any, s3_bucket: str
) -> None:
    _put_many(s3_env, s3_bucket, ["root/d/", "root/d/f.txt"])

    assert repo.list_artifacts("d") == [FileInfo("d/f.txt", False, 1)]


def test_a_bucket_root_holds_everything(s3_bucket: str, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    repo = S3ArtifactRepository(f"s3://{s3_bucket}")

    repo.log_artifact(str(tmp_path / "f.txt"), "a")

    assert repo.list_artifacts() == [FileInfo("a", True, None)]
    assert repo.list_artifacts("a") == [FileInfo("a/f.txt", False, 1)]


def test_upload_extra_args_are_applied(
    repo: S3ArtifactRepository,
    s3_env: Any,
    s3_bucket: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("MLFLOW_S3_UPLOAD_EXTRA_ARGS", '{"Metadata": {"team": "ml"}}')
    (tmp_path / "f.json").write_text("{}")

    repo.log_artifact(str(tmp_path / "f.json"))

    head = s3_env.client.head_object(Bucket=s3_bucket, Key="root/f.json")
    assert head["Metadata"] == {"team": "ml"}
    assert head["ContentType"] == "application/json"


def test_multipart_uploads_through_presigned_urls(
    repo: S3ArtifactRepository, big: Path, tmp_path: Path
) -> None:
    import httpx

    data = big.read_bytes()
    created = repo.create_multipart_upload(str(big), 3, "mpu")
    parts = []
    for credential in created.credentials:
        start = (credential.part_number - 1) * PART_SIZE
        put = httpx.put(credential.url, content=data[start : start + PART_SIZE])
        put.raise_for_status()
        parts.append(MultipartUploadPart(credential.part_number, put.headers["ETag"]))

    repo.complete_multipart_upload(str(big), created.upload_id, parts[::-1], "mpu")

    assert [c.part_number for c in created.credentials] == [1, 2, 3]
    assert b"".join(repo.open_read("mpu/big.bin")) == data


def test_an_aborted_multipart_upload_leaves_nothing(
    repo: S3ArtifactRepository, s3_env: Any, s3_bucket: str
) -> None:
    created = repo.create_multipart_upload("/home/me/big.bin", 2, "mpu")

    repo.abort_multipart_upload("/home/me/big.bin", created.upload_id, "mpu")

    assert repo.list_artifacts() == []
    assert s3_env.client.list_multipart_uploads(Bucket=s3_bucket).get("Uploads", []) == []


@pytest.mark.parametrize("num_parts", [0, -1, 10_001])
def test_multipart_part_counts_are_bounded(repo: S3ArtifactRepository, num_parts: int) -> None:
    with pytest.raises(InvalidParameter, match="num_parts"):
        repo.create_multipart_upload("f.bin", num_parts)


def test_multipart_paths_are_confined(repo: S3ArtifactRepository) -> None:
    with pytest.raises(InvalidParameter):
        repo.create_multipart_upload("f.bin", 1, "../../escape")
    with pytest.raises(InvalidParameter):
        repo.create_multipart_upload("..", 1, "d")


def test_many_files_upload_in_parallel(repo: S3ArtifactRepository, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for index in range(40):
        (tree / f"d{index % 4}").mkdir(parents=True, exist_ok=True)
        (tree / f"d{index % 4}" / f"f{index}.txt").write_text(str(index))

    repo.log_artifacts(str(tree), "t")

    assert sum(len(repo.list_artifacts(f"t/d{n}")) for n in range(4)) == 40
    assert os.path.isfile(repo.download_artifacts("t/d3/f39.txt", str(tmp_path / "dst")))
