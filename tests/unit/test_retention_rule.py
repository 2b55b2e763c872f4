"""Retention (kassasjon): the setting, legal holds and the one rule for which inquiries are due."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain import retention
from domain.common import Context, InvalidField, OutOfRange
from domain.inquiry import ERASED, AlreadyErased, HoldUnchanged
from domain.tenant import Tenant
from services.case_commands import Reopen, Resolve
from services.office import EraseInquiry, Office
from services.platform import Platform
from services.retention import DueChanged, LiftLegalHold, PlaceLegalHold, Retention, SetRetention
from tests import factories

TODAY = date(2026, 6, 1)


@pytest.fixture
def office(platform: Platform, ctx: Context) -> Office:
    return platform.create_tenant(ctx, slug="testby", name="Testby kommune", population=12_345)


def resolved(office: Office, ctx: Context, reference: str, on: date, **fields: Any) -> str:
    factories.receive(
        office,
        ctx,
        reference=reference,
        received_on=on,
        summary="Testperson Prøvesen ber om hjelp.",
        requester_name="Testperson Prøvesen",
    )
    office.handle(ctx, Resolve(inquiry=reference, on=on, outcome="assisted"))
    return reference


def two_years_with_one_due(office: Office, ctx: Context) -> Retention:
    """Two years' retention set on 2026-01-01, and 2020-1 (resolved 2020-01-01) due by TODAY."""
    service = Retention(office)
    service.set_years(ctx, SetRetention(2, date(2026, 1, 1)))
    resolved(office, ctx, "2020-1", date(2020, 1, 1))
    return service


def test_an_inquiry_falls_due_the_day_its_years_have_passed_and_29_february_on_28_february() -> None:
    assert retention.due_on(date(2020, 5, 4), 3) == date(2023, 5, 4)
    assert retention.due_on(date(2020, 2, 29), 1) == date(2021, 2, 28)


def test_retention_is_off_by_default_and_lists_nothing(office: Office, ctx: Context) -> None:
    resolved(office, ctx, "2020-1", date(2020, 1, 10))
    assert Retention(office).years() is None
    assert Retention(office).due(TODAY) == []
    assert Retention(office).run(factories.as_admin(ctx), TODAY) == []
    assert office.erased_on("2020-1") is None


@pytest.mark.parametrize("years", [0, 101, -1, True, "5"])
def test_retention_years_outside_1_to_100_are_refused(office: Office, ctx: Context, years: Any) -> None:
    with pytest.raises(OutOfRange if years in (0, 101) else InvalidField):
        Retention(office).set_years(ctx, SetRetention(years, date(2026, 1, 1)))
    assert Retention(office).years() is None


def test_due_lists_exactly_resolved_inquiries_past_their_years_not_on_hold_not_erased_not_reopened(
    office: Office, ctx: Context
) -> None:
    service = Retention(office)
    service.set_years(ctx, SetRetention(5, date(2026, 1, 1)))
    due = resolved(office, ctx, "2021-1", date(2021, 6, 1))  # exactly five years today
    resolved(office, ctx, "2021-2", date(2021, 6, 2))  # one day short
    held = resolved(office, ctx, "2020-1", date(2020, 1, 1))
    service.place_hold(ctx, PlaceLegalHold(held, date(2026, 1, 2), "tvist"))
    erased = resolved(office, ctx, "2020-2", date(2020, 1, 1))
    office.handle(
        factories.as_admin(ctx), EraseInquiry(erased, date(2025, 1, 1), "krav fra innbygger", outcome="withdrawn")
    )
    reopened = resolved(office, ctx, "2020-3", date(2020, 1, 1))
    office.handle(ctx, Reopen(inquiry=reopened, on=date(2020, 2, 1), reason="ny opplysning"))
    factories.receive(
        office, ctx, reference="2019-1", received_on=date(2019, 1, 1), requester_role="user", summary="Åpen sak."
    )

    assert [(d.reference, d.resolved_on, d.due_on) for d in service.due(TODAY)] == [
        (due, date(2021, 6, 1), date(2026, 6, 1))
    ]


