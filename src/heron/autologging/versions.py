"""The library versions each autologging integration is known to work with.

``disable_for_unsupported_versions=True`` turns autologging off (with a warning, unless
``silent``) when the installed library is outside this range. The ranges are MLflow 3.17.2's
(its ``ml_package_versions`` table) for the libraries Heron integrates with.
"""

from __future__ import annotations

import importlib.metadata
import re

# integration -> (PyPI distribution, minimum, maximum) of the supported versions.
SUPPORTED_VERSIONS: dict[str, tuple[str, str, str]] = {
    "sklearn": ("scikit-learn", "1.6.0", "1.9.1"),
    "pytorch": ("torch", "2.5.0", "2.14.0"),
    "pytorch_lightning": ("lightning", "2.4.0", "2.6.6"),
    "keras": ("keras", "3.7.0", "3.15.1"),
    "tensorflow": ("tensorflow", "2.17.1", "2.21.0"),
    "xgboost": ("xgboost", "2.1.2", "3.4.1"),
    "lightgbm": ("lightgbm", "4.6.0", "4.7.0"),
}


def _release(version: str) -> tuple[int, ...]:
    """The numeric release part of a version (``1.7.2rc1`` -> ``(1, 7, 2)``)."""
    match = re.match(r"\d+(\.\d+)*", version)
    if match is None:
        return ()
    return tuple(int(part) for part in match.group(0).split("."))


def installed_version(integration: str) -> str | None:
    """The installed version of the integration's library, or None if unknown/absent."""
    entry = SUPPORTED_VERSIONS.get(integration)
    if entry is None:
        return None
    try:
        return importlib.metadata.version(entry[0])
    except importlib.metadata.PackageNotFoundError:
        return None


def is_supported_version(integration: str, version: str) -> bool:
    """Whether ``version`` of the integration's library lies in the supported range.

    Integrations without a known range are always supported. Patch releases of the maximum
    minor version count as supported, as in MLflow (``1.9.3`` is fine when the maximum is
    ``1.9.1``).
    """
    entry = SUPPORTED_VERSIONS.get(integration)
    if entry is None:
        return True
    _, minimum, maximum = entry
    release = _release(version)
    return _release(minimum) <= release and release[:2] <= _release(maximum)[:2]
