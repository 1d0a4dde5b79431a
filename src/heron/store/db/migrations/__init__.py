"""Heron's alembic migrations; run them with :func:`heron.store.db.upgrade`."""
