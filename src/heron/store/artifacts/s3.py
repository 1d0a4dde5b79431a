"""Artifacts in Amazon S3 or any S3-compatible store: ``s3://bucket/prefix``.

boto3 is imported on first use. The endpoint comes from ``HERON_S3_ENDPOINT_URL`` /
``MLFLOW_S3_ENDPOINT_URL`` (MinIO, moto, ...), TLS verification can be switched off with
``..._S3_IGNORE_TLS``, extra upload arguments come as JSON in ``..._S3_UPLOAD_EXTRA_ARGS``,
and credentials from the usual AWS sources (environment, profile, instance role).

Objects are written whole (S3 never shows a partial object), big files go up and come down
in parallel parts, and every key is the root's prefix joined with a path checked by
:func:`heron.store.artifacts.paths.safe_relative_path`.
"""

from __future__ import annotations

import json
import mimetypes
import os
import posixpath
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from urllib.parse import urlparse

from heron import config
from heron.entities import FileInfo
from heron.exceptions import InvalidParameter, NotFound
from heron.store.artifacts.base import (
    ArtifactReader,
    ArtifactRepository,
    join_artifact_path,
    split_artifact_file,
)
from heron.store.artifacts.multipart import (
    MAX_PARTS,
    CreateMultipartUploadResponse,
    MultipartUploadCredential,
    MultipartUploadMixin,
    MultipartUploadPart,
)
from heron.store.artifacts.paths import safe_relative_path

S3_ENDPOINT_URL = config.S3_ENDPOINT_URL
S3_IGNORE_TLS = config.S3_IGNORE_TLS
S3_UPLOAD_EXTRA_ARGS = config.S3_UPLOAD_EXTRA_ARGS

PART_SIZE = 8 << 20
"""Bytes per part of multipart uploads and ranged downloads."""
TRANSFER_THREADS = 8
"""Parallel part transfers per file; also parallel files in ``log_artifacts``."""
STREAM_PARTS_IN_FLIGHT = 4
"""Parts of a streamed upload held in memory and sent at once (bounds memory)."""
PRESIGNED_URL_SECONDS = 3600

_CLIENTS: dict[tuple[object, ...], Any] = {}
_CLIENTS_LOCK = threading.Lock()
_AWS_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)


def s3_client() -> Any:
    """A boto3 S3 client for the current settings, shared by every repository.

    Clients are cached per endpoint, TLS choice and AWS environment (boto3 clients are
    thread-safe and slow to build); changing any of them gives a new client.
    """
    endpoint = S3_ENDPOINT_URL.get() or None
    verify = False if S3_IGNORE_TLS.get() else None
    key = (endpoint, verify, *(os.environ.get(name) for name in _AWS_ENV))
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            try:
                import boto3
                from botocore.config import Config
            except ImportError:
                raise InvalidParameter("S3 artifacts need boto3: pip install 'heron[s3]'") from None

            if len(_CLIENTS) >= 16:  # endpoints or credentials that keep changing
                _CLIENTS.clear()
            config = Config(
                max_pool_connections=4 * TRANSFER_THREADS,
                retries={"mode": "standard", "max_attempts": 5},
                signature_version="s3v4",
            )
            client = boto3.session.Session().client(
                "s3", endpoint_url=endpoint, verify=verify, config=config
            )
            _CLIENTS[key] = client
    return client


def _transfer_config() -> Any:
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(
        multipart_threshold=PART_SIZE,
        multipart_chunksize=PART_SIZE,
        max_concurrency=TRANSFER_THREADS,
        use_threads=True,
    )


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """Split ``s3://bucket/prefix`` into the bucket and the key prefix (no slashes around).

    Raises:
        InvalidParameter: Not an ``s3:`` URI, no bucket, a query or fragment, or a prefix
            that is not a safe relative path.
    """
    parsed = urlparse(uri)
    if parsed.scheme.lower() != "s3" or not parsed.netloc:
        raise InvalidParameter(f"Not an S3 URI: '{uri}' (expected s3://bucket/prefix)")
    if parsed.query or parsed.fragment or parsed.params:
        raise InvalidParameter(f"Invalid S3 URI '{uri}': no query, fragment or ';' allowed")
    return parsed.netloc, safe_relative_path(parsed.path.strip("/"))


def _is_missing(error: Exception) -> bool:
    code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


