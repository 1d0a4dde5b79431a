"""Logged models (MLflow 3.x): a model logged to an experiment, and its links to runs.

``log_model`` creates a :class:`LoggedModel` (status PENDING), uploads its files under the
model's ``artifact_location``, records it as an output of the run (:class:`LoggedModelOutput`
in :class:`RunOutputs`) and finalizes it (READY, or FAILED when the upload failed).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from heron.entities._base import Entity
from heron.entities.run_data import Metric
from heron.exceptions import InvalidParameter

MODEL_ID_PREFIX = "m-"


class LoggedModelStatus(str, enum.Enum):
    """A logged model's status, with MLflow's names, numbers and wire names.

    The Python value is MLflow's (``"READY"``); the wire name is the protobuf enum name
    (``"LOGGED_MODEL_READY"``); :meth:`coerce` accepts any of the three spellings.
    """

    UNSPECIFIED = "UNSPECIFIED"
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"

    def __str__(self) -> str:
        return self.value

    @property
    def number(self) -> int:
        """MLflow's enum number: 0 unspecified, 1 pending, 2 ready, 3 upload failed."""
        return _NUMBERS[self]

    @property
    def wire_name(self) -> str:
        """The name on the wire, e.g. ``LOGGED_MODEL_READY``."""
        return _WIRE_NAMES[self]

    def to_int(self) -> int:
        """MLflow's name for :attr:`number`."""
        return self.number

    @classmethod
    def from_int(cls, number: int) -> LoggedModelStatus:
        """The status with MLflow's enum ``number``."""
        return cls.coerce(number)

    @classmethod
    def coerce(cls, value: LoggedModelStatus | str | int) -> LoggedModelStatus:
        """A status from a status, a number, or a name in either spelling (any case).

        Raises:
            InvalidParameter: for anything else.
        """
        if isinstance(value, LoggedModelStatus):
            return value
        found = _BY_SPELLING.get(value.upper() if isinstance(value, str) else value)
        if found is None or isinstance(value, bool):
            names = ", ".join(s.wire_name for s in cls)
            raise InvalidParameter(
                f"Invalid logged model status {value!r}. Expected one of {names}"
            )
        return found


_NUMBERS = {
    LoggedModelStatus.UNSPECIFIED: 0,
    LoggedModelStatus.PENDING: 1,
    LoggedModelStatus.READY: 2,
    LoggedModelStatus.FAILED: 3,
}
_WIRE_NAMES = {
    LoggedModelStatus.UNSPECIFIED: "LOGGED_MODEL_STATUS_UNSPECIFIED",
    LoggedModelStatus.PENDING: "LOGGED_MODEL_PENDING",
    LoggedModelStatus.READY: "LOGGED_MODEL_READY",
    LoggedModelStatus.FAILED: "LOGGED_MODEL_UPLOAD_FAILED",
}
_BY_SPELLING: dict[str | int, LoggedModelStatus] = {
    **{status.value: status for status in LoggedModelStatus},
    **{wire: status for status, wire in _WIRE_NAMES.items()},
    **{number: status for status, number in _NUMBERS.items()},
    "LOGGED_MODEL_FAILED": LoggedModelStatus.FAILED,
}


@dataclass(frozen=True, slots=True)
class LoggedModelTag(Entity):
    """A logged model's tag; the last write wins."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class LoggedModelParameter(Entity):
    """A logged model's parameter; written once per model."""

    key: str
    value: str


@dataclass(frozen=True, slots=True)
class LoggedModelInput(Entity):
    """A logged model a run used as input."""

    model_id: str


@dataclass(frozen=True, slots=True)
class LoggedModelOutput(Entity):
    """A logged model a run produced, at a training step."""

    model_id: str
    step: int = 0


@dataclass(frozen=True, slots=True)
class RunOutputs(Entity):
    """Everything a run produced: its logged models."""

    model_outputs: tuple[LoggedModelOutput, ...] = ()


@dataclass(frozen=True, slots=True)
class LoggedModel(Entity):
    """A model logged to an experiment (MLflow 3.x), with its tags, params and metrics.

    Attributes:
        model_id: ``m-`` followed by 32 hex digits.
        artifact_location: Where its files live:
            ``<experiment artifact location>/models/<model_id>/artifacts``.
        creation_timestamp: Milliseconds since the epoch; so is ``last_updated_timestamp``.
        metrics: Every metric point logged with this ``model_id``, each carrying its run.
    """

    experiment_id: str
    model_id: str
    name: str
    artifact_location: str
    creation_timestamp: int
    last_updated_timestamp: int
    model_type: str | None = None
    source_run_id: str | None = None
    status: LoggedModelStatus = LoggedModelStatus.READY
    status_message: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    metrics: list[Metric] = field(default_factory=list)

    @property
    def model_uri(self) -> str:
        """``models:/<model_id>``, the URI that loads this model."""
        return f"models:/{self.model_id}"

    @property
    def artifact_uri(self) -> str:
        """The wire's name for :attr:`artifact_location`."""
        return self.artifact_location


# The names the wire protocol and the brief use for the same things.
LoggedModelParam = LoggedModelParameter
ModelInput = LoggedModelInput
ModelOutput = LoggedModelOutput
