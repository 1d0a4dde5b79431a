"""Validation and limits, once, exactly as MLflow applies them.

Stores call these before they write, so every backend (and the server, through its store)
refuses the same input with the same INVALID_PARAMETER_VALUE message.
"""

from __future__ import annotations

import functools
import logging
import math
import numbers
import posixpath
import re
from collections.abc import Sequence

from heron import config
from heron.entities.dataset import DatasetInput
from heron.entities.run_data import Metric, Param, RunTag
from heron.exceptions import InvalidParameter

_log = logging.getLogger(__name__)

KEY_RE = re.compile(r"^[/\w.\- :]*$")
RUN_ID_RE = re.compile(r"^[a-zA-Z0-9][\w\-]{0,255}$")
EXPERIMENT_ID_RE = re.compile(r"^[a-zA-Z0-9][\w\-]{0,63}$")

MAX_KEY_LENGTH = 250
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
MAX_EXPERIMENT_NAME_LENGTH = 500
MAX_EXPERIMENT_TAG_VALUE_LENGTH = 20000
MAX_RUN_NAME_LENGTH = 250
MAX_ARTIFACT_LOCATION_LENGTH = 2048
MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_PER_BATCH = 100
MAX_TAGS_PER_BATCH = 100
MAX_ENTITIES_PER_BATCH = 1000
MAX_RESULTS_LIMIT = 50000
MAX_DATASET_NAME_LENGTH = 500
MAX_DATASET_DIGEST_LENGTH = 36
MAX_DATASET_SOURCE_LENGTH = 65535
MAX_DATASET_SCHEMA_LENGTH = 1048575
MAX_DATASET_PROFILE_LENGTH = 16777215
MAX_INPUT_TAG_KEY_LENGTH = 255
MAX_INPUT_TAG_VALUE_LENGTH = 500

_KEY_CHARS = (
    "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), "
    "spaces ( ), colon(:) and slashes (/)."
)


def _resolves_elsewhere(name: str) -> str | None:
    """What ``name`` would become as a file path, when that differs from ``name``."""
    norm = posixpath.normpath(name)
    if norm != name or norm == "." or norm.startswith("..") or norm.startswith("/"):
        return norm
    return None


def validate_key(key: object, kind: str) -> str:
    """Check a metric, param or tag key. ``kind`` names it in messages ("metric", ...)."""
    if isinstance(key, str):
        return _validate_str_key(key, kind)
    raise InvalidParameter(
        f"{kind.capitalize()} name cannot be None."
        if key is None
        else f"Invalid {kind} name: {key!r}. Names must be strings."
    )


@functools.lru_cache(maxsize=4096)  # a run logs the same few keys over and over
def _validate_str_key(key: str, kind: str) -> str:
    if not KEY_RE.match(key):
        raise InvalidParameter(f"Invalid {kind} name: '{key}'. {_KEY_CHARS}")
    other = _resolves_elsewhere(key)
    if other is not None:
        raise InvalidParameter(
            f"Invalid {kind} name: '{key}'. Names may be treated as files in certain cases, "
            f"and must not resolve to other names when treated as such. This name would "
            f"resolve to '{other}'"
        )
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidParameter(
            f"{kind.capitalize()} name '{key[:40]}...' had length {len(key)}, which exceeded "
            f"length limit of {MAX_KEY_LENGTH}"
        )
    return key


def _limit_value(value: str, limit: int, what: str, key: str) -> str:
    if len(value) <= limit:
        return value
    if config.TRUNCATE_LONG_VALUES.get():
        _log.warning("%s '%s' value had length %d; truncated to %d", what, key, len(value), limit)
        return value[:limit]
    raise InvalidParameter(
        f"{what} value '{value[:40]}...' had length {len(value)}, which exceeded length limit "
        f"of {limit}"
    )


def validate_param(param: Param) -> Param:
    """Check a param; an over-long value is truncated (with a warning) or refused."""
    validate_key(param.key, "param")
    value = "" if param.value is None else str(param.value)
    limited = _limit_value(value, MAX_PARAM_VALUE_LENGTH, "Param", param.key)
    return param if limited is param.value else Param(param.key, limited)


