"""parse_filter: what it accepts and the AST it builds."""

from __future__ import annotations

import pytest

from heron.search import And, Comparison, Or, parse_filter


def c(entity: str, key: str, op: str, value: object) -> Comparison:
    return Comparison(entity, key, op, value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t"])
def test_no_filter_is_none(text: str | None) -> None:
    assert parse_filter(text, "runs") is None


def test_unknown_target_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown search target"):
        parse_filter("name = 'x'", "nonsense")


@pytest.mark.parametrize(
    ("prefix", "entity"),
    [
        ("metric", "metric"),
        ("metrics", "metric"),
        ("parameter", "param"),
        ("parameters", "param"),
        ("param", "param"),
        ("params", "param"),
        ("tag", "tag"),
        ("tags", "tag"),
        ("`metrics`", "metric"),
    ],
)
def test_entity_prefixes_of_runs(prefix: str, entity: str) -> None:
    value = "1" if entity == "metric" else "'1'"
    node = parse_filter(f"{prefix}.k = {value}", "runs")
    assert node == c(entity, "k", "=", 1 if entity == "metric" else "1")


@pytest.mark.parametrize("prefix", ["attribute", "attributes", "attr", "run", ""])
def test_attribute_prefixes_of_runs(prefix: str) -> None:
    ident = f"{prefix}.status" if prefix else "status"
    assert parse_filter(f"{ident} = 'FINISHED'", "runs") == c(
        "attribute", "status", "=", "FINISHED"
    )


@pytest.mark.parametrize(
    ("ident", "key"),
    [
        ("run_id", "run_id"),
        ("run_uuid", "run_id"),
        ("run_name", "run_name"),
        ("`run name`", "run_name"),
        ('"Run name"', "run_name"),
        ("attributes.`Run Name`", "run_name"),
        ("run name", "run_name"),
        ("Run Name", "run_name"),
        ("attributes.Run name", "run_name"),
        ("user_id", "user_id"),
        ("artifact_uri", "artifact_uri"),
    ],
)
def test_string_attribute_aliases(ident: str, key: str) -> None:
    assert parse_filter(f"{ident} LIKE 'a%'", "runs") == c("attribute", key, "LIKE", "a%")


@pytest.mark.parametrize(
    ("ident", "key"),
    [
        ("start_time", "start_time"),
        ("created", "start_time"),
        ("Created", "start_time"),
        ("end_time", "end_time"),
    ],
)
def test_numeric_attribute_aliases(ident: str, key: str) -> None:
    assert parse_filter(f"{ident} >= 1700000000000", "runs") == c(
        "attribute", key, ">=", 1700000000000
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("tags.`mlflow.runName` = 'x'", "mlflow.runName"),
        ("tags.\"mlflow.runName\" = 'x'", "mlflow.runName"),
        ("tags.mlflow.runName = 'x'", "mlflow.runName"),
        ("params.\"lr/0\" = 'x'", "lr/0"),
        ("params.lr/0 = 'x'", "lr/0"),
        ("metrics.'prediction accuracy' = 1", "prediction accuracy"),
        ("params.learning-rate = 'x'", "learning-rate"),
        ("tags.`my key: with spaces` = 'x'", "my key: with spaces"),
        ("tags.`back``tick` = 'x'", "back`tick"),
        ("tags.0 = 'x'", "0"),
    ],
)
def test_key_quoting_styles(text: str, key: str) -> None:
    node = parse_filter(text, "runs")
    assert isinstance(node, Comparison)
    assert node.key == key


def test_unquoted_keys_keep_dots_after_the_entity() -> None:
    assert parse_filter("metrics.train.loss < 0.5", "runs") == c("metric", "train.loss", "<", 0.5)


@pytest.mark.parametrize("op", ["=", "!=", ">", ">=", "<", "<="])
def test_metric_comparators(op: str) -> None:
    assert parse_filter(f"metrics.acc {op} 0.9", "runs") == c("metric", "acc", op, 0.9)


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("3", 3),
        ("-3", -3),
        ("3.0", 3.0),
        ("-0.5", -0.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("2.5E-2", 0.025),
        ("-1e+2", -100.0),
    ],
)
def test_number_literals(literal: str, value: float) -> None:
    node = parse_filter(f"metrics.m>{literal}", "runs")
    assert isinstance(node, Comparison)
    assert node.value == value
    assert type(node.value) is type(value)


@pytest.mark.parametrize("op", ["=", "!=", "LIKE", "ILIKE"])
@pytest.mark.parametrize("entity", ["params", "tags"])
def test_param_and_tag_string_comparators(entity: str, op: str) -> None:
    node = parse_filter(f"{entity}.k {op} 'v'", "runs")
    assert node == c(entity[:-1], "k", op, "v")


