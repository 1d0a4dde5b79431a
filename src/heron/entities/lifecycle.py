"""Enumerations with MLflow's names and numbers: run status, view type, lifecycle, source."""

from __future__ import annotations

from typing import ClassVar

from heron.exceptions import InvalidParameter


class LifecycleStage:
    """Whether an experiment or run is live or soft-deleted."""

    ACTIVE = "active"
    DELETED = "deleted"

    @classmethod
    def matching_view_type(cls, view_type: int) -> tuple[str, ...]:
        """The lifecycle stages a search with ``view_type`` returns."""
        if view_type == ViewType.ACTIVE_ONLY:
            return (cls.ACTIVE,)
        if view_type == ViewType.DELETED_ONLY:
            return (cls.DELETED,)
        if view_type == ViewType.ALL:
            return (cls.ACTIVE, cls.DELETED)
        raise InvalidParameter(f"Invalid view type {view_type!r}")


class ViewType:
    """Which lifecycle stages a search returns (MLflow's numbers)."""

    ACTIVE_ONLY = 1
    DELETED_ONLY = 2
    ALL = 3
    _NAMES: ClassVar[dict[str, int]] = {"ACTIVE_ONLY": 1, "DELETED_ONLY": 2, "ALL": 3}

    @classmethod
    def from_string(cls, name: str) -> int:
        """``"ACTIVE_ONLY"`` (any case) to 1, and so on."""
        try:
            return cls._NAMES[name.upper()]
        except KeyError:
            raise InvalidParameter(f"Invalid view type '{name}'") from None

    @classmethod
    def to_string(cls, value: int) -> str:
        """1 to ``"ACTIVE_ONLY"``, and so on."""
        for name, number in cls._NAMES.items():
            if number == value:
                return name
        raise InvalidParameter(f"Invalid view type {value!r}")

    @classmethod
    def coerce(cls, value: int | str | None) -> int:
        """Accept a number, a name or None (ACTIVE_ONLY)."""
        if value is None:
            return cls.ACTIVE_ONLY
        if isinstance(value, str):
            return cls.from_string(value)
        cls.to_string(value)
        return value


class RunStatus:
    """Run status names and MLflow's numbers; entities carry the name."""

    RUNNING = 1
    SCHEDULED = 2
    FINISHED = 3
    FAILED = 4
    KILLED = 5
    _NAMES: ClassVar[dict[str, int]] = {
        "RUNNING": 1,
        "SCHEDULED": 2,
        "FINISHED": 3,
        "FAILED": 4,
        "KILLED": 5,
    }

    @classmethod
    def from_string(cls, name: str) -> int:
        """``"FINISHED"`` to 3, and so on."""
        try:
            return cls._NAMES[name.upper()]
        except (KeyError, AttributeError):
            raise InvalidParameter(
                f"Invalid run status '{name}'. Expected one of {', '.join(cls._NAMES)}"
            ) from None

    @classmethod
    def to_string(cls, value: int) -> str:
        """3 to ``"FINISHED"``, and so on."""
        for name, number in cls._NAMES.items():
            if number == value:
                return name
        raise InvalidParameter(f"Invalid run status {value!r}")

    @classmethod
    def name_of(cls, value: int | str) -> str:
        """Normalise a status given as a number or a name (any case) to its name."""
        if isinstance(value, str):
            cls.from_string(value)
            return value.upper()
        return cls.to_string(value)

    @classmethod
    def all_status(cls) -> list[int]:
        """Every status number."""
        return list(cls._NAMES.values())

    @classmethod
    def is_terminated(cls, status: int | str) -> bool:
        """Whether a run with this status has ended."""
        return cls.name_of(status) in ("FINISHED", "FAILED", "KILLED")


class SourceType:
    """Where a run's code came from (tag ``mlflow.source.type``)."""

    NOTEBOOK = 1
    JOB = 2
    PROJECT = 3
    LOCAL = 4
    UNKNOWN = 1000
    _NAMES: ClassVar[dict[str, int]] = {
        "NOTEBOOK": 1,
        "JOB": 2,
        "PROJECT": 3,
        "LOCAL": 4,
        "UNKNOWN": 1000,
    }

    @classmethod
    def to_string(cls, value: int) -> str:
        """4 to ``"LOCAL"``, and so on."""
        for name, number in cls._NAMES.items():
            if number == value:
                return name
        return "UNKNOWN"

    @classmethod
    def from_string(cls, name: str) -> int:
        """``"LOCAL"`` to 4; unknown names give UNKNOWN."""
        return cls._NAMES.get(name.upper(), cls.UNKNOWN)