def validate_tag(tag: RunTag) -> RunTag:
    """Check a run tag; an over-long value is truncated (with a warning) or refused."""
    validate_key(tag.key, "tag")
    value = "" if tag.value is None else str(tag.value)
    limited = _limit_value(value, MAX_TAG_VALUE_LENGTH, "Tag", tag.key)
    return tag if limited is tag.value else RunTag(tag.key, limited)


def validate_experiment_tag(key: str, value: str) -> None:
    """Check an experiment tag; values over 20000 characters are refused."""
    validate_key(key, "tag")
    if value is not None and len(str(value)) > MAX_EXPERIMENT_TAG_VALUE_LENGTH:
        raise InvalidParameter(
            f"Experiment tag '{key}' value had length {len(str(value))}, which exceeded "
            f"length limit of {MAX_EXPERIMENT_TAG_VALUE_LENGTH}"
        )


def validate_metric(metric: Metric) -> None:
    """Check a metric's key, value (a number; NaN and +/-inf allowed), timestamp and step."""
    validate_key(metric.key, "metric")
    value, timestamp, step = metric.value, metric.timestamp, metric.step
    # The exact-type test is the hot path's shortcut past the slower ABC checks.
    if type(value) is not float and (
        isinstance(value, bool) or not isinstance(value, numbers.Number)
    ):
        raise InvalidParameter(
            f"Got invalid value {value!r} for metric '{metric.key}' (timestamp="
            f"{timestamp}). Please specify value as a valid double (64-bit floating point)"
        )
    for name, number in (("timestamp", timestamp), ("step", step)):
        if type(number) is not int and (
            isinstance(number, bool) or not isinstance(number, numbers.Integral)
        ):
            raise InvalidParameter(
                f"Got invalid {name} {number!r} for metric '{metric.key}' (value={value}). "
                f"{name.capitalize()} must be an integer"
            )
        if not INT64_MIN <= number <= INT64_MAX:
            raise InvalidParameter(
                f"Got invalid {name} {number} for metric '{metric.key}'. {name.capitalize()} "
                f"must fit in a signed 64-bit integer"
            )
    if timestamp < 0:
        raise InvalidParameter(
            f"Got invalid timestamp {timestamp} for metric '{metric.key}'. "
            f"Timestamp must be a non-negative integer (milliseconds since the epoch)"
        )
    context = (metric.model_id, metric.dataset_name, metric.dataset_digest)
    if context != (None, None, None):
        _validate_metric_context(metric)


_METRIC_CONTEXT_LIMITS = (
    ("model_id", 36),
    ("dataset_name", MAX_DATASET_NAME_LENGTH),
    ("dataset_digest", MAX_DATASET_DIGEST_LENGTH),
)


def _validate_metric_context(metric: Metric) -> None:
    """Check the logged model and dataset a metric point names, if any."""
    for name, limit in _METRIC_CONTEXT_LIMITS:
        value = getattr(metric, name)
        if value is not None and (not isinstance(value, str) or not value or len(value) > limit):
            raise InvalidParameter(
                f"Got invalid {name} {value!r} for metric '{metric.key}': it must be a "
                f"non-empty string of at most {limit} characters"
            )
    if (metric.dataset_name, metric.dataset_digest).count(None) == 1:
        raise InvalidParameter(
            "Both dataset_name and dataset_digest must be provided if one is provided"
        )


def metric_value_is_nan(value: float) -> bool:
    """Whether a metric value is NaN (stored with a flag, as MLflow's SQL store does)."""
    return isinstance(value, float) and math.isnan(value)


