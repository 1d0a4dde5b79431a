"""matches_run / matches_experiment: the reference semantics of a filter."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from heron.entities import Experiment, Run
from heron.search import Comparison, like_regex, matches_experiment, matches_run, parse_filter

MakeRun = Callable[..., Run]


def runs_matching(text: str, runs: list[Run]) -> list[str]:
    node = parse_filter(text, "runs")
    return [run.info.run_id for run in runs if matches_run(node, run)]


@pytest.mark.parametrize(
    ("pattern", "value", "like", "ilike"),
    [
        ("abc", "abc", True, True),
        ("abc", "ABC", False, True),
        ("a%", "a", True, True),
        ("a%", "abcdef", True, True),
        ("%c", "abc", True, True),
        ("%b%", "abc", True, True),
        ("a_c", "abc", True, True),
        ("a_c", "ac", False, False),
        ("a_c", "abbc", False, False),
        ("a.c", "abc", False, False),
        ("a.c", "a.c", True, True),
        ("a*", "aaa", False, False),
        ("(x)+[y]?", "(x)+[y]?", True, True),
        ("^a$", "^a$", True, True),
        ("a\\%", "a\\bc", True, True),
        ("a%", "a\nb", True, True),
        ("", "", True, True),
        ("%", "", True, True),
        ("_", "", False, False),
        ("straße", "STRASSE", False, False),
        ("Ä%", "äx", False, True),
    ],
)
def test_like_and_ilike(pattern: str, value: str, like: bool, ilike: bool) -> None:
    assert (like_regex(pattern).fullmatch(value) is not None) is like
    assert (like_regex(pattern, True).fullmatch(value) is not None) is ilike


def test_like_is_case_sensitive_and_ilike_is_not(make_run: MakeRun) -> None:
    runs = [make_run("a", tags={"t": "Alpha"}), make_run("b", tags={"t": "alpha"})]
    assert runs_matching("tags.t LIKE 'A%'", runs) == ["a"]
    assert runs_matching("tags.t ILIKE 'A%'", runs) == ["a", "b"]
    assert runs_matching("tags.t = 'alpha'", runs) == ["b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metrics.m > 1", ["two"]),
        ("metrics.m >= 1", ["one", "two"]),
        ("metrics.m = 1", ["one"]),
        ("metrics.m != 1", ["two", "nan"]),
        ("metrics.m < 5", ["one", "two"]),
        ("metrics.m <= 1.0", ["one"]),
    ],
)
def test_metric_comparisons_missing_and_nan(
    make_run: MakeRun, text: str, expected: list[str]
) -> None:
    runs = [
        make_run("one", metrics={"m": 1.0}),
        make_run("two", metrics={"m": 2.5}),
        make_run("nan", metrics={"m": math.nan}),
        make_run("none", metrics={"other": 1.0}),
    ]
    assert runs_matching(text, runs) == expected


def test_missing_param_or_tag_matches_only_is_null(make_run: MakeRun) -> None:
    runs = [make_run("has", params={"p": "x"}), make_run("lacks")]
    assert runs_matching("params.p != 'y'", runs) == ["has"]
    assert runs_matching("params.p LIKE '%'", runs) == ["has"]
    assert runs_matching("params.p IS NULL", runs) == ["lacks"]
    assert runs_matching("params.p IS NOT NULL", runs) == ["has"]


def test_string_attributes(make_run: MakeRun) -> None:
    runs = [
        make_run("a1", status="FINISHED", run_name="alpha"),
        make_run("b2", status="RUNNING", run_name="Beta", user_id="bob"),
    ]
    assert runs_matching("status = 'RUNNING'", runs) == ["b2"]
    assert runs_matching("`Run name` ILIKE 'b%'", runs) == ["b2"]
    assert runs_matching("run_id IN ('a1', 'zz')", runs) == ["a1"]
    assert runs_matching("run_id NOT IN ('a1')", runs) == ["b2"]
    assert runs_matching("user_id != 'bob'", runs) == ["a1"]
    assert runs_matching("artifact_uri LIKE '%/b2'", runs) == ["b2"]


def test_unset_attributes_never_match(make_run: MakeRun) -> None:
    runs = [make_run("done", end_time=50), make_run("running", end_time=None, run_name=None)]
    assert runs_matching("end_time != 1", runs) == ["done"]
    assert runs_matching("end_time < 100", runs) == ["done"]
    assert runs_matching("run_name != 'x'", runs) == ["done"]


def test_numeric_attributes(make_run: MakeRun) -> None:
    runs = [make_run("early", start_time=10), make_run("late", start_time=20)]
    assert runs_matching("created > 10", runs) == ["late"]
    assert runs_matching("start_time <= 10", runs) == ["early"]


def test_datasets_match_if_any_input_matches(make_run: MakeRun) -> None:
    runs = [
        make_run("two", datasets=(("iris", "d1", "training"), ("wine", "d2", "eval"))),
        make_run("one", datasets=(("iris", "d3", None),)),
        make_run("zero"),
    ]
    assert runs_matching("datasets.name = 'wine'", runs) == ["two"]
    assert runs_matching("datasets.name != 'iris'", runs) == ["two"]
    assert runs_matching("datasets.context = 'training'", runs) == ["two"]
    assert runs_matching("datasets.context != 'training'", runs) == ["two"]
    assert runs_matching("datasets.digest IN ('d3', 'd9')", runs) == ["one"]
    assert runs_matching("datasets.name LIKE 'i%'", runs) == ["two", "one"]


def test_or_and_parentheses(make_run: MakeRun) -> None:
    runs = [
        make_run("a", metrics={"m": 1}, tags={"t": "x"}),
        make_run("b", metrics={"m": 5}, tags={"t": "y"}),
        make_run("c", metrics={"m": 9}, tags={"t": "x"}),
    ]
    assert runs_matching("metrics.m < 2 OR metrics.m > 8 AND tags.t = 'y'", runs) == ["a"]
    assert runs_matching("(metrics.m < 2 OR metrics.m > 8) AND tags.t = 'x'", runs) == ["a", "c"]


def test_no_filter_matches_everything(
    make_run: MakeRun, make_experiment: Callable[..., Experiment]
) -> None:
    assert matches_run(None, make_run())
    assert matches_experiment(None, make_experiment())


def test_experiment_filters(make_experiment: Callable[..., Experiment]) -> None:
    exps = [
        make_experiment("1", name="Demo", tags={"team": "a"}),
        make_experiment("12", name="prod", creation_time=500),
    ]

    def ids(text: str) -> list[str]:
        node = parse_filter(text, "experiments")
        return [e.experiment_id for e in exps if matches_experiment(node, e)]

    assert ids("name ILIKE 'demo'") == ["1"]
    assert ids("experiment_id IN ('012')") == ["12"]
    assert ids("experiment_id != '1'") == ["12"]
    assert ids("creation_time > 100") == ["12"]
    assert ids("tags.team IS NULL") == ["12"]
    assert ids("tags.team = 'a' OR name = 'prod'") == ["1", "12"]


def test_hand_built_comparison_on_unknown_dataset_key_is_a_bug(make_run: MakeRun) -> None:
    run = make_run(datasets=(("iris", "d", None),))
    with pytest.raises(ValueError, match="Unknown dataset key"):
        matches_run(Comparison("dataset", "size", "=", "1"), run)