def test_a_run_erases_the_due_with_the_retention_reason_and_a_dry_run_writes_nothing(
    office: Office, ctx: Context
) -> None:
    service = two_years_with_one_due(office, ctx)
    held = resolved(office, ctx, "2020-2", date(2020, 1, 1))
    service.place_hold(ctx, PlaceLegalHold(held, date(2026, 1, 2), "tilsynssak"))
    before = office.inquiry("2020-1").version

    assert service.run(factories.as_admin(ctx), TODAY, dry_run=True) == ["2020-1"]
    assert office.inquiry("2020-1").version == before

    assert service.run(factories.as_admin(ctx), TODAY) == ["2020-1"]
    assert office.erased_on("2020-1") == TODAY
    assert office.history("2020-1")[-1].details == {"reason": ERASED}  # sealed with the key it destroyed
    assert office.erased_on(held) is None
    assert office.history(held)[-1].details == {"reason": "tilsynssak"}
    assert service.run(factories.as_admin(ctx), TODAY) == []


def test_a_persons_run_erases_only_the_count_they_confirmed_and_its_reason_stays_with_the_tenant(
    office: Office, ctx: Context
) -> None:
    service = two_years_with_one_due(office, ctx)
    resolved(office, ctx, "2020-2", date(2020, 1, 2))
    with pytest.raises(DueChanged) as changed:
        service.run(factories.as_admin(ctx), TODAY, note="årlig kassasjon", expected=1)
    assert changed.value.count == 2 and office.erased_on("2020-1") is None and office.erased_on("2020-2") is None
    with pytest.raises(InvalidField):
        service.run(factories.as_admin(ctx), TODAY, note=" ", expected=2)
    with pytest.raises(InvalidField):
        service.run(factories.as_admin(ctx), TODAY, note="x" * (retention.MAX_NOTE + 1), expected=2)
    assert office.erased_on("2020-1") is None

    assert service.run(factories.as_admin(ctx), TODAY, note="x" * retention.MAX_NOTE, expected=2) == [
        "2020-1",
        "2020-2",
    ]
    assert office.erased_on("2020-1") == TODAY and office.erased_on("2020-2") == TODAY
    runs = [e for e in office.app.repository.event_store.get(Tenant.id_for()) if isinstance(e, Tenant.RetentionRun)]
    assert [(r.erased, r.reason, r.actor_role) for r in runs] == [
        (2, f"kassasjon etter 2 år: {'x' * retention.MAX_NOTE}", "tenant_admin")
    ]


def test_a_lifted_hold_makes_the_inquiry_due_again_and_holds_change_only_once(office: Office, ctx: Context) -> None:
    service = Retention(office)
    service.set_years(ctx, SetRetention(1, date(2026, 1, 1)))
    held = resolved(office, ctx, "2020-1", date(2020, 1, 1))
    service.place_hold(ctx, PlaceLegalHold(held, date(2026, 1, 2), "tvist"))
    with pytest.raises(HoldUnchanged):
        service.place_hold(ctx, PlaceLegalHold(held, date(2026, 1, 2), "tvist"))
    assert service.is_on_hold(held)
    service.lift_hold(ctx, LiftLegalHold(held, date(2026, 1, 3)))
    with pytest.raises(HoldUnchanged):
        service.lift_hold(ctx, LiftLegalHold(held, date(2026, 1, 3)))
    assert [d.reference for d in service.due(TODAY)] == [held]


def test_an_erased_inquiry_takes_no_hold(office: Office, ctx: Context) -> None:
    erased = resolved(office, ctx, "2020-1", date(2020, 1, 1))
    office.handle(
        factories.as_admin(ctx), EraseInquiry(erased, date(2025, 1, 1), "krav fra innbygger", outcome="withdrawn")
    )
    with pytest.raises(AlreadyErased):
        Retention(office).place_hold(ctx, PlaceLegalHold(erased, date(2026, 1, 2), "tvist"))


def test_retention_can_be_turned_off_again(office: Office, ctx: Context) -> None:
    service = Retention(office)
    service.set_years(ctx, SetRetention(10, date(2026, 1, 1)))
    assert service.years() == 10
    service.set_years(ctx, SetRetention(None, date(2026, 1, 2)))
    assert service.years() is None
