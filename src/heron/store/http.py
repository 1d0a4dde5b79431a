"""HTTP to a tracking server: one keep-alive connection pool, auth, TLS and retries.

Settings come from :mod:`heron.config` (``HERON_*`` then ``MLFLOW_*``):
``TRACKING_USERNAME`` + ``TRACKING_PASSWORD`` give Basic auth, else ``TRACKING_TOKEN`` a
Bearer token; ``TRACKING_INSECURE_TLS`` skips certificate checks;
``TRACKING_SERVER_CERT_PATH`` names a CA bundle; ``HTTP_REQUEST_MAX_RETRIES``,
``HTTP_REQUEST_BACKOFF_FACTOR`` and ``HTTP_REQUEST_TIMEOUT`` shape retries.

Retries: a call that is safe to repeat (:attr:`Retry.SAFE`) is sent again after a
connection error, a 408/429/502/503/504, or a 500 that is not a definite answer (a 500
with an MLflow error code other than INTERNAL_ERROR is the server's final word). Any call
is sent again when the connection could not be made, since then nothing was sent.
"""

from __future__ import annotations

import base64
import logging
import random
import ssl
import time
from typing import Any

import httpx

from heron import config
from heron.exceptions import InvalidParameter, TemporarilyUnavailable
from heron.protocol import Retry
from heron.version import __version__

USER_AGENT = f"heron-python-client/{__version__}"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_BACKOFF_SECONDS = 120.0
_log = logging.getLogger(__name__)


def tls_verify() -> ssl.SSLContext | bool:
    """The TLS verification the settings ask for: a CA bundle, off, or the default."""
    insecure = bool(config.TRACKING_INSECURE_TLS.get())
    cert_path = config.TRACKING_SERVER_CERT_PATH.get()
    if insecure and cert_path:
        raise InvalidParameter(
            "TRACKING_INSECURE_TLS and TRACKING_SERVER_CERT_PATH cannot both be set"
        )
    if insecure:
        return False
    if cert_path:
        return ssl.create_default_context(cafile=cert_path)
    return True


def auth_headers() -> dict[str, str]:
    """The Authorization header for the tracking server: basic auth wins over a token."""
    username, password = config.TRACKING_USERNAME.get(), config.TRACKING_PASSWORD.get()
    if username and password:
        credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {credentials}"}
    token = config.TRACKING_TOKEN.get()
    return {"Authorization": f"Bearer {token}"} if token else {}


class HttpTransport:
    """Requests to one server over a shared keep-alive pool (safe to share by threads).

    Args:
        base_url: The server, e.g. ``http://host:5000`` (a path prefix is kept).
        max_retries: Retries of a failed call; default ``HTTP_REQUEST_MAX_RETRIES`` (7).
        backoff_factor: Seconds before the second retry, doubling after; default
            ``HTTP_REQUEST_BACKOFF_FACTOR`` (2). The first retry waits a moment only.
        timeout: Seconds per request; default ``HTTP_REQUEST_TIMEOUT`` (120).
    """

    def __init__(
        self,
        base_url: str,
        max_retries: int | None = None,
        backoff_factor: float | None = None,
        timeout: float | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.max_retries = int(config.HTTP_REQUEST_MAX_RETRIES.get(max_retries) or 0)
        self.backoff_factor = float(config.HTTP_REQUEST_BACKOFF_FACTOR.get(backoff_factor) or 0)
        seconds = float(config.HTTP_REQUEST_TIMEOUT.get(timeout) or 120.0)
        self.client = httpx.Client(
            base_url=self.base_url,
            headers={"User-Agent": USER_AGENT, **auth_headers()},
            verify=tls_verify(),
            timeout=httpx.Timeout(seconds),
            limits=httpx.Limits(max_keepalive_connections=16, keepalive_expiry=30.0),
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self.client.close()

    def request(
        self,
        method: str,
        url: str,
        retry: Retry,
        params: list[tuple[str, Any]] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request, retrying as ``retry`` allows; the last response is returned.

        Raises:
            TemporarilyUnavailable: the server could not be reached, retries exhausted.
        """
        if content is not None:
            headers = {"Content-Type": "application/json", **(headers or {})}
        attempt = 0
        while True:
            try:
                response = self.client.request(
                    method, url, params=params, content=content, headers=headers
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                failure: Exception | httpx.Response = error  # nothing was sent
            except httpx.TransportError as error:
                if retry is not Retry.SAFE:
                    raise _unreachable(self.base_url, url, error) from error
                failure = error
            else:
                if retry is not Retry.SAFE or not _transient(response):
                    return response
                failure = response
            if attempt >= self.max_retries:
                if isinstance(failure, httpx.Response):
                    return failure
                raise _unreachable(self.base_url, url, failure) from failure
            delay = self._delay(attempt, failure)
            _log.warning(
                "Retrying in %.1f s (retry %d of %d): %s",
                delay,
                attempt + 1,
                self.max_retries,
                _failure_text(self.base_url, url, failure),
            )
            time.sleep(delay)
            attempt += 1

    def _delay(self, attempt: int, failure: Exception | httpx.Response) -> float:
        if isinstance(failure, httpx.Response):
            after = failure.headers.get("retry-after", "")
            if after.isdigit():
                return min(float(after), MAX_BACKOFF_SECONDS)
        base = self.backoff_factor * (2 ** (attempt - 1)) if attempt else 0.05
        return min(base, MAX_BACKOFF_SECONDS) * random.uniform(1.0, 1.25)


def _transient(response: httpx.Response) -> bool:
    status = response.status_code
    if status not in RETRY_STATUSES:
        return False
    if status != 500:
        return True
    try:
        code: Any = response.json().get("error_code")
    except Exception:
        return True
    return code in (None, "INTERNAL_ERROR")


def _failure_text(base_url: str, url: str, failure: Exception | httpx.Response) -> str:
    if isinstance(failure, httpx.Response):
        return f"API request to {base_url}{url} answered {failure.status_code}"
    return f"API request to {base_url}{url} failed: {failure}"


def _unreachable(base_url: str, url: str, error: Exception) -> TemporarilyUnavailable:
    return TemporarilyUnavailable(_failure_text(base_url, url, error))