def validate_batch(
    metrics: Sequence[Metric], params: Sequence[Param], tags: Sequence[RunTag]
) -> tuple[list[Param], list[RunTag]]:
    """Check a log_batch request as a whole, before anything is written.

    Returns the params and tags as they will be stored (over-long values truncated).
    """
    counts = (
        (len(metrics), MAX_METRICS_PER_BATCH, "metrics"),
        (len(params), MAX_PARAMS_PER_BATCH, "params"),
        (len(tags), MAX_TAGS_PER_BATCH, "tags"),
    )
    for count, limit, what in counts:
        if count > limit:
            raise InvalidParameter(
                f"A batch logging request can contain at most {limit} {what}. Got {count} "
                f"{what}. Please split up {what} across multiple requests and try again."
            )
    total = len(metrics) + len(params) + len(tags)
    if total > MAX_ENTITIES_PER_BATCH:
        raise InvalidParameter(
            f"A batch logging request can contain at most {MAX_ENTITIES_PER_BATCH} metrics, "
            f"params, and tags in total. Received {len(metrics)} metrics, {len(params)} params, "
            f"and {len(tags)} tags. Please split up across multiple requests and try again."
        )
    for metric in metrics:
        validate_metric(metric)
    return validate_params(params), [validate_tag(t) for t in tags]


def validate_params(params: Sequence[Param]) -> list[Param]:
    """Check params logged together: each one, and no key twice. Returns them as they
    will be stored (over-long values truncated)."""
    checked = [validate_param(p) for p in params]
    duplicates = repeated([p.key for p in checked])
    if duplicates:
        raise InvalidParameter(
            f"Duplicate parameter keys have been submitted: {duplicates}. Please ensure the "
            f"request contains only one param value per param key."
        )
    return checked


def repeated(keys: Sequence[str]) -> list[str]:
    """The keys given more than once, sorted (none: an empty list)."""
    if len(set(keys)) == len(keys):
        return []
    return sorted({key for key in keys if keys.count(key) > 1})


def validate_run_id(run_id: object) -> str:
    """Check the shape of a run id."""
    if not isinstance(run_id, str) or not RUN_ID_RE.match(run_id):
        raise InvalidParameter(f"Invalid run ID: '{run_id}'")
    return run_id


def validate_experiment_id(experiment_id: object) -> str:
    """Check the shape of an experiment id (a string on the wire)."""
    text = str(experiment_id) if isinstance(experiment_id, int) else experiment_id
    if not isinstance(text, str) or not EXPERIMENT_ID_RE.match(text):
        raise InvalidParameter(f"Invalid experiment ID: '{experiment_id}'")
    return text


_INT64_MAX = 2**63 - 1


def experiment_number(experiment_id: object) -> int | None:
    """The stored number an experiment id names (as MLflow's ``int()``: surrounding spaces
    and leading zeros allowed, but ASCII digits only), or None when it names none.

    Every check of an experiment id goes through this (the store's lookups, the auth
    gate's permissions), so ``"01"``, ``" 1"`` and ``"1"`` are one experiment to both.
    """
    text = str(experiment_id).strip()
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    number = int(text)
    return number if abs(number) <= _INT64_MAX else None


def validate_experiment_name(name: object) -> str:
    """Check an experiment name: a non-blank string of at most 500 characters."""
    if not isinstance(name, str):
        raise InvalidParameter(f"Invalid experiment name: {name!r}. Expects a string.")
    if not name.strip():
        raise InvalidParameter("Invalid experiment name: ''. Experiment name cannot be empty.")
    if len(name) > MAX_EXPERIMENT_NAME_LENGTH:
        raise InvalidParameter(
            f"Experiment name '{name[:40]}...' had length {len(name)}, which exceeded length "
            f"limit of {MAX_EXPERIMENT_NAME_LENGTH}"
        )
    return name


