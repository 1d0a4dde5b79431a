"""Rows of the SQL registry store become entities: the fast builders agree with the
constructors, and the JSON copies of tags and aliases (both dialects' spellings) read back."""

from __future__ import annotations

import pytest

from heron.store.registry.sql import rows

ROWS = [
    (1, "m", 3, 10, 20, "d", "u", "Staging", "s3://b", "r", "READY", None, "l", "m-1",
     '{"a":"1","b":"x\\"y"}', '{ "z" : 3, "b" : 3, "c" : 4 }'),
    (1, "m", 4, 10, 20, None, None, "None", None, None, "READY", None, None, None, "{}", "{}"),
    (2, "n", 1, 10, 20, None, None, "None", "s", None, "READY", None, None, None, None, None),
]  # fmt: skip
MODEL_ROWS = [
    (1, "m", 10, 20, "d", "u", '{"a":"1"}', '{"z":3,"b":4}'),
    (2, "n", 10, 20, None, None, None, None),
]


@pytest.mark.parametrize("row", ROWS)
def test_fast_builder_matches_the_constructor(row: tuple[object, ...]) -> None:
    built, constructed = rows.to_version(row), rows.construct_version(row)
    assert built == constructed
    assert repr(built) == repr(constructed)


@pytest.mark.parametrize("row", MODEL_ROWS)
def test_fast_model_builder_matches_the_constructor(row: tuple[object, ...]) -> None:
    latest = [rows.to_version(ROWS[0])]
    built, constructed = rows.to_model(row, latest), rows.construct_model(row, latest)
    assert built == constructed
    assert repr(built) == repr(constructed)
    assert built.latest_versions is latest


def test_model_copies_are_parsed() -> None:
    model = rows.to_model(MODEL_ROWS[0], [])
    assert (model.tags, model.aliases) == ({"a": "1"}, {"z": 3, "b": 4})
    empty = rows.to_model(MODEL_ROWS[1], [])
    assert (empty.tags, empty.aliases) == ({}, {})


def test_aggregates_are_parsed() -> None:
    version = rows.to_version(ROWS[0])
    assert (version.tags, version.aliases) == ({"a": "1", "b": 'x"y'}, ["b", "z"])
    assert rows.to_version(ROWS[1]).aliases == []
    empty = rows.to_version(ROWS[2])
    assert (empty.tags, empty.aliases) == ({}, [])


def test_entities_do_not_share_parsed_values() -> None:
    first, second = rows.to_version(ROWS[0]), rows.to_version(ROWS[0])
    first.tags["c"] = "mutated"
    first.aliases.append("mutated")
    assert "c" not in second.tags
    assert "mutated" not in second.aliases
