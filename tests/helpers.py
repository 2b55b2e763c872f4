"""Helpers every layer's tests share: offices that share their statistics with the network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from domain.common import Context
from projections.worker import ProjectionWorker
from services.office import Office
from services.platform import Platform


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
