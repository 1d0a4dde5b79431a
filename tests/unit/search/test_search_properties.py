"""Properties of the grammar checked on generated input."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heron.entities import Run
from heron.search import (
    Comparison,
    matches_run,
    parse_filter,
    parse_order_by,
    sort_runs,
    string_literal,
)

# The factories are stateless functions, so sharing one across examples is safe.
factory_settings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

LEAVES = 6
Tree = int | tuple[str, list["Tree"], bool]

trees = st.recursive(
    st.integers(0, LEAVES - 1),
    lambda kids: st.tuples(
        st.sampled_from(["AND", "and", "OR", "or", "Or"]),
        st.lists(kids, min_size=2, max_size=3),
        st.booleans(),
    ),
    max_leaves=16,
)


def render(tree: Tree, parent: str = "") -> tuple[str, str]:
    """The tree as a Heron filter and as the Python expression it must equal."""
    if isinstance(tree, int):
        return f"tags.t{tree} = 'y'", f"v[{tree}]"
    op, kids, extra_parens = tree
    parts = [render(kid, op.upper()) for kid in kids]
    text = f" {op} ".join(p[0] for p in parts)
    python = f" {op.lower()} ".join(p[1] for p in parts)
    if extra_parens or (parent == "AND" and op.upper() == "OR"):
        return f"({text})", f"({python})"
    return text, python


@factory_settings
@given(tree=trees, truth=st.lists(st.booleans(), min_size=LEAVES, max_size=LEAVES))
def test_and_or_trees_evaluate_like_python_booleans(
    make_run: Callable[..., Run], tree: Tree, truth: list[bool]
) -> None:
    text, python = render(tree)
    run = make_run(tags={f"t{i}": "y" if t else "n" for i, t in enumerate(truth)})
    expected = eval(python, {"v": truth})
    assert matches_run(parse_filter(text, "runs"), run) is expected


@given(st.text())
def test_any_string_survives_string_literal(value: str) -> None:
    node = parse_filter(f"tags.k = {string_literal(value)}", "runs")
    assert node == Comparison("tag", "k", "=", value)


@given(st.text(alphabet=st.characters(blacklist_characters="\\")))
def test_doubled_quotes_escape_in_both_quote_styles(value: str) -> None:
    single = "'" + value.replace("'", "''") + "'"
    double = '"' + value.replace('"', '""') + '"'
    assert parse_filter(f"params.p = {single}", "runs") == Comparison("param", "p", "=", value)
    assert parse_filter(f"params.p = {double}", "runs") == Comparison("param", "p", "=", value)


@factory_settings
@given(
    st.lists(st.none() | st.floats(allow_nan=True, width=32), min_size=0, max_size=40),
    st.booleans(),
)
def test_metric_sort_matches_a_pairwise_reference(
    make_run: Callable[..., Run], values: list[float | None], asc: bool
) -> None:
    runs = [
        make_run(f"r{i:02d}", metrics={} if v is None else {"m": v}, start_time=0)
        for i, v in enumerate(values)
    ]
    order = parse_order_by([f"metrics.m {'ASC' if asc else 'DESC'}"], "runs")
    got = [r.info.run_id for r in sort_runs(runs, order)]
    want = sorted(runs, key=functools.cmp_to_key(functools.partial(reference_cmp, asc)))
    assert got == [r.info.run_id for r in want]


def reference_cmp(asc: bool, a: Run, b: Run) -> int:
    """Values by direction, then NaN, then missing; ties by run id."""

    def rank(run: Run) -> int:
        value = run.data.metrics.get("m")
        return 2 if value is None else 1 if math.isnan(value) else 0

    if rank(a) != rank(b):
        return rank(a) - rank(b)
    if rank(a) == 0 and a.data.metrics["m"] != b.data.metrics["m"]:
        higher = a.data.metrics["m"] > b.data.metrics["m"]
        return (1 if higher else -1) * (1 if asc else -1)
    return -1 if a.info.run_id < b.info.run_id else int(a.info.run_id > b.info.run_id)
