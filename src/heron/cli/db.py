"""``heron db``: manage the schema of a tracking database."""

from __future__ import annotations

import click

from heron.cli.import_mlflow import import_mlflow


@click.group("db")
def db() -> None:
    """Manage the schema of a tracking database."""


@db.command("upgrade")
@click.argument("url")
def upgrade(url: str) -> None:
    """Upgrade the database at URL to the latest schema (back it up first)."""
    from heron.store.db import upgrade as upgrade_database

    upgrade_database(url)
    click.echo("Database schema is up to date.")


db.add_command(import_mlflow)
