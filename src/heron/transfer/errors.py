"""The errors of export and import, in :mod:`heron.exceptions`' hierarchy.

A bundle that cannot be read is :class:`CorruptBundle` (an ``InvalidParameter``); a file
whose bytes do not match the checksum the bundle recorded is :class:`ChecksumMismatch`
(MLflow's ``DATA_LOSS``); a transfer in which some objects failed ends with
:class:`TransferFailed`, which names them.
"""

from __future__ import annotations

from collections.abc import Sequence

from heron.exceptions import HeronError, InvalidParameter


class CorruptBundle(InvalidParameter):
    """A bundle file is missing, unreadable, or not what its name promises."""


class ChecksumMismatch(HeronError):
    """A bundle file's bytes differ from the sha256 recorded at export (DATA_LOSS)."""

    error_code = "DATA_LOSS"


class TransferFailed(HeronError):
    """Some objects of an export, import or copy failed; ``failures`` names them.

    Args:
        message: A one-line account, e.g. ``"2 of 10 runs failed to import"``.
        failures: One line per failed object: what it is, and why it failed.
    """

    def __init__(self, message: str, failures: Sequence[str] = ()):
        super().__init__(message)
        self.failures = list(failures)
