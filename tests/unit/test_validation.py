"""MLflow's validation rules and limits, as heron.validation applies them."""

from __future__ import annotations

import pytest

from heron import validation
from heron.entities import Metric, Param, RunTag
from heron.exceptions import InvalidParameter


@pytest.mark.parametrize("key", ["loss", "a/b", "train.loss", "a-b c:d", "éµ_1"])
def test_valid_keys_pass(key: str) -> None:
    assert validation.validate_key(key, "metric") == key


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("a//b", "resolve to 'a/b'"),
        ("a/./b", "resolve to 'a/b'"),
        ("x/../y", "resolve to 'y'"),
        ("/abs", "resolve to '/abs'"),
        ("trailing/", "resolve to 'trailing'"),
        ("", "resolve to '.'"),
        ("semi;colon", "Names may only contain"),
        ("x" * 251, "length limit of 250"),
    ],
)
def test_invalid_keys_are_refused_with_the_reason(key: str, fragment: str) -> None:
    with pytest.raises(InvalidParameter, match=fragment.replace("(", r"\(")):
        validation.validate_key(key, "metric")


def test_none_key_is_refused() -> None:
    with pytest.raises(InvalidParameter, match="cannot be None"):
        validation.validate_key(None, "param")


@pytest.mark.parametrize("value", [True, "1.0", None, [1.0]])
def test_non_numeric_metric_values_are_refused(value: object) -> None:
    with pytest.raises(InvalidParameter, match="valid double"):
        validation.validate_metric(Metric("m", value, 0, 0))  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 3, 2.5])
def test_numbers_nan_and_infinities_are_metric_values(value: float) -> None:
    validation.validate_metric(Metric("m", value, 0, -5))


@pytest.mark.parametrize(
    ("timestamp", "step", "fragment"),
    [(-1, 0, "non-negative"), (0, 2**63, "64-bit"), (2**63, 0, "64-bit"), (0, 1.5, "integer")],
)
def test_bad_timestamps_and_steps_are_refused(timestamp: int, step: int, fragment: str) -> None:
    with pytest.raises(InvalidParameter, match=fragment):
        validation.validate_metric(Metric("m", 1.0, timestamp, step))


def test_long_param_values_are_truncated_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HERON_TRUNCATE_LONG_VALUES", raising=False)
    assert validation.validate_param(Param("p", "x" * 7000)).value == "x" * 6000


def test_long_tag_values_are_refused_when_truncation_is_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_TRUNCATE_LONG_VALUES", "false")
    with pytest.raises(InvalidParameter, match="length limit of 8000"):
        validation.validate_tag(RunTag("t", "x" * 8001))


@pytest.mark.parametrize(
    ("metrics", "params", "tags", "fragment"),
    [
        (1001, 0, 0, "at most 1000 metrics"),
        (0, 101, 0, "at most 100 params"),
        (0, 0, 101, "at most 100 tags"),
        (950, 60, 0, "in total"),
    ],
)
def test_batch_limits(metrics: int, params: int, tags: int, fragment: str) -> None:
    with pytest.raises(InvalidParameter, match=fragment):
        validation.validate_batch(
            [Metric(f"m{i}", 1.0, 0, 0) for i in range(metrics)],
            [Param(f"p{i}", "v") for i in range(params)],
            [RunTag(f"t{i}", "v") for i in range(tags)],
        )


def test_batch_with_duplicate_param_keys_is_refused() -> None:
    with pytest.raises(InvalidParameter, match=r"Duplicate parameter keys .*\['a'\]"):
        validation.validate_batch([], [Param("a", "1"), Param("b", "1"), Param("a", "2")], [])


@pytest.mark.parametrize("name", ["", "   ", "x" * 501, 7])
def test_bad_experiment_names_are_refused(name: object) -> None:
    with pytest.raises(InvalidParameter, match=r"(?i)experiment name"):
        validation.validate_experiment_name(name)


@pytest.mark.parametrize("location", ["runs:/abc/x", "file:///a#frag", "s3://b/k;p=1", "x" * 2049])
def test_unsafe_artifact_locations_are_refused(location: str) -> None:
    with pytest.raises(InvalidParameter):
        validation.validate_artifact_location(location)


@pytest.mark.parametrize("value", [0, -1, 50001, True, "10"])
def test_max_results_must_be_a_positive_bounded_integer(value: object) -> None:
    with pytest.raises(InvalidParameter, match="max_results"):
        validation.validate_max_results(value)
