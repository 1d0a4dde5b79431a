"""parse_order_by: identifiers, directions, duplicates and errors."""

from __future__ import annotations

import re

import pytest

from heron.exceptions import InvalidParameter
from heron.search import OrderKey, parse_order_by


@pytest.mark.parametrize("order_by", [None, []])
def test_no_order_by_is_empty(order_by: list[str] | None) -> None:
    assert parse_order_by(order_by, "runs") == []


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        ("metrics.rmse", OrderKey("metric", "rmse", True)),
        ("metrics.rmse DESC", OrderKey("metric", "rmse", False)),
        ("metric.`my metric` asc", OrderKey("metric", "my metric", True)),
        ("params.lr Desc", OrderKey("param", "lr", False)),
        ('tags."mlflow.runName"', OrderKey("tag", "mlflow.runName", True)),
        ("tags.a.b DESC", OrderKey("tag", "a.b", False)),
        ("start_time", OrderKey("attribute", "start_time", True)),
        ("created DESC", OrderKey("attribute", "start_time", False)),
        ("attributes.run_name", OrderKey("attribute", "run_name", True)),
        ("`Run name`", OrderKey("attribute", "run_name", True)),
        ("run_id", OrderKey("attribute", "run_id", True)),
        ("attr.status", OrderKey("attribute", "status", True)),
        ("user_id", OrderKey("attribute", "user_id", True)),
        ("artifact_uri", OrderKey("attribute", "artifact_uri", True)),
        ("  end_time   DESC  ", OrderKey("attribute", "end_time", False)),
        ("metrics.'my metric' DESC", OrderKey("metric", "my metric", False)),
        ("Run Name DESC", OrderKey("attribute", "run_name", False)),
    ],
)
def test_run_order_keys(element: str, expected: OrderKey) -> None:
    assert parse_order_by([element], "runs") == [expected]


def test_several_keys_keep_their_order() -> None:
    keys = parse_order_by(["metrics.a DESC", "params.b", "start_time ASC"], "runs")
    assert [(k.entity, k.key, k.ascending) for k in keys] == [
        ("metric", "a", False),
        ("param", "b", True),
        ("attribute", "start_time", True),
    ]


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        ("name", OrderKey("attribute", "name", True)),
        ("experiment_id DESC", OrderKey("attribute", "experiment_id", False)),
        ("creation_time", OrderKey("attribute", "creation_time", True)),
        ("attribute.last_update_time asc", OrderKey("attribute", "last_update_time", True)),
    ],
)
def test_experiment_order_keys(element: str, expected: OrderKey) -> None:
    assert parse_order_by([element], "experiments") == [expected]


def test_registry_order_key_aliases() -> None:
    assert parse_order_by(["timestamp DESC"], "registered_models") == [
        OrderKey("attribute", "last_updated_timestamp", False)
    ]
    assert parse_order_by(["version_number"], "model_versions") == [
        OrderKey("attribute", "version", True)
    ]


@pytest.mark.parametrize(
    ("order_by", "target", "fragment"),
    [
        (["metrics.a", "metrics.a DESC"], "runs", "both order by metric 'a'"),
        (["created", "start_time"], "runs", "both order by attribute 'start_time'"),
        (["tags.x", "tags.x"], "runs", "both order by tag 'x'"),
        (
            ["metrics.a DESCENDING"],
            "runs",
            "unexpected token 'DESCENDING' at position 10; "
            "expected ASC, DESC or the end of the clause",
        ),
        (["metrics.a DESC x"], "runs", "unexpected token 'x' at position 15"),
        (["metrics.a ASC DESC"], "runs", "unexpected token 'DESC' at position 14"),
        ([""], "runs", "unexpected end of order_by clause at position 0; expected an identifier"),
        (["DESC"], "runs", "unknown attribute 'DESC' at position 0"),
        (["datasets.name"], "runs", "unknown entity 'datasets'"),
        (["lifecycle_stage"], "runs", "lifecycle_stage is not filterable"),
        (["bogus"], "runs", "unknown attribute 'bogus' at position 0; expected one of run_id"),
        (["metrics.a, metrics.b"], "runs", "unexpected token ',' at position 9"),
        (["tags.team"], "experiments", "unknown entity 'tags'"),
        (["artifact_location"], "experiments", "unknown attribute 'artifact_location'"),
        (["metrics. DESC"], "runs", "expected a key after '.' at position 7"),
        (["run nam"], "runs", "unknown attribute 'run' at position 0"),
    ],
)
def test_bad_order_by(order_by: list[str], target: str, fragment: str) -> None:
    with pytest.raises(InvalidParameter, match=re.escape(fragment)):
        parse_order_by(order_by, target)


def test_error_quotes_the_clause() -> None:
    with pytest.raises(InvalidParameter) as info:
        parse_order_by(["params.p sideways"], "runs")
    assert info.value.message.startswith("Invalid order_by clause 'params.p sideways': ")


def test_non_string_element_is_invalid() -> None:
    with pytest.raises(InvalidParameter, match="expected a string"):
        parse_order_by([3], "runs")  # type: ignore[list-item]