def validate_run_name(name: object) -> str | None:
    """Check a run name (only its length is limited)."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise InvalidParameter(f"Invalid run name: {name!r}. Expects a string.")
    if len(name) > MAX_RUN_NAME_LENGTH:
        raise InvalidParameter(
            f"Run name '{name[:40]}...' had length {len(name)}, which exceeded length limit "
            f"of {MAX_RUN_NAME_LENGTH}"
        )
    return name


def validate_artifact_location(location: str | None) -> None:
    """Refuse experiment artifact locations that could escape or confuse resolution."""
    if location is None:
        return
    if location.startswith("runs:"):
        raise InvalidParameter(f"Artifact location cannot be a runs:/ URI. Given: '{location}'")
    if len(location) > MAX_ARTIFACT_LOCATION_LENGTH:
        raise InvalidParameter(
            f"Invalid artifact location: length {len(location)} exceeds the limit of "
            f"{MAX_ARTIFACT_LOCATION_LENGTH}"
        )
    if "#" in location or ";" in location:
        raise InvalidParameter(
            f"Invalid artifact location '{location}': fragments ('#') and path parameters "
            f"(';') are not allowed"
        )


def validate_max_results(max_results: object, limit: int = MAX_RESULTS_LIMIT) -> int:
    """Check a search's page size: a positive integer no larger than ``limit``."""
    if isinstance(max_results, bool) or not isinstance(max_results, int) or max_results <= 0:
        raise InvalidParameter(
            f"Invalid value {max_results!r} for parameter 'max_results' supplied. It must be "
            f"a positive integer"
        )
    if max_results > limit:
        raise InvalidParameter(
            f"Invalid value {max_results} for parameter 'max_results' supplied. It must be at "
            f"most {limit}, but got value {max_results}"
        )
    return max_results


def validate_dataset_input(dataset_input: DatasetInput) -> None:
    """Check a dataset input's required fields and MLflow's size limits."""
    ds = dataset_input.dataset
    for name in ("name", "digest", "source_type", "source"):
        if not getattr(ds, name):
            raise InvalidParameter(f"Dataset {name} must be specified")
    limits = (
        ("name", ds.name, MAX_DATASET_NAME_LENGTH),
        ("digest", ds.digest, MAX_DATASET_DIGEST_LENGTH),
        ("source", ds.source, MAX_DATASET_SOURCE_LENGTH),
        ("schema", ds.schema, MAX_DATASET_SCHEMA_LENGTH),
        ("profile", ds.profile, MAX_DATASET_PROFILE_LENGTH),
    )
    for name, value, limit in limits:
        if value is not None and len(value) > limit:
            raise InvalidParameter(
                f"Dataset {name} exceeds the maximum length of {limit} (got {len(value)})"
            )
    for tag in dataset_input.tags:
        if not tag.key or tag.value is None:
            raise InvalidParameter("Input tag key and value must be specified")
        if len(tag.key) > MAX_INPUT_TAG_KEY_LENGTH or len(tag.value) > MAX_INPUT_TAG_VALUE_LENGTH:
            raise InvalidParameter(
                f"Input tag '{tag.key[:40]}' exceeds the limits: key {MAX_INPUT_TAG_KEY_LENGTH}, "
                f"value {MAX_INPUT_TAG_VALUE_LENGTH} characters"
            )


MAX_LOGGED_MODEL_NAME_LENGTH = 500
_LOGGED_MODEL_NAME_FORBIDDEN = "/:.%\"'"


def validate_logged_model_name(name: object) -> str | None:
    """Check a logged model's name (None lets the store generate one).

    A name is non-empty, at most 500 characters, and has none of ``/ : . % " '``, since it
    appears in artifact paths and ``runs:/<run_id>/<name>`` URIs.
    """
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise InvalidParameter(f"Invalid model name {name!r}: it must be a non-empty string.")
    bad = sorted({c for c in name if c in _LOGGED_MODEL_NAME_FORBIDDEN})
    if bad:
        raise InvalidParameter(
            f"Invalid model name '{name}': it must not contain any of "
            f"{' '.join(_LOGGED_MODEL_NAME_FORBIDDEN)} (found {' '.join(bad)})."
        )
    if len(name) > MAX_LOGGED_MODEL_NAME_LENGTH:
        raise InvalidParameter(
            f"Model name '{name[:40]}...' had length {len(name)}, which exceeded length limit "
            f"of {MAX_LOGGED_MODEL_NAME_LENGTH}"
        )
    return name
