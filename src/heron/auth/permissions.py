"""The permission levels MLflow's basic-auth app defines, with their capabilities."""

from __future__ import annotations

from dataclasses import dataclass

from heron.exceptions import InvalidParameter


@dataclass(frozen=True)
class Permission:
    """A permission level and what it allows.

    Attributes:
        name: MLflow's name (``READ``, ``USE``, ``EDIT``, ``MANAGE``, ``NO_PERMISSIONS``).
        can_read: See the resource and what it holds.
        can_use: Use it (e.g. load a model) besides reading.
        can_update: Change it (log to runs, edit tags, create versions).
        can_delete: Delete or restore it.
        can_manage: Grant and revoke permissions on it.
    """

    name: str
    can_read: bool
    can_use: bool
    can_update: bool
    can_delete: bool
    can_manage: bool

    def allows(self, action: str) -> bool:
        """Whether this level allows ``action`` (``read``, ``use``, ``update``, ``delete``,
        ``manage``)."""
        return bool(getattr(self, f"can_{action}"))


READ = Permission("READ", True, False, False, False, False)
USE = Permission("USE", True, True, False, False, False)
EDIT = Permission("EDIT", True, True, True, False, False)
MANAGE = Permission("MANAGE", True, True, True, True, True)
NO_PERMISSIONS = Permission("NO_PERMISSIONS", False, False, False, False, False)

ALL_PERMISSIONS: dict[str, Permission] = {
    p.name: p for p in (READ, USE, EDIT, MANAGE, NO_PERMISSIONS)
}
ACTIONS = ("read", "use", "update", "delete", "manage")


def get_permission(name: object) -> Permission:
    """The permission called ``name``.

    Raises:
        InvalidParameter: ``name`` is not one of MLflow's permission names.
    """
    found = ALL_PERMISSIONS.get(name) if isinstance(name, str) else None
    if found is None:
        valid = ", ".join(ALL_PERMISSIONS)
        raise InvalidParameter(f"Invalid permission '{name}'. Valid permissions are: {valid}")
    return found
