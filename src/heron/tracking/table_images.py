"""Image cells of ``log_table``: each image becomes files and a reference, as MLflow stores them.

A column whose every cell is an image (``heron.Image`` or a PIL image: anything with
``save``, ``resize`` and ``size``) is written as ``table_images/<table>/<uuid>.png`` plus a
``.webp`` thumbnail (at most 256 pixels a side), and the cell becomes
``{"type": "image", "filepath": ..., "compressed_filepath": ...}``, which MLflow's UI shows.
"""

from __future__ import annotations

import posixpath
import uuid
from collections.abc import Callable
from typing import Any

from heron.exceptions import InvalidParameter

THUMBNAIL_MAX = 256
SaveFile = Callable[[str, Any], None]
"""``save(artifact_path, image)``: write one image to the run's artifacts."""


def is_image(value: Any) -> bool:
    """Whether a cell holds an image (duck-typed as MLflow does)."""
    return (
        callable(getattr(value, "save", None))
        and callable(getattr(value, "resize", None))
        and hasattr(value, "size")
    )


def _thumbnail(image: Any) -> Any:
    width, height = image.size
    if width > height:
        size = (THUMBNAIL_MAX, int(height * THUMBNAIL_MAX / width))
    else:
        size = (int(width * THUMBNAIL_MAX / height), THUMBNAIL_MAX)
    return image.resize(size)


def _store(image: Any, table_name: str, save: SaveFile) -> dict[str, str]:
    stem = posixpath.join("table_images", table_name, str(uuid.uuid4()))
    save(f"{stem}.png", image)
    save(f"{stem}.webp", _thumbnail(image))
    return {"type": "image", "filepath": f"{stem}.png", "compressed_filepath": f"{stem}.webp"}


def store_image_columns(frame: Any, artifact_file: str, save: SaveFile) -> Any:
    """``frame`` with its image columns replaced by references to the stored files.

    Raises:
        InvalidParameter: A column mixes images and other values.
    """
    table_name = posixpath.splitext(artifact_file)[0]
    for column in [name for name in frame.columns if frame[name].dtype == object]:
        images = frame[column].map(is_image)
        if images.all():
            frame[column] = frame[column].map(lambda image: _store(image, table_name, save))
        elif images.any():
            raise InvalidParameter(
                f"Column `{column}` contains a mix of images and non-images. Please ensure "
                "that all elements in the column are of the same type."
            )
    return frame
