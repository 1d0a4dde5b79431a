"""Password hashing (scrypt from :mod:`hashlib`) and personal access tokens.

Passwords are stored as ``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (base64 fields) and compared in
constant time. Tokens are 32 random bytes shown once to their owner; the store keeps only
their SHA-256 (a token has full entropy, so a slow hash would add nothing but latency).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from heron.exceptions import InvalidParameter

_N, _R, _P = 2**14, 8, 1
_DKLEN = 32
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
TOKEN_PREFIX = "hrn_"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def validate_password(password: object) -> str:
    """``password`` if it is acceptable (MLflow's policy: at least 12 characters).

    Raises:
        InvalidParameter: it is not a string, too short or too long.
    """
    if not isinstance(password, str) or not password:
        raise InvalidParameter("Password cannot be empty.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidParameter(f"Password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidParameter(f"Password must be at most {MAX_PASSWORD_LENGTH} characters long.")
    return password


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``, self-describing its parameters."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN
    )
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8", "surrogatepass"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=64 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def new_token() -> str:
    """A fresh personal access token (shown to its owner once)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the store keeps of ``token``: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
