"""Alembic's entry point for Heron's migrations.

Heron runs migrations programmatically (:func:`heron.store.db.migrate.run_migrations`),
always with a connection already in a transaction, so there is no ``alembic.ini`` and no
offline mode.
"""

from __future__ import annotations

from alembic import context

from heron.store.db.schema import metadata


def run_migrations() -> None:
    """Run the pending migrations on the connection the caller passed in."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("Run Heron's migrations with heron.store.db.upgrade(uri)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
