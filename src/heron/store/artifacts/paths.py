"""Artifact path confinement: one check for every path a caller names under an artifact root.

Every artifact repository (and, later, the server's artifact routes) passes each caller-given
path through :func:`safe_relative_path`; repositories on the local filesystem then map it with
:func:`confined_local_path`, which also refuses symlinks that lead out of the root. The checks
cover the bypasses MLflow has had CVEs for: ``..`` segments hidden by (repeated)
percent-encoding, backslashes and drive letters, absolute paths, ``;`` parameters, ``#``
fragments and NUL bytes.
"""

from __future__ import annotations

import errno
import os
import re
from urllib.parse import unquote

from heron.exceptions import InvalidParameter

MAX_DECODE_ROUNDS = 10

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _refuse(path: str, reason: str) -> InvalidParameter:
    return InvalidParameter(f"Invalid artifact path {path!r}: {reason}")


def percent_decodings(text: str) -> list[str] | None:
    """``text`` and each successive percent-decoding of it, until decoding changes nothing;
    None when it still decodes after :data:`MAX_DECODE_ROUNDS` rounds (refuse it)."""
    forms = [text]
    for _ in range(MAX_DECODE_ROUNDS):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            return forms
        forms.append(decoded)
    return None


def _decodings(path: str) -> list[str]:
    forms = percent_decodings(path)
    if forms is None:
        raise _refuse(path, f"still percent-encoded after {MAX_DECODE_ROUNDS} rounds of decoding")
    return forms


def _check_form(form: str, path: str) -> None:
    """Refuse one (possibly decoded) form of ``path`` that could leave the root."""
    if "\x00" in form:
        raise _refuse(path, "NUL characters are not allowed")
    if "\\" in form:
        raise _refuse(path, "backslashes are not allowed; separate directories with '/'")
    if "#" in form or ";" in form:
        raise _refuse(path, "fragments ('#') and path parameters (';') are not allowed")
    if form.startswith("/"):
        raise _refuse(path, "absolute paths are not allowed")
    segments = form.split("/")
    if ".." in segments:
        raise _refuse(path, "'..' segments are not allowed")
    if any(_DRIVE.match(segment) for segment in segments):
        raise _refuse(path, "drive letters are not allowed")


def safe_relative_path(path: str | None) -> str:
    """Check a path relative to an artifact root and return it normalised.

    The path and every percent-decoding of it (up to ``MAX_DECODE_ROUNDS``) must be free of
    ``..`` segments, leading ``/``, drive letters, backslashes, ``#``, ``;`` and NUL; the path
    as given must hold no control characters. Percent signs are otherwise kept literally (a
    file may be called ``acc%step%10.png``): decoding is only used to spot disguised escapes.

    Args:
        path: A ``/``-separated path relative to the root; None or ``""`` means the root.

    Returns:
        The path with empty and ``.`` segments removed (``""`` for the root).

    Raises:
        InvalidParameter: The path could name something outside the root.
    """
    if path is None:
        return ""
    if not isinstance(path, str):
        raise InvalidParameter(f"Invalid artifact path {path!r}: expected a string")
    if _CONTROL.search(path):
        raise _refuse(path, "control characters are not allowed")
    for form in _decodings(path):
        _check_form(form, path)
    return "/".join(segment for segment in path.split("/") if segment not in ("", "."))


def resolves_inside(root: str, local_path: str) -> bool:
    """Whether ``local_path``, with every symlink resolved, is ``root`` or lies under it
    (a path through a symlink loop leads nowhere, so it is not)."""
    real_root = os.path.realpath(root)
    try:
        resolved = os.path.realpath(local_path, strict=True)
    except OSError as error:
        if error.errno == errno.ELOOP:  # a symlink loop
            return False
        resolved = os.path.realpath(local_path)  # a path still to be written, say
    return os.path.commonpath([real_root, resolved]) == real_root


def confined_local_path(root: str, path: str | None) -> str:
    """The local filesystem path of artifact ``path`` under directory ``root``.

    Applies :func:`safe_relative_path`, then resolves symlinks and refuses a result outside
    the resolved root, so a symlink inside the root that points elsewhere is not followed.

    Args:
        root: The repository's root directory (it need not exist yet).
        path: A ``/``-separated path relative to the root; None or ``""`` means the root.

    Returns:
        The joined, unresolved local path (a symlink inside the root stays a symlink).

    Raises:
        InvalidParameter: The path is unsafe or resolves outside the root.
    """
    relative = safe_relative_path(path)
    real_root = os.path.realpath(root)
    local = os.path.join(real_root, *relative.split("/")) if relative else real_root
    if not resolves_inside(real_root, local):
        raise _refuse(path or "", "it resolves outside the artifact root")
    return local
