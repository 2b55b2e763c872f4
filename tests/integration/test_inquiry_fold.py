"""Retention's fold of every inquiry, kept in the process, follows what other processes append after its first read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.common import Context
from services.case_commands import EraseInquiry, Resolve
from services.platform import Platform
from services.retention import Retention, SetRetention
from tests import factories

TODAY = date(2026, 6, 1)


def test_an_inquiry_resolved_or_erased_by_another_process_after_the_first_read_is_judged_as_it_stands(
    make_platform: Callable[..., Platform], new_slug: Callable[[], str]
) -> None:
    web, cli = make_platform(), make_platform()  # two processes: each its own office and fold
    admin = Context("admin-1", "tenant_admin", "00000000-0000-0000-0000-000000000001")
    slug = new_slug()
    office = web.create_tenant(admin, slug=slug, name="Foldeby kommune")
    first = factories.case(office, admin, received_on=date(2020, 1, 6))
    office.handle(admin, Resolve(inquiry=first, on=date(2020, 1, 10), outcome="assisted"))
    retention = Retention(office)
    retention.set_years(admin, SetRetention(2, date(2026, 1, 1)))
    assert [due.reference for due in retention.due(TODAY)] == [first]

    elsewhere = cli.office(slug)
    second = factories.case(elsewhere, admin, received_on=date(2020, 2, 3))
    elsewhere.handle(admin, Resolve(inquiry=second, on=date(2020, 2, 7), outcome="assisted"))
    assert [due.reference for due in retention.due(TODAY)] == [first, second]

    elsewhere.handle(admin, EraseInquiry(first, TODAY, "innbyggerens krav (fiktivt)"))
    assert [due.reference for due in retention.due(TODAY)] == [second]
    assert [due.reference for due in Retention(cli.office(slug)).due(TODAY)] == [second]  # a fresh fold agrees
