"""The ``heron`` command line."""

from __future__ import annotations


def main() -> None:
    """Entry point of the ``heron`` console script."""
    from heron.cli.main import cli

    cli(prog_name="heron")
