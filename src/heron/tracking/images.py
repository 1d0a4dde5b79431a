"""Images and figures as files: conversion, thumbnails, MLflow's image-series naming.

numpy, PIL and matplotlib are imported only by the functions that need them.
"""

from __future__ import annotations

import os
import random
import re
import string
import uuid
from typing import Any

from heron.exceptions import InvalidParameter

IMAGE_KEY_RE = re.compile(r"^[a-zA-Z0-9_\-./ ]+$")
THUMBNAIL_SIZE = (100, 100)
KEY_SEPARATOR_REPLACEMENT = "~"
"""Stands for ``/`` of an image key in file names (MLflow uses ``#``, which paths refuse)."""

PLOTLY_IMAGE_EXTENSIONS = (".png", ".jpeg", ".jpg", ".webp", ".svg", ".pdf")


def _is_from(obj: object, package: str) -> bool:
    return any(cls.__module__.split(".")[0] == package for cls in type(obj).__mro__)


def _array_to_uint8(array: Any) -> Any:
    """Scale floats in [0, 1] (and booleans) to 0..255; integers must already be in 0..255."""
    import numpy as np

    is_int = np.issubdtype(array.dtype, np.integer)
    high = 255 if is_int else 1
    if array.size and (array.min() < 0 or array.max() > high):
        kind = "Integer" if is_int else "Float"
        raise InvalidParameter(
            f"{kind} pixel values out of acceptable range [0, {high}]. Found minimum value "
            f"{array.min()} and maximum value {array.max()}."
        )
    if not is_int:
        array = np.rint(array.astype(np.float64) * 255)
    return array.astype(np.uint8)


def to_pil_image(image: Any) -> Any:
    """A PIL image from a PIL image, a ``heron.Image`` or a numpy array (HxW, or HxWxC with C
    in 1, 3, 4).

    Raises:
        InvalidParameter: The object is neither, or the array has the wrong shape or range.
    """
    if _is_from(image, "PIL"):
        return image
    if _is_from(image, "heron") and callable(getattr(image, "to_pil", None)):
        return image.to_pil()  # a heron.Image
    if not _is_from(image, "numpy") or not hasattr(image, "ndim"):
        raise InvalidParameter(
            f"Unsupported image object type: {type(image)}. `image` must be a numpy.ndarray "
            f"or a PIL.Image.Image."
        )
    if image.ndim not in (2, 3):
        raise InvalidParameter(f"`image` must be a 2D or 3D array but got shape {image.shape}")
    if image.ndim == 3 and image.shape[2] not in (1, 3, 4):
        raise InvalidParameter(f"Invalid channel length: {image.shape[2]}. Must be 1, 3 or 4")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    from PIL import Image

    return Image.fromarray(_array_to_uint8(image))


def thumbnail(image: Any) -> Any:
    """A copy of a PIL image shrunk to fit ``THUMBNAIL_SIZE`` (aspect ratio kept)."""
    small = image.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    return small


def image_series_files(key: str, step: int, timestamp: int) -> tuple[str, str]:
    """The artifact files of one image of a series: full image (PNG) and thumbnail (WebP).

    Names follow MLflow's ``images/<key>%step%<n>%timestamp%<ms>%<id>`` so image-series
    readers find them; the id never starts with a hex digit, as in MLflow.

    Raises:
        InvalidParameter: The key holds characters other than MLflow allows.
    """
    if not IMAGE_KEY_RE.match(key):
        raise InvalidParameter(
            "The `key` parameter may only contain alphanumerics, underscores (_), dashes (-), "
            f"periods (.), spaces ( ), and slashes (/). The provided key `{key}` contains "
            f"invalid characters."
        )
    file_id = random.choice(string.ascii_lowercase[6:]) + str(uuid.uuid4())[1:]
    sanitized = key.replace("/", KEY_SEPARATOR_REPLACEMENT)
    stem = f"images/{sanitized}%step%{step}%timestamp%{timestamp}%{file_id}"
    return f"{stem}.png", f"{stem}%compressed.webp"


def save_figure(figure: Any, path: str, save_kwargs: dict[str, Any] | None = None) -> None:
    """Save a matplotlib figure (any format it knows) or a plotly figure (HTML or image).

    Raises:
        InvalidParameter: The figure type or, for plotly, the file extension is unsupported.
    """
    kwargs = dict(save_kwargs or {})
    if _is_from(figure, "matplotlib") and hasattr(figure, "savefig"):
        figure.savefig(path, **kwargs)
        return
    if not _is_from(figure, "plotly"):
        raise InvalidParameter(f"Unsupported figure object type: '{type(figure)}'")
    extension = os.path.splitext(path)[1].lower()
    if extension == ".html":
        kwargs.setdefault("include_plotlyjs", "cdn")
        kwargs.setdefault("auto_open", False)
        figure.write_html(path, **kwargs)
    elif extension in PLOTLY_IMAGE_EXTENSIONS:
        figure.write_image(path, **kwargs)
    else:
        raise InvalidParameter(f"Unsupported file extension for plotly figure: '{extension}'")
