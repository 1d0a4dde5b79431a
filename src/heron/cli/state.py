"""What every command shares: the tracking URI chosen on the command line, and its client."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from heron.tracking.client import MlflowClient


@dataclass
class CliState:
    """The root command's options, handed to every subcommand.

    Args:
        tracking_uri: ``--tracking-uri``; None means the environment or the default.
    """

    tracking_uri: str | None = None
    _client: MlflowClient | None = field(default=None, repr=False)

    def client(self) -> MlflowClient:
        """The client for the chosen tracking URI, created on first use."""
        if self._client is None:
            from heron.tracking.client import MlflowClient

            self._client = MlflowClient(tracking_uri=self.tracking_uri)
        return self._client


pass_state = click.make_pass_decorator(CliState, ensure=True)
"""Decorator giving a command the :class:`CliState` as its first argument."""

VIEW_CHOICE = click.Choice(["active_only", "deleted_only", "all"], case_sensitive=False)
"""The values of ``--view``, as MLflow spells them."""
VIEW_HELP = "Which lifecycle stages to show."
