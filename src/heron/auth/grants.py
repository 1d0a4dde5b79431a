"""Explicit permissions of users on experiments and registered models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from heron.auth import schema
from heron.auth.entities import ExperimentPermission, RegisteredModelPermission
from heron.auth.permissions import get_permission
from heron.exceptions import AlreadyExists, InvalidParameter, NotFound

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

EXPERIMENT = "experiment"
REGISTERED_MODEL = "registered_model"
RESOURCE_TYPES = (EXPERIMENT, REGISTERED_MODEL)


def _table_and_key(resource_type: object) -> tuple[sa.Table, sa.Column[Any]]:
    if resource_type == EXPERIMENT:
        return schema.experiment_permissions, schema.experiment_permissions.c.experiment_id
    if resource_type == REGISTERED_MODEL:
        return schema.registered_model_permissions, schema.registered_model_permissions.c.name
    raise InvalidParameter(
        f"Invalid resource_type '{resource_type}'. Valid types are: {', '.join(RESOURCE_TYPES)}"
    )


def _resource_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value or len(value) > 255:
        raise InvalidParameter("resource_id must be a non-empty string of at most 255 characters.")
    return value


class Grants:
    """Per-resource permissions, keyed by (resource type, resource id, user id).

    Args:
        engine: The auth database.
    """

    def __init__(self, engine: Engine):
        self.engine = engine

    def create(
        self, resource_type: str, resource_id: object, user_id: int, permission: object
    ) -> None:
        """Grant ``permission``; AlreadyExists when the user already has one there."""
        table, key = _table_and_key(resource_type)
        rid = _resource_id(resource_id)
        name = get_permission(permission).name
        with self.engine.begin() as conn:
            if self._row(conn, table, key, rid, user_id) is not None:
                raise AlreadyExists(
                    f"{resource_type} permission ({rid}, {user_id}) already exists.",
                    "RESOURCE_ALREADY_EXISTS",
                )
            conn.execute(
                sa.insert(table).values({key.name: rid, "user_id": user_id, "permission": name})
            )

    def put(
        self, resource_type: str, resource_id: object, user_id: int, permission: object
    ) -> None:
        """Grant ``permission``, replacing any the user had there."""
        table, key = _table_and_key(resource_type)
        rid = _resource_id(resource_id)
        name = get_permission(permission).name
        with self.engine.begin() as conn:
            where = sa.and_(key == rid, table.c.user_id == user_id)
            if conn.execute(sa.update(table).where(where).values(permission=name)).rowcount == 0:
                conn.execute(
                    sa.insert(table).values({key.name: rid, "user_id": user_id, "permission": name})
                )

    def update(
        self, resource_type: str, resource_id: object, user_id: int, permission: object
    ) -> None:
        """Change an existing permission; NotFound when there is none."""
        table, key = _table_and_key(resource_type)
        rid = _resource_id(resource_id)
        name = get_permission(permission).name
        with self.engine.begin() as conn:
            where = sa.and_(key == rid, table.c.user_id == user_id)
            if conn.execute(sa.update(table).where(where).values(permission=name)).rowcount == 0:
                raise NotFound(f"{resource_type} permission ({rid}, {user_id}) not found")

    def delete(self, resource_type: str, resource_id: object, user_id: int) -> None:
        """Remove a permission; NotFound when there is none."""
        table, key = _table_and_key(resource_type)
        rid = _resource_id(resource_id)
        with self.engine.begin() as conn:
            where = sa.and_(key == rid, table.c.user_id == user_id)
            if conn.execute(sa.delete(table).where(where)).rowcount == 0:
                raise NotFound(f"{resource_type} permission ({rid}, {user_id}) not found")

    def get(self, resource_type: str, resource_id: object, user_id: int) -> str | None:
        """The user's explicit permission name there, or None."""
        table, key = _table_and_key(resource_type)
        with self.engine.connect() as conn:
            row = self._row(conn, table, key, _resource_id(resource_id), user_id)
        return None if row is None else str(row.permission)

    def all_for_user(self, resource_type: str, user_id: int) -> dict[str, str]:
        """Every explicit permission of the user on resources of that type, by resource id."""
        table, key = _table_and_key(resource_type)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(key, table.c.permission).where(table.c.user_id == user_id)
            )
            return {str(r[0]): str(r[1]) for r in rows}

    def experiment_permissions(self, user_id: int) -> list[ExperimentPermission]:
        """The user's explicit experiment permissions."""
        found = self.all_for_user(EXPERIMENT, user_id)
        return [ExperimentPermission(k, user_id, v) for k, v in sorted(found.items())]

    def registered_model_permissions(self, user_id: int) -> list[RegisteredModelPermission]:
        """The user's explicit registered model permissions."""
        found = self.all_for_user(REGISTERED_MODEL, user_id)
        return [RegisteredModelPermission(k, user_id, v) for k, v in sorted(found.items())]

    def rename_model(self, old_name: str, new_name: str) -> None:
        """Carry a registered model's permissions over to its new name."""
        table = schema.registered_model_permissions
        with self.engine.begin() as conn:
            conn.execute(sa.update(table).where(table.c.name == old_name).values(name=new_name))

    def forget(self, resource_type: str, resource_id: str) -> None:
        """Drop every permission on a deleted resource."""
        table, key = _table_and_key(resource_type)
        with self.engine.begin() as conn:
            conn.execute(sa.delete(table).where(key == resource_id))

    @staticmethod
    def _row(conn: Any, table: sa.Table, key: sa.Column[Any], rid: str, user_id: int) -> Any:
        where = sa.and_(key == rid, table.c.user_id == user_id)
        return conn.execute(sa.select(table.c.permission).where(where)).first()
