"""Retention (kassasjon) for one tenant: its setting, legal holds, which inquiries are due, and the run that erases them.

Which inquiries are due is read from the events themselves (not a read model), so a lagging projection can never
make the run erase too much or too little; erasure goes through `Office.erase`, the one erase path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain import retention
from domain.common import Context, DomainError
from domain.inquiry import Inquiry
from domain.tenant import Tenant
from services.case_commands import EraseInquiry
from services.office import ConflictError, InquiryNotFound, Office
from services.platform import Platform


@dataclass(frozen=True)
class SetRetention:
    """Erase personal data `years` after resolution; None turns retention off."""

    years: int | None
    on: date


@dataclass(frozen=True)
class PlaceLegalHold:
    inquiry: str
    on: date
    reason: str


@dataclass(frozen=True)
class LiftLegalHold:
    inquiry: str
    on: date


@dataclass(frozen=True)
class DueInquiry:
    """An inquiry whose personal data falls due for erasure: no personal data, only its reference and dates."""

    reference: str
    resolved_on: date
    due_on: date


class Retention:
    """The retention use cases of one tenant, over that tenant's office."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self.app = office.app

    def years(self) -> int | None:
        return self._tenant().retention_years

    def set_years(self, ctx: Context, command: SetRetention) -> None:
        tenant = self._tenant()
        tenant.change_retention(ctx, on=command.on, years=command.years)
        self._save(tenant)

    def place_hold(self, ctx: Context, command: PlaceLegalHold) -> None:
        found = self._inquiry(command.inquiry)
        found.place_legal_hold(ctx, on=command.on, reason=command.reason)
        self._save(found)

    def lift_hold(self, ctx: Context, command: LiftLegalHold) -> None:
        found = self._inquiry(command.inquiry)
        found.lift_legal_hold(ctx, on=command.on)
        self._save(found)

    def is_on_hold(self, inquiry: str) -> bool:
        return self._inquiry(inquiry).on_hold

    def due(self, today: date) -> list[DueInquiry]:
        """Every inquiry due on `today` (a date in Norway), oldest resolution first; none while retention is off."""
        years = self.years()
        if years is None:
            return []
        found = [
            DueInquiry(i.reference, resolved, retention.due_on(resolved, years))
            for i in self._inquiries()
            if retention.is_due(i, years, today) and (resolved := i.resolved_on) is not None
        ]
        return sorted(found, key=lambda d: (d.due_on, d.reference))

    def run(
        self, ctx: Context, today: date, *, dry_run: bool = False, note: str | None = None, expected: int | None = None
    ) -> list[str]:
        """Erases exactly the inquiries due; returns their references. A dry run writes nothing.

        `note`: the reason the person who started the run gave, recorded with each erasure beside the ground.
        `expected`: how many inquiries that person confirmed; when as many are no longer due, nothing is erased."""
        years = self.years()
        due = self.due(today)
        if dry_run or years is None:
            return [d.reference for d in due]
        reason = retention.reason(years, note)
        if expected is not None and expected != len(due):
            raise DueChanged(len(due))
        for item in due:
            self.office.handle(ctx, EraseInquiry(item.reference, today, reason))
        if note is not None:  # a person's run: its reason outlives the keys the erasures destroyed
            tenant = self._tenant()
            tenant.record_retention_run(ctx, on=today, erased=len(due), reason=reason)
            self._save(tenant)
        return [d.reference for d in due]

    def _inquiries(self) -> Iterator[Inquiry]:
        yield from self.office.inquiry_fold.inquiries(self.app)

    def _inquiry(self, inquiry: str) -> Inquiry:
        found_id = self.office.inquiry_id(inquiry)
        try:
            found: object = self.app.repository.get(found_id)
        except AggregateNotFoundError:
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»") from None
        if not isinstance(found, Inquiry):
            raise InquiryNotFound("inquiry", f"finner ingen henvendelse «{inquiry}»")
        return found

    def _tenant(self) -> Tenant:
        return self.app.repository.get(Tenant.id_for())

    def _save(self, aggregate: Tenant | Inquiry) -> None:
        try:
            self.app.save(aggregate)
        except IntegrityError:
            raise ConflictError(None, "endret av en annen i mellomtiden; last siden på nytt og prøv igjen") from None


class DueChanged(DomainError):
    """The inquiries due are not as many as the person confirmed: they confirm the new count, or nothing happens."""

    def __init__(self, count: int) -> None:
        super().__init__("antall", f"antallet har endret seg: nå skal {count} henvendelser slettes; bekreft på nytt")
        self.count = count


def run_tenants(
    platform: Platform, ctx: Context, today: date, *, tenants: list[str] | None = None, dry_run: bool = False
) -> dict[str, list[str]]:
    """Runs retention for the named tenants (default: every tenant); each tenant's references, in its own order."""
    return {
        slug: Retention(platform.office(slug)).run(ctx, today, dry_run=dry_run)
        for slug in (platform.slugs() if tenants is None else tenants)
    }
