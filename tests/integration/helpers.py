"""Helpers the integration tests share: what more than one of their modules would otherwise write again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest

from domain.common import Context
from infra.migrate import migration_files
from infra.throwaway import throwaway_database
from services.office import Office
from services.platform import Platform


@contextmanager
def database_migrated_before(server_url: str, first_missing: str) -> Iterator[str]:
    """A database of its own with the migrations before `first_missing` only, as an installation had them then."""
    with throwaway_database(server_url, "ombud_test") as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE public.ombud_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            for migration, sql in migration_files():
                if migration < first_missing:
                    conn.execute(sql)
                    conn.execute("INSERT INTO public.ombud_migrations (name) VALUES (%s)", (migration,))
        yield url


def two_offices(platform: Platform, admin: Context, new_slug: Callable[[], str]) -> tuple[Office, Office]:
    """Kommune A, the test's tenant, and Kommune B, which must see nothing of it."""
    return (
        platform.create_tenant(admin, slug=new_slug(), name="Kommune A"),
        platform.create_tenant(admin, slug=new_slug(), name="Kommune B"),
    )


@pytest.fixture(name="offices")
def offices_fixture(platform: Platform, admin: Context, new_slug: Callable[[], str]) -> tuple[Office, Office]:
    """The `offices` fixture: two_offices on the test's platform."""
    return two_offices(platform, admin, new_slug)