def _upload_args(name: str) -> dict[str, Any]:
    args: dict[str, Any] = {}
    content_type, encoding = mimetypes.guess_type(name)
    if content_type:
        args["ContentType"] = content_type
    if encoding:
        args["ContentEncoding"] = encoding
    extra = S3_UPLOAD_EXTRA_ARGS.get()
    if extra:
        try:
            args.update(json.loads(extra))
        except ValueError:
            raise InvalidParameter(
                f"{S3_UPLOAD_EXTRA_ARGS.env_names[1]} must be a JSON object, got {extra!r}"
            ) from None
    return args


def _pieces(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Regroup byte chunks into pieces of exactly ``size`` bytes (the last may be shorter)."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


class S3ArtifactRepository(ArtifactRepository, MultipartUploadMixin):
    """Artifacts under ``s3://bucket/prefix``.

    Args:
        artifact_uri: The root, e.g. ``s3://my-bucket/heron/1/<run_id>/artifacts``.
    """

    def __init__(self, artifact_uri: str):
        super().__init__(artifact_uri)
        self.bucket, self.prefix = parse_s3_uri(artifact_uri)

    def _key(self, artifact_path: str | None) -> str:
        return join_artifact_path(self.prefix, safe_relative_path(artifact_path))

    def _file_key(self, artifact_path: str | None) -> str:
        return join_artifact_path(self.prefix, *split_artifact_file(artifact_path))

    def _upload(self, local_file: str, key: str) -> None:
        os.stat(local_file)  # a missing file fails here, plainly, before any transfer
        s3_client().upload_file(
            local_file, self.bucket, key, ExtraArgs=_upload_args(key), Config=_transfer_config()
        )

    def log_artifact(self, local_file: str, artifact_path: str | None = None) -> None:
        """Upload one local file into directory ``artifact_path`` (parallel parts if big)."""
        name = os.path.basename(os.path.normpath(local_file))
        directory = safe_relative_path(artifact_path)
        self._upload(local_file, self._file_key(join_artifact_path(directory, name)))

    def log_artifacts(self, local_dir: str, artifact_path: str | None = None) -> None:
        """Upload a local directory's files into ``artifact_path``, several at a time.

        S3 has no directories, so empty local directories leave no trace.
        """
        base = safe_relative_path(artifact_path)
        uploads: list[tuple[str, str]] = []
        for dirpath, _dirnames, filenames in os.walk(local_dir, followlinks=True):
            relative = os.path.relpath(dirpath, local_dir)
            subdir = base if relative == "." else join_artifact_path(base, *relative.split(os.sep))
            for filename in filenames:
                key = self._file_key(join_artifact_path(subdir, filename))
                uploads.append((os.path.join(dirpath, filename), key))
        with ThreadPoolExecutor(max_workers=TRANSFER_THREADS) as pool:
            for future in [pool.submit(self._upload, *upload) for upload in uploads]:
                future.result()

    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        """The direct children of ``path``, read page by page; ``[]`` for a file or nothing."""
        relative = safe_relative_path(path)
        directory = self._key(relative)
        prefix = f"{directory}/" if directory else ""
        infos: list[FileInfo] = []
        pages = s3_client().get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=prefix, Delimiter="/"):
            for common in page.get("CommonPrefixes", []):
                name = common["Prefix"][len(prefix) :].rstrip("/")
                if name:
                    infos.append(FileInfo(join_artifact_path(relative, name), True, None))
            for obj in page.get("Contents", []):
                name = obj["Key"][len(prefix) :]
                if name:  # the key equal to the prefix is a "directory marker"
                    infos.append(
                        FileInfo(join_artifact_path(relative, name), False, int(obj["Size"]))
                    )
        return sorted(infos, key=lambda info: info.path)

    def _download_file(self, remote_file_path: str, local_path: str) -> None:
        from botocore.exceptions import ClientError

        key = self._file_key(remote_file_path)
        try:
            s3_client().download_file(self.bucket, key, local_path, Config=_transfer_config())
        except ClientError as error:
            if _is_missing(error):
                raise NotFound(
                    f"Artifact '{safe_relative_path(remote_file_path)}' not found"
                ) from None
            raise

    def open_read(self, artifact_path: str) -> ArtifactReader:
        """Open one object for streaming (a single GET, read chunk by chunk).

        Raises:
            NotFound: No object at ``artifact_path``.
        """
        from botocore.exceptions import ClientError

        key = self._file_key(artifact_path)
        try:
            response = s3_client().get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_missing(error):
                missing = safe_relative_path(artifact_path)
                raise NotFound(f"Artifact '{missing}' not found") from None
            raise
        body = response["Body"]
        return ArtifactReader(body.read, body.close, int(response["ContentLength"]))

    def write_stream(self, artifact_path: str, chunks: Iterable[bytes]) -> None:
        """Write one object from byte chunks: one PUT if small, else a multipart upload.

        At most :data:`STREAM_PARTS_IN_FLIGHT` parts of :data:`PART_SIZE` are held and sent
        at once, so memory stays flat whatever the size. A failure aborts the upload: the
        object is then unchanged.
        """
        key = self._file_key(artifact_path)
        pieces = _pieces(chunks, PART_SIZE)
        first = next(pieces, b"")
        second = next(pieces, None)
        client = s3_client()
        if second is None:
            client.put_object(Bucket=self.bucket, Key=key, Body=first, **_upload_args(key))
            return
        upload_id = client.create_multipart_upload(
            Bucket=self.bucket, Key=key, **_upload_args(key)
        )["UploadId"]
        try:
            parts = self._send_parts(key, upload_id, _prepend([first, second], pieces))
            client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise

    def _send_parts(self, key: str, upload_id: str, pieces: Iterable[bytes]) -> list[Any]:
        client = s3_client()

        def send(number: int, body: bytes) -> dict[str, Any]:
            answer = client.upload_part(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
            )
            return {"PartNumber": number, "ETag": answer["ETag"]}

        done: list[Any] = []
        in_flight: deque[Future[dict[str, Any]]] = deque()
        with ThreadPoolExecutor(max_workers=STREAM_PARTS_IN_FLIGHT) as pool:
            for number, body in enumerate(pieces, start=1):
                if number > MAX_PARTS:
                    raise InvalidParameter(f"Artifact too big: more than {MAX_PARTS} parts")
                if len(in_flight) >= STREAM_PARTS_IN_FLIGHT:
                    done.append(in_flight.popleft().result())
                in_flight.append(pool.submit(send, number, body))
            done.extend(future.result() for future in in_flight)
        return done

    def delete_artifacts(self, artifact_path: str | None = None) -> None:
        """Remove an object, or every object under a prefix; nothing there is not an error."""
        relative = safe_relative_path(artifact_path)
        key = self._key(relative)
        client = s3_client()
        keys = [key] if relative else []
        pages = client.get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=f"{key}/" if key else ""):
            keys.extend(obj["Key"] for obj in page.get("Contents", []))
        for start in range(0, len(keys), 1000):
            batch = [{"Key": k} for k in keys[start : start + 1000]]
            answer = client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
            )
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise OSError(f"S3 refused to delete '{first.get('Key')}': {first.get('Message')}")

    def _upload_key(self, local_file: str, artifact_path: str | None) -> str:
        name = posixpath.basename(local_file.replace("\\", "/"))
        return self._file_key(join_artifact_path(safe_relative_path(artifact_path), name))

    def create_multipart_upload(
        self, local_file: str, num_parts: int = 1, artifact_path: str | None = None
    ) -> CreateMultipartUploadResponse:
        """Start an S3 multipart upload and presign one ``upload_part`` URL per part."""
        if not 1 <= num_parts <= MAX_PARTS:
            raise InvalidParameter(f"num_parts must be between 1 and {MAX_PARTS}, got {num_parts}")
        key = self._upload_key(local_file, artifact_path)
        client = s3_client()
        upload_id = client.create_multipart_upload(
            Bucket=self.bucket, Key=key, **_upload_args(key)
        )["UploadId"]
        credentials = [
            MultipartUploadCredential(
                url=client.generate_presigned_url(
                    "upload_part",
                    Params={
                        "Bucket": self.bucket,
                        "Key": key,
                        "UploadId": upload_id,
                        "PartNumber": number,
                    },
                    ExpiresIn=PRESIGNED_URL_SECONDS,
                ),
                part_number=number,
            )
            for number in range(1, num_parts + 1)
        ]
        return CreateMultipartUploadResponse(upload_id=upload_id, credentials=credentials)

    def complete_multipart_upload(
        self,
        local_file: str,
        upload_id: str,
        parts: list[MultipartUploadPart],
        artifact_path: str | None = None,
    ) -> None:
        """Assemble the parts (in part-number order) into the object."""
        key = self._upload_key(local_file, artifact_path)
        ordered = sorted(parts, key=lambda part: part.part_number)
        s3_client().complete_multipart_upload(
            Bucket=self.bucket,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={
                "Parts": [{"PartNumber": p.part_number, "ETag": p.etag} for p in ordered]
            },
        )

    def abort_multipart_upload(
        self, local_file: str, upload_id: str, artifact_path: str | None = None
    ) -> None:
        """Abort the upload; S3 frees its parts."""
        key = self._upload_key(local_file, artifact_path)
        s3_client().abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)


def _prepend(first: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from first
    yield from rest
