"""A click group whose subcommands are imported on first use.

``heron --help`` lists every command from a table of names, import paths and one-line
summaries, so it imports none of them; ``heron server --help`` imports only the server's
module. A test checks that each summary still matches its command's own help.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True)
class LazyCommand:
    """Where a subcommand lives and what ``--help`` says of it before it is imported.

    Args:
        target: ``"package.module:attribute"``, the click command object.
        help: The first paragraph of the command's help (shortened to fit, as click does).
        short_help: The command's own ``short_help``, when it sets one (shown whole).
    """

    target: str
    help: str | None = None
    short_help: str | None = None

    def summary(self, limit: int) -> str:
        """The line ``--help`` shows for the command, as click would show it once loaded.

        Args:
            limit: The width the line is shortened to.
        """
        placeholder = click.Command(None, help=self.help, short_help=self.short_help)
        return placeholder.get_short_help_str(limit)

    def load(self, name: str) -> click.Command:
        """Import the command's module and return the command.

        Args:
            name: The name the group knows the command by (for the error message).

        Raises:
            TypeError: When the target is not a click command (a wrong table entry).
        """
        module_name, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} (command {name!r}) is not a click command")
        return command


class LazyGroup(click.Group):
    """A :class:`click.Group` that also knows commands by :class:`LazyCommand` entries.

    Commands added with :meth:`add_command` work as in any group; lazy ones are imported
    when :meth:`get_command` first asks for them, and cached.

    Args:
        lazy_commands: Command name -> where it lives and its summary.
        **kwargs: Passed to :class:`click.Group`.
    """

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, LazyCommand] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, LazyCommand] = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The names of the loaded and the lazy commands, sorted."""
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command called ``cmd_name``, importing its module if it is a lazy one."""
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.commands[cmd_name] = self.lazy_commands[cmd_name].load(cmd_name)
        return self.commands.get(cmd_name)

    def command_summary(self, ctx: click.Context, cmd_name: str, limit: int) -> str | None:
        """The one-line help of a command without importing it (None: no such command).

        Args:
            ctx: The click context.
            cmd_name: The command's name.
            limit: The width the line is shortened to, as click does.
        """
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            return self.lazy_commands[cmd_name].summary(limit)
        command = self.get_command(ctx, cmd_name)
        if command is None or command.hidden:
            return None
        return command.get_short_help_str(limit)
