"""The Content-Type and Content-Disposition of an artifact download, as MLflow sends them.

MLflow 3.17.2's rule: text extensions (``txt``, ``yaml``, ``json``, ``py``, ...) and the
extension-less ``MLmodel`` file are ``text/plain`` (not ``MLproject``: MLflow lists it in
lower case); other names get the type ``mimetypes`` guesses, else
``application/octet-stream``; no ``charset`` is added.
Types a browser could render or run stay ``text/plain`` (Heron's hardening). The file name
goes into ``attachment; filename=...`` as a token when it can, quoted otherwise, with an
ASCII fallback and ``filename*=UTF-8''...`` for other names.
"""

from __future__ import annotations

import mimetypes
import posixpath
import unicodedata
from urllib.parse import quote

TEXT_EXTENSIONS = frozenset(
    {
        "txt",
        "log",
        "err",
        "cfg",
        "conf",
        "cnf",
        "cf",
        "ini",
        "properties",
        "prop",
        "hocon",
        "toml",
        "yaml",
        "yml",
        "xml",
        "json",
        "js",
        "py",
        "py3",
        "csv",
        "tsv",
        "md",
        "rst",
        "ipynb",
        "MLmodel",
        "mlproject",  # MLflow lists it in lower case: a file named "MLproject" is binary
    }
)
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/javascript",
        "application/javascript",
        "text/xml",
        "application/xml",
    }
)
"""Types a browser could render or run: served as plain text (they are attachments)."""
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


PREVIEW_TEXT_NAMES = frozenset({"MLproject"})
"""Names the UI's artifact routes also serve as text, so the artifacts browser can show them."""


def media_type(name: str, *, preview: bool = False) -> str:
    """The Content-Type of a downloaded file named ``name`` (a path or a base name).

    ``preview`` is the UI's artifact routes (MLflow's ``/get-artifact``): ``MLproject`` is
    text there, and active types keep their own type (the UI renders images such as SVG in
    an ``<img>``; every answer is an attachment with ``nosniff``, so a browser never runs it).
    """
    base = posixpath.basename(name)
    extension = posixpath.splitext(base)[1].lstrip(".") or base
    if extension in TEXT_EXTENSIONS or (preview and base in PREVIEW_TEXT_NAMES):
        return "text/plain"
    guessed = mimetypes.guess_type(base)[0] or "application/octet-stream"
    return "text/plain" if guessed in ACTIVE_TYPES and not preview else guessed


def _header_value(value: str) -> str:
    if value and all(char in _TOKEN for char in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def content_disposition(name: str, kind: str = "attachment") -> str:
    """``attachment; filename=...`` (or ``kind``) for a file named ``name`` (RFC 6266/5987):
    a token as it is, other ASCII names quoted, others with an ASCII fallback."""
    if name.isascii():
        return f"{kind}; filename={_header_value(name)}"
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or "download"
    quoted = quote(name, safe="!#$&+-.^_`|~")
    return f"{kind}; filename={_header_value(fallback)}; filename*=UTF-8''{quoted}"


def download_headers(path: str) -> dict[str, str]:
    """The Content-Type and Content-Disposition headers of downloading ``path``."""
    name = posixpath.basename(path)
    return {"Content-Type": media_type(name), "Content-Disposition": content_disposition(name)}
