"""``heron --help`` imports no command module; ``heron <cmd> --help`` imports only its own."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from heron.cli.lazy import LazyCommand, LazyGroup
from heron.cli.main import COMMANDS, cli
from heron.cli.sections import SECTIONS

#: What the root group itself needs: everything else is a command's own module.
ROOT_MODULES = {"heron.cli", "heron.cli.main", "heron.cli.lazy", "heron.cli.sections"}
HEAVY = ("sqlalchemy", "alembic", "pandas", "numpy", "starlette", "fastapi", "uvicorn")


def _modules_after(*arguments: str) -> set[str]:
    script = (
        "import json, sys\n"
        "from heron.cli.main import cli\n"
        f"try:\n    cli({list(arguments)!r}, prog_name='heron')\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: heron" in done.stdout
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _heron_cli_modules(modules: set[str]) -> set[str]:
    return {name for name in modules if name.startswith("heron.cli")}


def test_root_help_imports_no_command_module() -> None:
    modules = _modules_after("--help")
    assert _heron_cli_modules(modules) <= ROOT_MODULES | {"heron.cli.state"}
    assert not {name.partition(".")[0] for name in modules} & set(HEAVY)
    assert not {m for m in modules if m.startswith(("heron.tracking", "heron.store"))}


def test_server_help_imports_only_the_server_module() -> None:
    modules = _modules_after("server", "--help")
    ours = {"heron.cli.server", "heron.cli.refusals", "heron.cli.state"}
    assert _heron_cli_modules(modules) - ROOT_MODULES <= ours
    assert "heron.cli.server" in modules
    assert not {name.partition(".")[0] for name in modules} & set(HEAVY)
    assert not {m for m in modules if m.startswith("heron.server")}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_summary_matches_the_command_help(name: str) -> None:
    command = COMMANDS[name].load(name)
    assert command.name == ("server" if name == "ui" else name)
    for limit in (45, 10_000):
        assert COMMANDS[name].summary(limit) == command.get_short_help_str(limit), (
            f"update the help of {name!r} in heron.cli.main.COMMANDS"
        )


def test_root_help_lists_every_command_in_its_section() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for title, members in SECTIONS.items():
        start = lines.index(f"{title}:")
        listed = []
        for line in lines[start + 1 :]:
            if not line.strip():
                break
            listed.append(line.split()[0])
        assert listed == [m for m in members if m in COMMANDS], title
    for name in COMMANDS:
        assert any(line.split()[:1] == [name] for line in lines), name


def _walk(group: click.Group, path: list[str]) -> list[list[str]]:
    ctx = click.Context(group)
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, [*path, name]
        found.append([*path, name])
        if isinstance(command, click.Group):
            found += _walk(command, [*path, name])
    return found


def test_every_command_shows_its_help() -> None:
    runner = CliRunner()
    paths = _walk(cli, [])
    assert len(paths) > 40
    for path in paths:
        result = runner.invoke(cli, [*path, "--help"], prog_name="heron")
        assert result.exit_code == 0, (path, result.output)
        assert f"Usage: heron {' '.join(path)}" in result.output


def test_a_table_entry_that_is_not_a_command_is_refused() -> None:
    group = LazyGroup("g", lazy_commands={"x": LazyCommand("heron.cli.main:COMMANDS", "X.")})
    with pytest.raises(TypeError, match=r"heron.cli.main:COMMANDS \(command 'x'\)"):
        group.get_command(click.Context(group), "x")
    assert group.command_summary(click.Context(group), "y", 40) is None


def test_eagerly_added_commands_sit_beside_lazy_ones() -> None:
    long_help = "Serve the tracking REST API (MLflow's) and the artifact proxy."
    lazy = LazyCommand("heron.cli.server:server", long_help)
    group = LazyGroup("g", lazy_commands={"server": lazy})
    group.add_command(click.Command("hello", help="Say hello."))
    ctx = click.Context(group)
    assert group.list_commands(ctx) == ["hello", "server"]
    assert group.command_summary(ctx, "hello", 40) == "Say hello."
    assert group.command_summary(ctx, "server", 40) == "Serve the tracking REST API..."
