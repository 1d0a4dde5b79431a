"""Versions of a registered model side by side: their source runs' params and metrics and
their MLmodels' signatures, one column per version, rows that differ marked."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from heron.entities import Run
from heron.entities.registry import ModelVersion
from heron.exceptions import InvalidParameter, NotFound
from heron.server.services import Services
from heron.server.settings import ServerSettings
from heron.server.ui.formatting import number
from heron.server.ui.registry_files import read_version_files

MAX_COMPARED = 20


@dataclass
class CompareRow:
    """One row: a name and its value in each version (``None``: absent)."""

    name: str
    values: list[str | None]

    @property
    def differs(self) -> bool:
        """Whether the versions do not all have the same value."""
        return len(set(self.values)) > 1


@dataclass
class Comparison:
    """What the compare page shows."""

    versions: list[ModelVersion] = field(default_factory=list)
    runs: list[Run | None] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[CompareRow]]] = field(default_factory=list)
    truncated: bool = False


def compare_versions(
    services: Services, settings: ServerSettings, name: str, numbers: Sequence[str]
) -> Comparison:
    """The versions ``numbers`` of model ``name`` compared (the first :data:`MAX_COMPARED`,
    each once; versions that do not exist are listed in ``missing``)."""
    comparison = Comparison()
    unique = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    comparison.truncated = len(unique) > MAX_COMPARED
    for text in unique[:MAX_COMPARED]:
        try:
            comparison.versions.append(services.registry.get_model_version(name, text))
        except (NotFound, InvalidParameter):
            comparison.missing.append(text)
    comparison.runs = [_run(services, v.run_id) for v in comparison.versions]
    signatures = [
        read_version_files(services, settings, version).model for version in comparison.versions
    ]
    runs = comparison.runs
    comparison.sections = [
        ("Parameters", _rows([r.data.params if r else {} for r in runs], str)),
        ("Metrics", _rows([r.data.metrics if r else {} for r in runs], number)),
        (
            "Signature inputs",
            _rows([_signature(s.inputs if s else None) for s in signatures], str),
        ),
        (
            "Signature outputs",
            _rows([_signature(s.outputs if s else None) for s in signatures], str),
        ),
    ]
    return comparison


def _run(services: Services, run_id: str | None) -> Run | None:
    if not run_id:
        return None
    try:
        return services.tracking.get_run(run_id)
    except (NotFound, InvalidParameter):
        return None


def _signature(rows: list[dict[str, str]] | None) -> dict[str, str]:
    """A signature table as ``{column name: type}`` (unnamed columns by position)."""
    return {row["name"] or f"#{i}": row["type"] for i, row in enumerate(rows or [], 1)}


def _rows(values: Sequence[Mapping[str, Any]], shown: Callable[[Any], str]) -> list[CompareRow]:
    names = sorted({key for mapping in values for key in mapping})
    return [
        CompareRow(
            key,
            [shown(mapping[key]) if key in mapping else None for mapping in values],
        )
        for key in names
    ]
