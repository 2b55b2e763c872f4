"""Helpers every layer's tests share: a platform on a pool of its own, accounts to sign in with, offices that share
their statistics with the network."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis

from domain.account import Account
from domain.common import Context
from infra.directory import PostgresAccountDirectory, PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from projections.worker import ProjectionWorker
from services.accounts import create_account
from services.office import Office
from services.platform import Platform

PASSWORD = "et-langt-testpassord"
INQUIRY_EVENTS = (  # every kind of event an inquiry records, in the order a full history runs through them
    "Received",
    "Assigned",
    "InterimReplySent",
    "Forwarded",
    "MeetingHeld",
    "ComplaintSent",
    "ComplaintDecided",
    "NoteAdded",
    "Recategorised",
    "Resolved",
    "Reopened",
)


@contextmanager
def open_platform(
    database_url: str,
    master_key: bytes,
    epoch_dir: Path,
    *,
    pool_size: int = 2,
    max_overflow: int = 2,
    checkout_timeout: float = 2.0,
    **options: Any,
) -> Iterator[Platform]:
    """A platform on a pool of its own, its key epochs in that folder (options: the Platform's); closed afterwards."""
    datastore = open_datastore(
        database_url, pool_size=pool_size, max_overflow=max_overflow, checkout_timeout=checkout_timeout
    )
    platform = Platform(
        PostgresTenantDirectory(datastore),
        master_key,
        factory_maker(datastore),
        epochs=DirectoryEpochStore(epoch_dir, master_key),
        **options,
    )
    try:
        yield platform
    finally:
        platform.close()
        datastore.close()


@pytest.fixture(name="make_account")
def make_account_fixture(database_url: str) -> Iterator[Callable[[str, str | None], Account]]:
    """The `make_account` fixture: an account with a unique, obviously fake address and PASSWORD."""
    datastore = open_datastore(database_url, pool_size=1, max_overflow=0)
    directory = PostgresAccountDirectory(datastore)

    def make(role: str, tenant: str | None) -> Account:
        email = f"test-{uuid.uuid4().hex[:8]}@eksempel.invalid"
        return create_account(directory, email=email, role=role, tenant=tenant, password=PASSWORD)

    yield make
    datastore.close()


def query(database_url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every row one SQL query returns, on a connection of its own."""
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, params).fetchall()


def clear_rate_limits(redis_url: str) -> None:
    """Sign-in and contact-form counters back to zero (in this session's own Redis database)."""
    store = redis.Redis.from_url(redis_url)
    try:
        for pattern in ("ombud:innlogging:*", "ombud:kontakt:*"):
            for key in store.scan_iter(pattern):
                store.delete(key)
    finally:
        store.close()


@dataclass(frozen=True)
class Network:
    """Makes offices with a population and lets them share their statistics, figures caught up."""

    platform: Platform
    admin: Context
    new_slug: Callable[[], str]
    worker: ProjectionWorker
    sharing_flag: Callable[[str, bool], None]

    def office(self, name: str, population: int) -> Office:
        return self.platform.create_tenant(self.admin, slug=self.new_slug(), name=name, population=population)

    def share(self, *offices: Office) -> None:
        """Each office shares its statistics, and the worker catches up on it."""
        for office in offices:
            self.sharing_flag(office.slug, True)
            self.worker.catch_up(office.slug)


@pytest.fixture(name="network")
def network_fixture(
    platform: Platform,
    admin: Context,
    new_slug: Callable[[], str],
    worker: ProjectionWorker,
    sharing_flag: Callable[[str, bool], None],
) -> Network:
    """The `network` fixture: a test module that makes sharing offices imports it by this name."""
    return Network(platform, admin, new_slug, worker, sharing_flag)
