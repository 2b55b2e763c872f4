"""One way for every test to receive an inquiry and to erase one: the typed commands, with fake data for what a
test leaves out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from domain.common import Context
from domain.inquiry import Inquiry
from services.case_commands import EraseInquiry, ReceiveInquiry
from services.office import Office, Receipt

# What a test that does not care gets: a phone call from the user about health services, received on a weekday.
RECEIVED_ON = date(2024, 3, 1)
DEFAULTS: dict[str, Any] = {
    "received_on": RECEIVED_ON,
    "channel": "phone",
    "requester_role": "user",
    "service_area": "helse",
    "summary": "Fiktiv testsak",
}

CASE_NAME = "Testperson Prøvesen"
CASE_SUMMARY = "Sak om Testperson Prøvesen (fiktiv)"


def acting(role: str, user: str | None = None) -> Context:
    """Someone of `role` doing one thing (its own request)."""
    return Context(user or f"test-{role}", role, str(uuid4()))


def as_role(ctx: Context, role: str) -> Context:
    """The same person and request in another role (the service layer checks the role of every command)."""
    return replace(ctx, role=role)


def as_admin(ctx: Context) -> Context:
    """The same person and request as the tenant's administrator: erasure and national groups are theirs."""
    return as_role(ctx, "tenant_admin")


def inquiry(ctx: Context, **fields: Any) -> Inquiry:
    """The domain's own aggregate, received and not saved: `fields` over the defaults (areas by code)."""
    given = {**DEFAULTS, "reference": "2024-0001", "primary_area": "helse", **fields}
    given.pop("service_area")
    return Inquiry.receive(ctx, **given)


def receive_command(**fields: Any) -> ReceiveInquiry:
    """The command with `fields` over the defaults; lists of areas and case types as the command holds them."""
    given = {**DEFAULTS, **fields}
    for name in ("further_areas", "case_types"):
        if name in given:
            given[name] = tuple(given[name])
    return ReceiveInquiry(**given)


def receive(office: Office, ctx: Context, **fields: Any) -> Receipt:
    """A new inquiry in `office`, as `ctx` registers it."""
    return office.handle(ctx, receive_command(**fields))


def case(office: Office, ctx: Context, **fields: Any) -> str:
    """The reference of an inquiry about a fake person, of the usual case type."""
    fields = {"case_types": ("no_reply",), "summary": CASE_SUMMARY, "requester_name": CASE_NAME, **fields}
    return receive(office, ctx, **fields).reference


def receive_many(
    office: Office, ctx: Context, count: int, *, first: date, service_area: str = "helse", **fields: Any
) -> list[Receipt]:
    """`count` inquiries without personal data for the statistics, received a day apart from `first` (four weeks
    round: the month and the year stay `first`'s)."""
    fields = {"case_types": ("no_reply",), "summary": "Testdata uten personopplysninger", **fields}
    return [
        receive(office, ctx, received_on=first + timedelta(days=n % 28), service_area=service_area, **fields)
        for n in range(count)
    ]


def receive_args(tenant: str, options: Mapping[str, str | None] | None = None) -> list[str]:
    """The command line that receives an inquiry (`ombud inquiry receive`): `options` by flag over the defaults; a
    flag given None is left out."""
    given = {
        "--received-on": "2024-02-01",
        "--channel": "phone",
        "--requester-role": "user",
        "--service-area": "helse",
        "--summary": "Sak",
    } | dict(options or {})
    flags = [part for flag, value in given.items() if value is not None for part in (flag, value)]
    return ["inquiry", "receive", "--tenant", tenant, *flags]


def erase(office: Office, ctx: Context, inquiry: str, on: date, reason: str = "krav fra innbygger") -> None:
    """Erases the inquiry; an open one is closed as withdrawn in the same step (the outcome is ignored otherwise)."""
    office.handle(ctx, EraseInquiry(inquiry, on, reason, "withdrawn"))
