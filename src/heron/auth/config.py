"""The basic-auth app's configuration, read like MLflow's ``basic_auth.ini``.

The file is ``HERON_AUTH_CONFIG_PATH`` (or ``MLFLOW_AUTH_CONFIG_PATH``); without one the
defaults below apply. Its ``[mlflow]`` section (``[heron]`` is accepted too) holds
``default_permission``, ``database_uri``, ``admin_username``, ``admin_password`` and
``authorization_function``; ``HERON_/MLFLOW_AUTH_ADMIN_USERNAME`` and ``..._PASSWORD`` override
the admin's. Only MLflow's default authorization function (HTTP Basic) is supported.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass

from heron import config
from heron.auth.permissions import get_permission
from heron.exceptions import InvalidParameter

DEFAULT_DATABASE_URI = "sqlite:///basic_auth.db"
DEFAULT_AUTHORIZATION_FUNCTION = "mlflow.server.auth:authenticate_request_basic_auth"
_ACCEPTED_FUNCTIONS = frozenset(
    {DEFAULT_AUTHORIZATION_FUNCTION, "heron.auth:authenticate_request_basic_auth"}
)
_LEGACY_DEFAULT_PASSWORD = "password1234"


@dataclass(frozen=True)
class AuthConfig:
    """How the basic-auth app runs.

    Attributes:
        default_permission: Permission of a user on a resource without an explicit grant.
        database_uri: The auth database (users, permissions, tokens).
        admin_username: The admin user created on first start.
        admin_password: Its password (required to create it; never the old default).
        authorization_function: MLflow's setting; only HTTP Basic (its default) is supported.
        session_hours: Lifetime of a web UI session.
    """

    default_permission: str = "READ"
    database_uri: str = DEFAULT_DATABASE_URI
    admin_username: str = "admin"
    admin_password: str | None = None
    authorization_function: str = DEFAULT_AUTHORIZATION_FUNCTION
    session_hours: float = 12.0

    def __post_init__(self) -> None:
        get_permission(self.default_permission)
        if self.authorization_function not in _ACCEPTED_FUNCTIONS:
            raise InvalidParameter(
                f"Unsupported authorization_function '{self.authorization_function}': "
                f"Heron authenticates with HTTP Basic, bearer tokens and its UI sessions "
                f"({DEFAULT_AUTHORIZATION_FUNCTION})."
            )


def read_auth_config(path: str | None = None) -> AuthConfig:
    """The configuration from ``path`` (default: the AUTH_CONFIG_PATH setting), with the
    admin's name and password from the environment when set.

    Raises:
        InvalidParameter: the file is unreadable or holds a bad value.
    """
    path = path or config.AUTH_CONFIG_PATH.get()
    values: dict[str, str] = {}
    if path:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            with open(path, encoding="utf-8") as handle:
                parser.read_file(handle)
        except (OSError, configparser.Error, UnicodeDecodeError) as error:
            raise InvalidParameter(f"Cannot read the auth configuration file: {error}") from None
        for section in ("mlflow", "heron"):
            if parser.has_section(section):
                values.update(parser[section])
    known = {"default_permission", "database_uri", "admin_username", "admin_password"}
    kwargs: dict[str, object] = {k: v for k, v in values.items() if k in known and v}
    if values.get("authorization_function"):
        kwargs["authorization_function"] = values["authorization_function"]
    if values.get("session_hours"):
        try:
            kwargs["session_hours"] = float(values["session_hours"])
        except ValueError:
            raise InvalidParameter("session_hours must be a number of hours") from None
    username = config.AUTH_ADMIN_USERNAME.get()
    if username:
        kwargs["admin_username"] = username
    password = config.AUTH_ADMIN_PASSWORD.get()
    if password:
        kwargs["admin_password"] = password
    return AuthConfig(**kwargs)  # type: ignore[arg-type]


def check_admin_password(auth: AuthConfig) -> str:
    """The admin's configured password, for creating the admin user.

    Raises:
        InvalidParameter: none is configured, or it is the insecure default older MLflow
            versions shipped.
    """
    password = auth.admin_password
    hint = (
        "Set HERON_AUTH_ADMIN_PASSWORD (or MLFLOW_AUTH_ADMIN_PASSWORD), or admin_password in "
        "the file HERON_AUTH_CONFIG_PATH names, and restart the server."
    )
    if not password:
        raise InvalidParameter(
            f"The basic-auth app needs a password to create the admin user "
            f"'{auth.admin_username}' and none is configured. {hint}"
        )
    if password == _LEGACY_DEFAULT_PASSWORD:
        raise InvalidParameter(f"Refusing the insecure default admin password. {hint}")
    return password
