"""``heron.Image``: an image to log with ``log_image`` or to put in a ``log_table`` column.

Built from a numpy array (HxW, or HxWxC with 1, 3 or 4 channels; integers in 0..255 or
floats in 0..1), a PIL image, a list of pixel rows, or an image file's path. Pillow (and
numpy for arrays) are imported when an image is made.
"""

from __future__ import annotations

import os
from typing import Any

from heron.exceptions import InvalidParameter


class Image:
    """An image held as a PIL image (``mlflow.Image``).

    Args:
        image: A numpy array, a PIL image, a list of pixel rows, or a file path.

    Raises:
        InvalidParameter: Another type, or an array of the wrong shape or range.
    """

    def __init__(self, image: Any) -> None:
        from heron.extras import import_extra
        from heron.tracking.images import to_pil_image

        PILImage = import_extra("PIL.Image", "plots", "heron.Image", package="Pillow")

        if isinstance(image, (str, os.PathLike)):
            self.image = PILImage.open(image)
        elif isinstance(image, list):
            import numpy as np

            self.image = to_pil_image(np.array(image))
        elif isinstance(image, PILImage.Image) or type(image).__module__.startswith("numpy"):
            self.image = to_pil_image(image)
        else:
            raise InvalidParameter(
                f"Unsupported image object type: {type(image)}. `image` must be one of "
                "numpy.ndarray, PIL.Image.Image, or a filepath to an image."
            )
        self.size: tuple[int, int] = self.image.size

    def to_list(self) -> list[Any]:
        """The pixel values, row after row."""
        flattened = getattr(self.image, "get_flattened_data", None)  # Pillow >= 12.1
        return list(flattened() if flattened is not None else self.image.getdata())

    def to_array(self) -> Any:
        """The image as a numpy array."""
        import numpy as np

        return np.array(self.image)

    def to_pil(self) -> Any:
        """The PIL image."""
        return self.image

    def save(self, path: str) -> None:
        """Write the image to ``path`` (the format follows the extension)."""
        self.image.save(path)

    def resize(self, size: tuple[int, int]) -> Image:
        """A resized copy."""
        return Image(self.image.resize(size))
