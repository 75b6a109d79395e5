"""A database of this area's own: a restore rewrites the whole database, so on PostgreSQL these
tests never use the shared test database but one made (and dropped) here."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import DATABASES, migrate_with_reference_data, postgresql_server, worker_suffix

OWN_DATABASE = f"kick_backup_test{worker_suffix()}"


@contextlib.contextmanager
def _own_postgresql() -> Iterator[str]:
    shared = make_url(os.environ["KICK_TEST_DATABASE_URL"])
    # The maintenance database of the same server creates and drops ours.
    server = postgresql_server(os.environ["KICK_TEST_DATABASE_URL"])
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {OWN_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {OWN_DATABASE}")
    try:
        yield shared.set(database=OWN_DATABASE).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {OWN_DATABASE} WITH (FORCE)")


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('backup') / 'kick.sqlite3'}"
        else:
            url = stack.enter_context(_own_postgresql())
        migrate_with_reference_data(url)
        yield url
