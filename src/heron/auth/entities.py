"""What the auth store returns: users, permissions and tokens, with MLflow's JSON shapes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class User:
    """A user of the server (never carries the password hash out of the store)."""

    id: int
    username: str
    is_admin: bool

    def to_json(self) -> dict[str, Any]:
        """MLflow's JSON form."""
        return {"id": self.id, "username": self.username, "is_admin": self.is_admin}


@dataclass(frozen=True)
class ExperimentPermission:
    """A user's explicit permission on one experiment."""

    experiment_id: str
    user_id: int
    permission: str

    def to_json(self) -> dict[str, Any]:
        """MLflow's JSON form."""
        return {
            "experiment_id": self.experiment_id,
            "user_id": self.user_id,
            "permission": self.permission,
        }


@dataclass(frozen=True)
class RegisteredModelPermission:
    """A user's explicit permission on one registered model."""

    name: str
    user_id: int
    permission: str

    def to_json(self) -> dict[str, Any]:
        """MLflow's JSON form."""
        return {"name": self.name, "user_id": self.user_id, "permission": self.permission}


@dataclass(frozen=True)
class AccessToken:
    """A personal access token's record (its secret is shown once, never stored)."""

    id: int
    user_id: int
    name: str
    created_at: int
    expires_at: int | None

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the token API."""
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
        }
