"""The UI's scripts, styles and images, under a path that names their content.

Files are served at ``/static/<fingerprint>/<name>``, the fingerprint a hash of every file
under ``static/``: a browser may keep them forever (``immutable``), and a release or a local
edit that changes any file changes every URL. Because the fingerprint is part of the path,
not of a query, a module's relative ``import "./heron.js"`` names the same URL as the page's
own ``<script src>``, so each module runs once.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
CACHE_FOREVER = "public, max-age=31536000, immutable"


@functools.cache
def fingerprint(directory: Path = STATIC_DIR) -> str:
    """A short hash of the names and contents of every file under ``directory``."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            digest.update(str(path.relative_to(directory)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class FingerprintedFiles(StaticFiles):
    """Starlette's static files, each response cacheable for good."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = CACHE_FOREVER
        return response
