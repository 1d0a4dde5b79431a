"""Entry-point parameters: defaults, types, quoting, extra parameters, path and uri checks."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from heron.exceptions import ExecutionException
from heron.projects.parameters import compute_command, compute_parameters, parse_parameter
from heron.projects.spec import EntryPoint


def _entry(command: str, **declared: object) -> EntryPoint:
    return EntryPoint("main", {k: parse_parameter(k, v) for k, v in declared.items()}, command)


def test_defaults_fill_in_and_extra_parameters_are_appended() -> None:
    entry = _entry(
        "python train.py -r {regularization}", regularization={"type": "float", "default": 0.1}
    )
    command = compute_command(entry, {"depth": "5"}, None)
    assert command == "python train.py -r 0.1 --depth 5"


def test_values_and_extra_keys_are_shell_quoted() -> None:
    entry = _entry("echo {msg}", msg="string")
    command = compute_command(entry, {"msg": "a b; rm -rf /", "x;y": "$(id)"}, None)
    assert shlex.split(command) == ["echo", "a b; rm -rf /", "--x;y", "$(id)"]


def test_missing_required_parameters_are_named() -> None:
    entry = _entry("python x.py {a} {b}", a="string", b="path", c={"type": "float", "default": 1})
    with pytest.raises(ExecutionException, match="No value given for missing parameters: 'a', 'b'"):
        compute_parameters(entry, {}, None)


@pytest.mark.parametrize("value", ["abc", "nan", "inf", ""])
def test_a_float_parameter_refuses_non_numbers(value: str) -> None:
    entry = _entry("x {lr}", lr="float")
    with pytest.raises(ExecutionException, match="Parameter 'lr' must be a float"):
        compute_parameters(entry, {"lr": value}, None)


def test_a_float_parameter_keeps_the_text_given() -> None:
    declared, _ = compute_parameters(_entry("x {lr}", lr="float"), {"lr": "1e-3"}, None)
    assert declared == {"lr": "1e-3"}


def test_path_parameters_are_made_absolute_and_must_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data.csv").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    entry = _entry("x {data}", data="path")
    declared, _ = compute_parameters(entry, {"data": "data.csv"}, None)
    assert declared["data"] == str(tmp_path / "data.csv")
    with pytest.raises(
        ExecutionException, match=r"Got value nope\.csv for parameter data, but no such"
    ):
        compute_parameters(entry, {"data": "nope.csv"}, None)


def test_uri_parameters_must_look_like_uris() -> None:
    entry = _entry("x {src}", src="uri")
    assert (
        compute_parameters(entry, {"src": "s3://bucket/key"}, None)[0]["src"] == "s3://bucket/key"
    )
    with pytest.raises(ExecutionException, match="Expected URI for parameter src but got"):
        compute_parameters(entry, {"src": "not a uri"}, None)


def test_a_placeholder_without_a_parameter_is_named() -> None:
    with pytest.raises(ExecutionException, match="uses \\{ghost\\}"):
        compute_command(_entry("x {ghost}"), {}, None)
