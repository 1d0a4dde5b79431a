"""Fixtures every test directory can use: throwaway PostgreSQL databases, SQLite URIs.

PostgreSQL runs as a real cluster the suite starts itself (``initdb`` + ``pg_ctl`` on a temp
dir and a free port), once per pytest process (so once per xdist worker), stopped at the end
of the session. Each test that asks for ``fresh_postgres_uri`` gets its own database.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["fixtures.s3", "fixtures.server", "fixtures.mariadb"]


@dataclass
class PostgresCluster:
    """A running throwaway cluster; trust authentication for user ``postgres``."""

    bin_dir: Path
    data_dir: Path
    port: int

    def uri(self, database: str = "postgres") -> str:
        """A connection URI for ``database`` on this cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """Create an empty database and return its URI."""
        name = f"test_{uuid.uuid4().hex[:16]}"
        self.sql(f"CREATE DATABASE {name}")
        return self.uri(name)

    def drop_database(self, uri: str) -> None:
        """Drop a database made by :meth:`create_database`, closing its connections."""
        self.sql(f"DROP DATABASE IF EXISTS {uri.rsplit('/', 1)[1]} WITH (FORCE)")

    def sql(self, statement: str) -> None:
        """Run one statement as the superuser, outside a transaction."""
        import psycopg

        with psycopg.connect(self.uri(), autocommit=True) as connection:
            connection.execute(statement)


def _postgres_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    return Path(found[-1]).parent if found else None


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the ``postgres`` user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_cluster(bin_dir: Path) -> PostgresCluster:
    data_dir = Path(tempfile.mkdtemp(prefix="heron-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data_dir / "data"),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-k {data_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    for _attempt in range(5):  # another worker may grab the free port first
        port = _free_port()
        started = subprocess.run(
            _as_postgres(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data_dir / "data"),
                    "-w",
                    "-l",
                    str(data_dir / "log"),
                    "-o",
                    f"-p {port} {options}",
                    "start",
                ]
            ),
            capture_output=True,
            check=False,
        )
        if started.returncode == 0:
            return PostgresCluster(bin_dir, data_dir, port)
    log = (data_dir / "log").read_text(errors="replace")
    raise RuntimeError(f"PostgreSQL did not start:\n{log}")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster for this pytest process (skipped without PostgreSQL,
    except on CI, where a missing PostgreSQL is an error)."""
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL is not installed (run tests/system-deps.sh as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = _start_cluster(bin_dir)
    yield cluster
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(cluster.data_dir / "data"),
                "-m",
                "immediate",
                "stop",
            ]
        ),
        capture_output=True,
        check=False,
    )
    shutil.rmtree(cluster.data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_uri(postgres_cluster: PostgresCluster) -> str:
    """The URI of the throwaway cluster's ``postgres`` database (superuser, trust auth)."""
    return postgres_cluster.uri()


@pytest.fixture
def fresh_postgres_uri(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    uri = postgres_cluster.create_database()
    yield uri
    postgres_cluster.drop_database(uri)


@pytest.fixture
def sqlite_uri(tmp_path: Path) -> str:
    """A URI for a new SQLite file in the test's temporary directory."""
    return f"sqlite:///{tmp_path / 'heron.db'}"
