"""Artifact listings."""

from __future__ import annotations

from dataclasses import dataclass

from heron.entities._base import Entity


@dataclass(frozen=True, slots=True)
class FileInfo(Entity):
    """One entry of an artifact listing: a path relative to the listed root."""

    path: str
    is_dir: bool
    file_size: int | None = None
