"""Databases made for one run and dropped after it: the tests, the screenshots and the report pages use them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from infra.logins import APP_LOGIN, with_database, with_login
from infra.migrate import migrate


@contextmanager
def throwaway_database(server_url: str, prefix: str, *, template: str | None = None) -> Iterator[str]:
    """A new database on that server, made by the admin login (the URL's) and dropped afterwards: empty, or a copy of
    the database named `template` (which nobody may be connected to meanwhile)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@contextmanager
def migrated_throwaway_database(server_url: str, prefix: str) -> Iterator[str]:
    """A throwaway database, migrated; yields the URL of the app's least-privileged login on it."""
    with throwaway_database(server_url, prefix) as url:
        app_url = with_login(url, APP_LOGIN)
        migrate(url, app_url)
        yield app_url
