"""Helpers every layer's tests share: accounts to sign in with, offices that share their statistics with the network."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from domain.account import Account
from domain.common import Context
from infra.directory import PostgresAccountDirectory
from infra.eventstore import open_datastore
from projections.worker import ProjectionWorker
from services.accounts import create_account
from services.office import Office
from services.platform import Platform

PASSWORD = "et-langt-testpassord"


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
