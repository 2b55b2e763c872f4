"""Helpers the integration tests share: what more than one of their modules would otherwise write again."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from domain.common import Context
from infra.cli import main
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


@pytest.fixture(name="ombud_refuses")
def ombud_refuses_fixture(
    master_key: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., str]:
    """`ombud_refuses(command, NAME=value, ...)` runs `ombud command` with the master key, a data folder and these
    environment variables (None unsets one) and returns what it wrote to stderr, once it has exited 1 with that
    one line."""

    def refuses(command: list[str], **environment: str | None) -> str:
        monkeypatch.setenv("OMBUD_MASTER_KEY", base64.b64encode(master_key).decode())
        monkeypatch.setenv("OMBUD_DATA_DIR", str(tmp_path))
        for name, value in environment.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        assert main(command) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        return err

    return refuses


def created_tenant(ombud: Callable[..., tuple[int, str, str]], slug: str, name: str, *options: str) -> str:
    """The slug of a kommune made with `ombud tenant create`, once the command has succeeded."""
    assert ombud("tenant", "create", slug, "--name", name, *options)[0] == 0
    return slug
