"""Hostile variants of one request field, by the field's kind, for the generated wire corpus.

Each kind yields ``(label, value)`` pairs; :data:`MISSING` drops the field. ``{u}`` in a
value is replaced by a token unique to the call, so that keys accepted by both servers do
not collide with later calls (a collision would turn one difference into many).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MISSING = object()
Variants = list[tuple[str, Any]]

_ABSENT: Variants = [("missing", MISSING), ("null", None)]
_NOT_STRING: Variants = [
    ("int", 5),
    ("float", 1.5),
    ("bool", True),
    ("list", ["a"]),
    ("object", {"a": 1}),
]


def identifier(valid: str, unknown: str) -> Variants:
    """An id field (run, experiment, model): absent, mistyped, unknown, malformed."""
    return [
        ("valid", valid),
        *_ABSENT,
        ("empty", ""),
        ("unknown", unknown),
        # A number no server has as an id: a small one would name whatever the shared
        # servers' other tests created there (different on each), not a wire difference.
        ("int", 987654321),
        ("list", [valid]),
        ("object", {"id": valid}),
        ("bool", False),
        ("spaces", f" {valid} "),
        ("traversal", "../" + valid),
        ("long", "a" * 300),
        ("unicode", "ид"),
        ("nul", "a\x00b"),
    ]


def experiment_id(valid: str) -> Variants:
    """An experiment id: the id variants plus number-like spellings."""
    return [
        *identifier(valid, "987654321"),
        ("as-number", valid + "#int"),
        ("negative", "-1"),
        ("float", "1.5"),
        ("huge", "99999999999999999999999"),
        ("hex", "0x10"),
        ("leading-zero", "0" + valid.strip("{}")),
    ]


def key(limit: int = 250) -> Variants:
    """A metric/param/tag key: the validation rules of section 8.1 of the reference."""
    return [
        *_ABSENT,
        ("empty", ""),
        ("int", 5),
        ("list", ["k"]),
        ("unicode", "ключ{u}"),
        ("cjk", "日本{u}"),
        ("emoji", "e😀{u}"),
        ("space", "a b{u}"),
        ("colon", "a:b{u}"),
        ("punctuation", "a.b-c_d{u}"),
        ("slash", "a/b{u}"),
        ("dot-dot-segment", "a/../b{u}"),
        ("leading-slash", "/x{u}"),
        ("dot", "."),
        ("dot-dot", ".."),
        ("double-slash", "a//b{u}"),
        ("trailing-slash", "a{u}/"),
        ("dot-segment", "a/./b{u}"),
        ("nul", "a\x00{u}"),
        ("newline", "a\n{u}"),
        ("tab", "a\t{u}"),
        ("quote", "a'b{u}"),
        ("backtick", "a`b{u}"),
        ("backslash", "a\\b{u}"),
        ("percent", "a%2e{u}"),
        ("leading-space", " k{u}"),
        ("zero-width", "a\u200b{u}"),
        ("lone-surrogate", "a\ud800{u}"),
        ("at-limit", "{u}" + "k" * (limit - 4)),
        ("over-limit", "{u}" + "k" * (limit - 3)),
        ("far-over", "{u}" + "k" * 1000),
    ]


def text(limits: tuple[int, ...] = ()) -> Variants:
    """A free-text value (param/tag value, description): types, characters and lengths."""
    lengths = [(f"len-{n}", "v" * n) for limit in limits for n in (limit, limit + 1)]
    return [
        *_ABSENT,
        *_NOT_STRING,
        ("empty", ""),
        ("unicode", "значение ✓ 日本"),
        ("control", "a\x00b\x1f\n\t"),
        ("lone-surrogate", "\udc80"),
        *lengths,
    ]


def name(limit: int) -> Variants:
    """An entity name (experiment, registered model, logged model)."""
    return [
        *_ABSENT,
        *_NOT_STRING[:3],
        ("empty", ""),
        ("blank", "   "),
        ("unicode", "имя-{u}"),
        ("slash", "a/b{u}"),
        ("colon", "a:b{u}"),
        ("dot", "a.b{u}"),
        ("dot-dot", "..{u}"),
        ("percent", "a%b{u}"),
        ("quote", "a'b\"{u}"),
        ("nul", "a\x00{u}"),
        ("newline", "a\n{u}"),
        ("at-limit", "{u}" + "n" * (limit - 4)),
        ("over-limit", "{u}" + "n" * (limit - 3)),
    ]


def integer() -> Variants:
    """An int64 field (timestamp, step, start_time, end_time)."""
    return [
        *_ABSENT,
        ("zero", 0),
        ("negative", -1),
        ("float", 1.5),
        ("float-integral", 2.0),
        ("exponent", 1e3),
        ("string", "12"),
        ("string-negative", "-3"),
        ("string-float", "1.5"),
        ("string-word", "abc"),
        ("empty", ""),
        ("max", 2**63 - 1),
        ("over-max", 2**63),
        ("min", -(2**63)),
        ("huge", 2**70),
        ("bool", True),
        ("list", [1]),
    ]


def double() -> Variants:
    """A double field (metric value)."""
    return [
        *_ABSENT,
        ("int", 3),
        ("negative", -2.5),
        ("NaN-string", "NaN"),
        ("nan-lower", "nan"),
        ("Infinity-string", "Infinity"),
        ("-Infinity-string", "-Infinity"),
        ("inf-lower", "inf"),
        ("NaN-literal", float("nan")),
        ("Infinity-literal", float("inf")),
        ("-Infinity-literal", float("-inf")),
        ("string-number", "1.5"),
        ("string-word", "abc"),
        ("empty", ""),
        ("max", 1.7976931348623157e308),
        ("tiny", 5e-324),
        ("negative-zero", -0.0),
        ("bigint", 2**70),
        ("bool", True),
        ("list", [1.0]),
    ]


def enum(valid: str, *others: Any) -> Variants:
    """An enum field: the name, other spellings and numbers, unknown names, wrong types."""
    return [
        ("valid", valid),
        *_ABSENT,
        ("lower", valid.lower()),
        ("unknown", "BOGUS"),
        ("empty", ""),
        ("number", 1),
        ("out-of-range-number", 99),
        ("list", [valid]),
        *[(f"other-{other}", other) for other in others],
    ]


def boolean() -> Variants:
    """A bool field."""
    return [
        ("true", True),
        ("false", False),
        *_ABSENT,
        ("string-true", "true"),
        ("string-word", "yes"),
        ("int", 1),
        ("list", [True]),
    ]


def entries(make: Callable[[str, str], dict[str, Any]]) -> Variants:
    """A repeated key/value message field (tags, params): list shapes and bad elements."""
    return [
        *_ABSENT,
        ("empty-list", []),
        ("object", make("k{u}", "v")),
        ("string", "k=v"),
        ("null-element", [None]),
        ("empty-element", [{}]),
        ("string-element", ["k"]),
        ("no-value", [{"key": "k{u}"}]),
        ("null-value", [{"key": "k{u}", "value": None}]),
        ("no-key", [{"value": "v"}]),
        ("bad-key", [make("a/../b{u}", "v")]),
        ("int-value", [{"key": "k{u}", "value": 3}]),
        ("duplicate-same", [make("d{u}", "v"), make("d{u}", "v")]),
        ("duplicate-differ", [make("e{u}", "1"), make("e{u}", "2")]),
        ("unknown-field", [{**make("f{u}", "v"), "extra": 1}]),
    ]


def query(variants: Variants) -> Variants:
    """The variants that a query string can carry (strings; lists become repeated keys)."""
    result: Variants = []
    for label, value in variants:
        if value is None or isinstance(value, dict | bool | float):
            continue
        if isinstance(value, list):
            result.append((label, [str(item) for item in value]))
        elif isinstance(value, str) and any("\ud800" <= char <= "\udfff" for char in value):
            continue  # a lone surrogate has no UTF-8 spelling in a URL
        else:
            result.append((label, value if value is MISSING else str(value)))
    return result
