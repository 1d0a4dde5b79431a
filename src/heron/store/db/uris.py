"""Database URIs: which dialect, which file or server, in one normalised form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from heron.exceptions import InvalidParameter

SUPPORTED_SCHEMES = ("sqlite", "postgresql", "mysql")


@dataclass(frozen=True)
class DatabaseUri:
    """A parsed database URI.

    Attributes:
        dialect: ``"sqlite"``, ``"postgresql"`` or ``"mysql"`` (MariaDB too).
        uri: The normalised URI: an absolute SQLite path, ``postgresql+psycopg://...`` or
            ``mysql+pymysql://...``.
            Equal databases give equal ``uri`` values, so it keys caches.
        path: The SQLite file, or None for an in-memory SQLite database or PostgreSQL.
        conninfo: The libpq URI psycopg connects with (PostgreSQL), or the ``mysql://``
            URI PyMySQL's arguments are read from (MySQL).
    """

    dialect: str
    uri: str
    path: str | None = None
    conninfo: str | None = None

    @property
    def redacted(self) -> str:
        """:attr:`uri` with any password replaced by ``***``, for messages and logs."""
        scheme, _, rest = self.uri.partition("://")
        credentials, at, location = rest.rpartition("@")
        if not at or ":" not in credentials:
            return self.uri
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{location}"

    @property
    def in_memory(self) -> bool:
        """Whether this is an in-memory SQLite database (one per store)."""
        return self.dialect == "sqlite" and self.path is None


def parse_database_uri(uri: str) -> DatabaseUri:
    """Parse ``sqlite:///relative.db``, ``sqlite:////abs.db``, ``postgresql[+driver]://...``,
    ``mysql[+pymysql]://...`` (``mariadb://`` too).

    A relative SQLite path is resolved against the current directory now, so the same
    URI keeps naming the same file after a ``chdir``.

    Raises:
        InvalidParameter: for other schemes or a malformed URI.
    """
    scheme, _, rest = uri.partition("://")
    base = scheme.split("+", 1)[0].lower()
    if not rest and base != "sqlite":
        raise InvalidParameter(f"Invalid database URI '{uri}': expected <scheme>://...")
    if base == "sqlite":
        return _parse_sqlite(uri, rest)
    if base in ("postgresql", "postgres"):
        return DatabaseUri(
            dialect="postgresql",
            uri=f"postgresql+psycopg://{rest}",
            conninfo=f"postgresql://{rest}",
        )
    if base in ("mysql", "mariadb"):
        driver = scheme.partition("+")[2].lower()
        if driver not in ("", "pymysql"):
            raise InvalidParameter(
                f"Database URI '{uri}': Heron talks to MySQL through PyMySQL; use "
                f"mysql://... or mysql+pymysql://..."
            )
        return DatabaseUri(
            dialect="mysql", uri=f"mysql+pymysql://{rest}", conninfo=f"mysql://{rest}"
        )
    if base == "mssql":
        raise InvalidParameter(
            f"Database URI '{uri}': {base} is not supported yet; use one of "
            f"{', '.join(s + '://' for s in SUPPORTED_SCHEMES)}"
        )
    raise InvalidParameter(
        f"Invalid database URI '{uri}'. Supported schemes: "
        f"{', '.join(s + '://' for s in SUPPORTED_SCHEMES)}"
    )


def _parse_sqlite(uri: str, rest: str) -> DatabaseUri:
    # sqlite:// (nothing after) and sqlite:///:memory: are in-memory databases.
    path = rest.split("?", 1)[0]
    if path in ("", "/", "/:memory:"):
        return DatabaseUri(dialect="sqlite", uri="sqlite://")
    if not path.startswith("/"):
        raise InvalidParameter(
            f"Invalid SQLite URI '{uri}': use sqlite:///relative/path.db or "
            f"sqlite:////absolute/path.db"
        )
    resolved = Path(path[1:]).expanduser().resolve()
    return DatabaseUri(dialect="sqlite", uri=f"sqlite:///{resolved}", path=str(resolved))
