"""parse_filter: what it refuses, and messages that name and point at the bad token."""

from __future__ import annotations

import re

import pytest

from heron.exceptions import InvalidParameter
from heron.search import parse_filter

RUN_CASES = [
    # (filter, fragment the message must contain)
    ("foo.x = 1", "unknown entity 'foo' in 'foo.x' at position 0"),
    ("`met`.x = 1", "unknown entity 'met'"),
    ("run names = 'x'", "unknown attribute 'run' at position 0"),
    ("tags.run name = 'x'", "unexpected token 'name' at position 9; expected a comparator"),
    ("bogus = 'x'", "unknown attribute 'bogus' at position 0; expected one of run_id"),
    ("lifecycle_stage = 'active'", "lifecycle_stage is not filterable; use run_view_type"),
    ("datasets.size = 'x'", "unknown dataset key 'size' at position 0"),
    ("metrics.rmse <> 1", "unexpected token '<>' at position 13; expected a comparator (=, !="),
    ("metrics.rmse == 1", "unexpected token '==' at position 13"),
    ("metrics.rmse LIKE 'a'", "comparator 'LIKE' at position 13 is not allowed for metrics"),
    ("params.p > 'a'", "comparator '>' at position 9 is not allowed for params"),
    ("tags.t IN ('a')", "comparator 'IN' at position 7 is not allowed for tags"),
    ("run_name IN ('a')", "comparator 'IN' at position 9 is not allowed for attribute 'run_name'"),
    ("status IS NULL", "comparator 'IS NULL' at position 7 is not allowed for attribute 'status'"),
    ("start_time LIKE '1'", "comparator 'LIKE' at position 11 is not allowed"),
    ("metrics.m IS NULL", "comparator 'IS NULL' at position 10 is not allowed for metrics"),
    ("params.p = abc", "unexpected token 'abc' at position 11; expected a quoted string value"),
    ("params.p = 1", "unexpected token '1' at position 11; expected a quoted string value"),
    ("status = `FINISHED`", "unexpected token '`FINISHED`' at position 9"),
    ("metrics.m = '1'", "unexpected token \"'1'\" at position 12; expected an unquoted number"),
    ("start_time > 1.5", "unexpected token '1.5' at position 13; expected an integer"),
    ("start_time > 1e3", "unexpected token '1e3' at position 13; expected an integer"),
    ("run_id IN ()", "unexpected token ')' at position 11; expected a quoted string (IN lists"),
    ("run_id IN ('a',)", "unexpected token ')' at position 15; expected a quoted string"),
    ("run_id IN ('a' 'b')", "unexpected token \"'b'\" at position 15; expected ',' or ')'"),
    ("run_id IN 'a'", "unexpected token \"'a'\" at position 10; expected '('"),
    ("run_id IN (1, 2)", "unexpected token '1' at position 11; expected a quoted string"),
    ("run_id IN ('a'", "unexpected end of filter at position 14; expected ',' or ')'"),
    ("tags.t = 'abc", "unterminated string starting at position 9"),
    ("tags.`t = 'abc'", "unterminated string starting at position 5"),
    ("metrics.m > 1 metrics.n > 1", "unexpected token 'metrics.n' at position 14; expected AND"),
    ("metrics.m > 1 2", "unexpected token '2' at position 14"),
    ("metrics.m > 1 AND", "unexpected end of filter at position 17; expected an identifier"),
    ("OR metrics.m > 1", "unexpected token 'OR' at position 0; expected an identifier"),
    ("metrics.m > 1 AND OR metrics.n > 1", "unexpected token 'OR' at position 18"),
    ("metrics.m > 1 OR", "unexpected end of filter at position 16"),
    ("(metrics.m > 1", "unexpected end of filter at position 14; expected AND, OR or ')' to close"),
    ("((metrics.m > 1)", "to close '(' at position 0"),
    ("metrics.m > 1)", "unexpected token ')' at position 13; expected AND, OR or the end"),
    ("()", "unexpected token ')' at position 1; expected an identifier"),
    ("NOT metrics.m > 1", "unexpected token 'NOT' at position 0"),
    ("params.p NOT LIKE 'a'", "unexpected token 'LIKE' at position 13; expected IN after NOT"),
    ("params.p IS 'a'", "unexpected token \"'a'\" at position 12; expected NULL or NOT NULL"),
    ("params.p IS NOT 'a'", "unexpected token \"'a'\" at position 16; expected NULL"),
    ("metrics.m >", "unexpected end of filter at position 11; expected an unquoted number"),
    ("metrics.m", "unexpected end of filter at position 9; expected a comparator"),
    ("metrics. = 1", "expected a key after '.' at position 7"),
    ("metrics.`a`.b = 1", "malformed key in 'metrics.`a`.b' at position 0"),
    ("metrics.`` = 1", "empty key in 'metrics.``' at position 0"),
    ("metrics.m > 1x", "invalid number '1x' at position 12"),
    ("metrics.m > 1.2.3", "invalid number '1.2.3' at position 12"),
    ("metrics.m ; 1", "unexpected character ';' at position 10"),
    ("'quoted' = 'x'", "unexpected token \"'quoted'\" at position 0; expected an identifier"),
    ("tags.t = 'x' AND", "unexpected end of filter at position 16"),
]


@pytest.mark.parametrize(("text", "fragment"), RUN_CASES)
def test_run_filter_errors_point_at_the_token(text: str, fragment: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        parse_filter(text, "runs")
    assert info.value.message.startswith(f"Invalid filter '{text}': ")
    assert fragment in info.value.message
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


EXPERIMENT_CASES = [
    ("metrics.m > 1", "unknown entity 'metrics'"),
    ("params.p = 'a'", "unknown entity 'params'"),
    ("run_id = 'a'", "unknown attribute 'run_id' at position 0; expected one of name"),
    ("name IN ('a')", "comparator 'IN' at position 5 is not allowed for attribute 'name'"),
    ("experiment_id LIKE '1'", "comparator 'LIKE' at position 14 is not allowed"),
    ("experiment_id = 'abc'", "unexpected token \"'abc'\" at position 16; expected an integer id"),
    ("experiment_id IN ('1', 'x')", "unexpected token \"'x'\" at position 23"),
    ("creation_time > '5'", "expected an unquoted integer for attribute 'creation_time'"),
]


@pytest.mark.parametrize(("text", "fragment"), EXPERIMENT_CASES)
def test_experiment_filter_errors(text: str, fragment: str) -> None:
    with pytest.raises(InvalidParameter, match=re.escape(fragment)):
        parse_filter(text, "experiments")


def test_registered_model_tags_have_no_null_checks() -> None:
    with pytest.raises(InvalidParameter, match="'IS NULL' at position 7 is not allowed"):
        parse_filter("tags.t IS NULL", "registered_models")


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    text = "(" * 500 + "metrics.m > 1" + ")" * 500
    with pytest.raises(InvalidParameter, match="nested deeper than 100"):
        parse_filter(text, "runs")


def test_nesting_up_to_the_limit_parses() -> None:
    text = "(" * 100 + "metrics.m > 1" + ")" * 100
    assert parse_filter(text, "runs") is not None


def test_long_hostile_input_fails_fast() -> None:
    text = "tags.t = '" + "\\" * 100_000
    with pytest.raises(InvalidParameter, match="unterminated string"):
        parse_filter(text, "runs")
