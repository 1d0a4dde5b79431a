"""Every ``--help`` of the ``heron`` command tree fits an 80-column terminal."""

from __future__ import annotations

from collections.abc import Iterator

import click
from click.testing import CliRunner

from heron.cli.main import cli


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _command_paths(command, (*prefix, name))


def test_every_help_fits_80_columns() -> None:
    runner = CliRunner()
    too_wide = []
    paths = [(), *_command_paths(cli)]
    for path in paths:
        result = runner.invoke(cli, [*path, "--help"], terminal_width=80, prog_name="heron")
        assert result.exit_code == 0, (path, result.output)
        too_wide += [
            (" ".join(path), line) for line in result.output.splitlines() if len(line) > 80
        ]
    assert len(paths) > 50  # the whole tree was walked
    assert too_wide == []


def test_command_summaries_are_whole_at_80_columns() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=80, prog_name="heron")
    listed = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert len(listed) > 25
    assert [line for line in listed if line.endswith("...")] == []
