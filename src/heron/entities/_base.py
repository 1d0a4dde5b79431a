"""What every entity shares: iteration over its public fields, as MLflow's entities allow."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any


class Entity:
    """Mixin for frozen dataclass entities: ``dict(entity)`` gives its public fields."""

    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            if not field.name.startswith("_"):
                yield field.name, getattr(self, field.name)

    def to_dictionary(self) -> dict[str, Any]:
        """The public fields as a plain dictionary (nested entities stay entities)."""
        return dict(self)