@pytest.mark.parametrize("op", ["IS NULL", "IS NOT NULL", "is null", "Is Not Null"])
def test_null_checks_on_params_and_tags(op: str) -> None:
    assert parse_filter(f"params.k {op}", "runs") == c("param", "k", op.upper(), None)
    assert parse_filter(f"tags.k {op}", "runs") == c("tag", "k", op.upper(), None)


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("'plain'", "plain"),
        ('"double"', "double"),
        ("'it''s'", "it's"),
        (r"'it\'s'", "it's"),
        ('"say ""hi"""', 'say "hi"'),
        (r"'back\\slash'", "back\\slash"),
        (r"'a\%b'", r"a\%b"),
        ("''", ""),
        ("'AND OR ( )'", "AND OR ( )"),
    ],
)
def test_string_literals(literal: str, value: str) -> None:
    assert parse_filter(f"tags.k = {literal}", "runs") == c("tag", "k", "=", value)


def test_keywords_are_case_insensitive() -> None:
    node = parse_filter("params.a like 'x' and params.b IlIkE 'y' Or run_id not in ('z')", "runs")
    assert node == Or(
        (
            And((c("param", "a", "LIKE", "x"), c("param", "b", "ILIKE", "y"))),
            c("attribute", "run_id", "NOT IN", ("z",)),
        )
    )


def test_in_lists_keep_order_and_accept_both_quotes() -> None:
    node = parse_filter("attributes.run_id IN ('a', \"b\",'c')", "runs")
    assert node == c("attribute", "run_id", "IN", ("a", "b", "c"))


@pytest.mark.parametrize("key", ["name", "digest", "context"])
@pytest.mark.parametrize("op", ["=", "!=", "LIKE", "ILIKE"])
def test_dataset_keys(key: str, op: str) -> None:
    assert parse_filter(f"datasets.{key} {op} 'v'", "runs") == c("dataset", key, op, "v")


def test_dataset_in_list() -> None:
    node = parse_filter("dataset.name NOT IN ('a', 'b')", "runs")
    assert node == c("dataset", "name", "NOT IN", ("a", "b"))


def test_and_binds_tighter_than_or() -> None:
    a, b, d = (c("metric", k, ">", 1) for k in "abd")
    assert parse_filter("metrics.a > 1 OR metrics.b > 1 AND metrics.d > 1", "runs") == Or(
        (a, And((b, d)))
    )
    assert parse_filter("(metrics.a > 1 OR metrics.b > 1) AND metrics.d > 1", "runs") == And(
        (Or((a, b)), d)
    )


def test_nested_groups_of_one_kind_are_flattened() -> None:
    a, b, d, e = (c("metric", k, "=", 0) for k in "abde")
    node = parse_filter("metrics.a=0 AND (metrics.b=0 AND (metrics.d=0)) AND metrics.e=0", "runs")
    assert node == And((a, b, d, e))
    node = parse_filter("((metrics.a=0 OR metrics.b=0)) OR (metrics.d=0 OR metrics.e=0)", "runs")
    assert node == Or((a, b, d, e))


def test_a_single_parenthesised_clause_is_the_clause() -> None:
    assert parse_filter("((metrics.a = 0))", "runs") == c("metric", "a", "=", 0)


def test_whitespace_is_optional_around_symbols() -> None:
    assert parse_filter("metrics.a>=1 AND(tags.b='x')", "runs") == And(
        (c("metric", "a", ">=", 1), c("tag", "b", "=", "x"))
    )


def test_experiment_attributes() -> None:
    node = parse_filter(
        "name ILIKE '%demo%' AND creation_time > 5 AND last_update_time <= 9 "
        "AND tags.team IS NOT NULL",
        "experiments",
    )
    assert node == And(
        (
            c("attribute", "name", "ILIKE", "%demo%"),
            c("attribute", "creation_time", ">", 5),
            c("attribute", "last_update_time", "<=", 9),
            c("tag", "team", "IS NOT NULL", None),
        )
    )


def test_experiment_ids_become_canonical_strings() -> None:
    assert parse_filter("experiment_id IN ('1', '007')", "experiments") == c(
        "attribute", "experiment_id", "IN", ("1", "7")
    )
    assert parse_filter("attribute.experiment_id = 3", "experiments") == c(
        "attribute", "experiment_id", "=", "3"
    )


def test_registry_targets() -> None:
    assert parse_filter("name IN ('a') AND tags.t = 'x'", "registered_models") == And(
        (c("attribute", "name", "IN", ("a",)), c("tag", "t", "=", "x"))
    )
    assert parse_filter("version_number > 2 AND source_path LIKE 's3://%'", "model_versions") == (
        And((c("attribute", "version", ">", 2), c("attribute", "source", "LIKE", "s3://%")))
    )


def test_parse_results_are_shared_for_repeated_filters() -> None:
    text = "metrics.a > 1 OR tags.b = 'c'"
    assert parse_filter(text, "runs") is parse_filter(text, "runs")
