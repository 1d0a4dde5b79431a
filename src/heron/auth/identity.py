"""Who is calling: HTTP Basic, a bearer token, or the web UI's session cookie.

Verifying a scrypt hash costs tens of milliseconds, so a verified (user, password) pair is
remembered for a short while under a keyed BLAKE2 hash of both with a per-process key (never the
password itself); changing or deleting a user forgets it. Failed logins are rate limited
per client address and per username. A valid token is remembered the same way for 10 s.
Changes made through this process (password, admin flag, deletion, token revocation) apply
at once; through another worker process, within those times.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from heron.auth.entities import User
from heron.auth.store import AuthStore

SESSION_COOKIE = "heron_session"
CSRF_HEADER = "x-heron-csrf"
_CACHE_SECONDS = 60.0
_TOKEN_SECONDS = 10.0
_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class Caller:
    """An authenticated caller.

    Attributes:
        user: Who.
        via: ``basic``, ``token`` or ``session``.
        csrf: The session's CSRF token (sessions only).
    """

    user: User
    via: str
    csrf: str | None = None


class FailedLogins:
    """A sliding window of failed logins: at most ``limit`` per key in ``window`` seconds.

    Args:
        limit: Failures allowed in the window before further attempts are refused.
        window: Seconds the window spans.
    """

    def __init__(self, limit: int = 10, window: float = 60.0):
        self.limit, self.window = limit, window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> bool:
        """Whether any of ``keys`` is over the limit now."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                recent = [t for t in self._failures.get(key, ()) if now - t < self.window]
                if recent:
                    self._failures[key] = recent
                else:
                    self._failures.pop(key, None)
                if len(recent) >= self.limit:
                    return True
        return False

    def record(self, *keys: str) -> None:
        """Count one failure against each key."""
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 100_000:  # bound memory under a spray of keys
                self._failures.clear()
            for key in keys:
                self._failures.setdefault(key, []).append(now)


class Authenticator:
    """Turns a request's credentials into a :class:`Caller`.

    Args:
        store: The auth store.
        failures: The failed-login limiter.
    """

    def __init__(self, store: AuthStore, failures: FailedLogins | None = None):
        self.store = store
        self.failures = failures or FailedLogins()
        self._key = secrets.token_bytes(32)
        self._verified: OrderedDict[bytes, tuple[float, User]] = OrderedDict()
        self._lock = threading.Lock()

    def forget(self, username: str | None = None) -> None:
        """Drop remembered logins (of one user, or all)."""
        with self._lock:
            if username is None:
                self._verified.clear()
                return
            for key in [k for k, (_, u) in self._verified.items() if u.username == username]:
                del self._verified[key]

    def password(self, username: str, password: str, client: str) -> User | None:
        """The user if the password is right; None if wrong or rate limited."""
        digest = self._digest(username, password)
        now = time.monotonic()
        with self._lock:
            hit = self._verified.get(digest)
            if hit is not None and now - hit[0] < _CACHE_SECONDS:
                return hit[1]
        keys = (f"ip:{client}", f"user:{username}")
        if self.failures.blocked(*keys):
            return None
        user = self.store.authenticate_user(username, password)
        if user is None:
            self.failures.record(*keys)
            return None
        self._remember(digest, user)
        return user

    def remembered(self, header: str) -> Caller | None:
        """The caller of an ``Authorization`` header verified lately (a minute for Basic,
        10 s for a token), from memory; None: verify it with :meth:`authorization`."""
        with self._lock:
            hit = self._verified.get(self._digest_header(header))
        if hit is None:
            return None
        at, user = hit
        via = "token" if header[:6].lower() == "bearer" else "basic"
        lifetime = _TOKEN_SECONDS if via == "token" else _CACHE_SECONDS
        return Caller(user, via) if time.monotonic() - at < lifetime else None

    def _digest_header(self, header: str) -> bytes:
        data = header.encode("utf-8", "surrogatepass")
        return hashlib.blake2b(data, key=self._key, digest_size=32).digest()

    def _digest(self, username: str, password: str) -> bytes:
        text = f"{username}\0{password}".encode("utf-8", "surrogatepass")
        return hashlib.blake2b(text, key=self._key, digest_size=32).digest()

    def _remember(self, digest: bytes, user: User) -> None:
        with self._lock:
            self._verified[digest] = (time.monotonic(), user)
            while len(self._verified) > _CACHE_SIZE:
                self._verified.popitem(last=False)

    def authorization(self, header: str | None, client: str) -> Caller | None:
        """The caller an ``Authorization`` header proves, or None."""
        if not header:
            return None
        scheme, _, value = header.strip().partition(" ")
        scheme = scheme.lower()
        if scheme == "basic":
            credentials = _basic(value)
            if credentials is None:
                return None
            user = self.password(*credentials, client)
            if user is None:
                return None
            self._remember(self._digest_header(header), user)
            return Caller(user, "basic")
        if scheme == "bearer" and value.strip():
            if self.failures.blocked(f"ip:{client}"):
                return None
            user = self.store.tokens.user_for_token(value.strip())
            if user is None:
                self.failures.record(f"ip:{client}")
                return None
            self._remember(self._digest_header(header), user)
            return Caller(user, "token")
        return None

    def session(self, cookie_value: str | None) -> Caller | None:
        """The caller a session cookie proves, or None."""
        if not cookie_value or len(cookie_value) > 200:
            return None
        found = self.store.tokens.session(cookie_value)
        return None if found is None else Caller(found[0], "session", found[1])


def _basic(value: str) -> tuple[str, str] | None:
    """(username, password) of a Basic credential, or None when malformed."""
    try:
        text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = text.partition(":")
    return (username, password) if colon else None
