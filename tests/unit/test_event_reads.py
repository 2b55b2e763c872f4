"""An inquiry's events are read from the event store, not through the repository, so a cache or snapshots cannot
change what the history, the replay and the interim reply see (a finding of the type checker)."""

from __future__ import annotations

import base64
from datetime import date
from types import MappingProxyType
from typing import Any

import pytest
from eventsourcing.application import LRUCache

from domain.common import Context
from domain.inquiry import Inquiry
from services.application import OfficeApplication
from services.letters import Letters, RegisterInterimReply
from services.office import Office
from services.platform import Platform
from tests import factories

ON = date(2024, 3, 1)


@pytest.fixture
def office(platform: Platform, ctx: Context) -> Office:
    office = platform.create_tenant(ctx, slug="testby", name="Testby kommune", population=12_345)
    # What the library's AGGREGATE_CACHE_MAXSIZE setting does: aggregates read or saved are kept in memory.
    office.app.repository.cache = LRUCache(maxsize=100)
    return office


def receive(office: Office, ctx: Context, **fields: Any) -> str:
    return factories.receive(
        office,
        ctx,
        received_on=ON,
        summary="Testperson Prøvesen ber om hjelp.",
        requester_name="Testperson Prøvesen",
        **fields,
    ).reference


def test_with_a_cache_the_history_and_the_replay_are_the_inquirys_events(office: Office, ctx: Context) -> None:
    reference = receive(office, ctx)
    office.inquiry(reference)  # now in the cache

    assert [entry.event for entry in office.history(reference)] == ["Received"]
    assert len(office.states(reference)) == 1
    assert isinstance(office.app.repository.get(office.inquiry_id(reference)), Inquiry)


def test_with_a_cache_an_interim_reply_is_recorded_once_a_day(office: Office, ctx: Context) -> None:
    reference = receive(office, ctx)
    letters = Letters(office)
    office.inquiry(reference)

    assert letters.register_interim_reply(ctx, RegisterInterimReply(reference, date(2024, 3, 4))) is True
    assert letters.register_interim_reply(ctx, RegisterInterimReply(reference, date(2024, 3, 4))) is False
    assert office.inquiry(reference).interim_reply_on == date(2024, 3, 4)


def test_the_office_application_takes_its_settings_from_the_caller_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGREGATE_CACHE_MAXSIZE", "10")
    app = OfficeApplication("testby", base64.b64encode(bytes(32)).decode())

    env = app.construct_env("x", MappingProxyType({"CREATE_TABLE": "no"}))

    assert dict(env) == {"CREATE_TABLE": "no"} and app.repository.cache is None
