"""The hosted platform: which tenants exist, their wrapped keys, and one Office per tenant."""

from __future__ import annotations

import hashlib
import hmac
import logging
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.persistence import InterfaceError, Mapper, OperationalError, StoredEvent
from opentelemetry import trace

from domain.account import TENANT_ROLES, Account
from domain.common import Context, DomainError, require_choice, today_in_norway
from domain.taxonomy import DEFAULT_TEMPLATE, TEMPLATES, ServiceArea
from domain.tenant import Tenant, require_slug
from services.accounts import (
    AccountDirectory,
    SetAccountActive,
    SetDisplayName,
    accept_invitation,
    change_role,
    create_account,
    invite_first_admin,
    open_invitation,
    set_active,
    set_display_name,
    setup_context,
)
from services.application import FactoryMaker, OfficeApplication
from services.attachments import AttachmentStore
from services.inquiry_keys import InquiryKeyStore
from services.key_epochs import EpochPolicy, EpochStore
from services.keys import new_tenant_key, unwrap, wrap
from services.office import Office, TenantProfile
from services.search_index import SearchKeyStore
from services.sent_letters import SentLetterStore

log = logging.getLogger(__name__)
TAXONOMY_START = date(2000, 1, 1)
TENANTS_CHANNEL = "ombud_tenants"  # notified when a tenant is added, so workers pick it up at once


class TenantDirectory(Protocol):
    """Where the platform lists its tenants and keeps their wrapped keys."""

    def add(self, slug: str, wrapped_key: bytes, shares_statistics: bool = True) -> bool:
        """Adds the tenant; False if the slug is taken."""

    def remove(self, slug: str, by: Context) -> None:
        """Takes back a tenant that holds nothing yet (no event, no account), with its record."""

    def wrapped_key(self, slug: str) -> bytes | None: ...

    def wrapped_keys(self, slugs: list[str]) -> dict[str, bytes]:
        """The keys of those of `slugs` that exist, at once."""
        ...

    def stored_profiles(self, slugs: list[str]) -> dict[str, list[StoredEvent]]:
        """Each tenant's stored profile events, read at once where the directory can (else {}: read one by one)."""
        ...

    def slugs(self) -> list[str]: ...

    def set_sharing(self, slug: str, shares: bool, by: Context) -> bool:
        """The network's flag for the tenant, at once, with its record; False if there is no such tenant."""

    def sharing_slugs(self) -> list[str]:
        """The tenants that share statistics with the network now, in one read."""

    def sharing_change(self, slug: str) -> AbstractContextManager[None]:
        """Held while the tenant's choice and its flag are written: one change at a time per tenant, in every process."""

    def accounts(self) -> AccountDirectory:
        """The staff accounts, kept beside the tenants."""

    def inquiry_keys(self, slug: str) -> InquiryKeyStore:
        """The tenant's wrapped inquiry keys."""

    def search_keys(self, slug: str) -> SearchKeyStore:
        """The tenant's wrapped search key."""

    def attachments(self, slug: str) -> AttachmentStore:
        """The tenant's sealed attachment bytes."""

    def sent_letters(self, slug: str) -> SentLetterStore:
        """The tenant's sealed sent letters."""


class Platform:
    """Creates tenants and hands out each tenant's Office; tenants never share an application."""

    def __init__(
        self,
        directory: TenantDirectory,
        master_key: bytes,
        make_factory: FactoryMaker | None = None,
        *,
        epochs: EpochStore,
        key_policy: EpochPolicy = EpochPolicy(),  # noqa: B008 (frozen: one shared default is safe)
        tracer_provider: trace.TracerProvider | None = None,
    ):
        """`epochs`: the key store outside the database that wraps inquiry and search keys (services/key_epochs.py);
        `key_policy`: how often they rotate and how long backups are kept, hence when an erasure is irreversible.
        `tracer_provider`: where the offices' command spans go when telemetry is on; else the global (a no-op)."""
        self._directory = directory
        self.epochs = epochs
        self.key_policy = key_policy
        self._tracer = tracer_provider.get_tracer("services.office") if tracer_provider else None
        self._master_key = master_key
        self._make_factory = make_factory
        self._offices: dict[str, Office] = {}

    def create_tenant(
        self,
        ctx: Context,
        *,
        slug: str,
        name: str,
        population: int | None = None,
        shares_statistics: bool = True,
        template: str = DEFAULT_TEMPLATE,
        areas: tuple[ServiceArea, ...] | None = None,
        taxonomy_from: date = TAXONOMY_START,
    ) -> Office:
        """Registers the kommune with its own key and event tables; all or nothing."""
        require_slug(slug)
        if areas is None:
            if template not in TEMPLATES:
                raise DomainError("template", f"ukjent mal «{template}»; velg {', '.join(TEMPLATES)}")
            areas = TEMPLATES[template]
        tenant = Tenant.register(
            ctx,
            on=today_in_norway(),
            slug=slug,
            name=name,
            population=population,
            shares_statistics=shares_statistics,
            areas=areas,
            taxonomy_from=taxonomy_from,
        )
        key = new_tenant_key()
        if not self._directory.add(slug, wrap(self._master_key, key, slug), bool(shares_statistics)):
            raise TenantExists("slug", f"«{slug}» finnes allerede")
        try:
            office = Office(
                self._application(slug, key, create_tables=True),
                self._tracer,
            )
            office.app.save(tenant)
        except BaseException:
            self._directory.remove(slug, ctx)
            raise
        self._offices[slug] = office
        return office

    def office(self, slug: str) -> Office:
        """The tenant's Office; an unknown slug raises the same error whether or not it ever existed."""
        if slug not in self._offices:
            wrapped = self._directory.wrapped_key(slug)
            if wrapped is None:
                raise UnknownTenant("tenant", f"finner ingen kommune «{slug}»")
            key = unwrap(self._master_key, wrapped, slug)
            self._offices[slug] = Office(self._application(slug, key), self._tracer)
        return self._offices[slug]

    def _application(self, slug: str, key: str, *, create_tables: bool = False) -> OfficeApplication:
        return OfficeApplication(
            slug,
            key,
            self._make_factory,
            create_tables=create_tables,
            inquiry_keys=self._directory.inquiry_keys(slug),
            epochs=self.epochs,
            search_keys=self._directory.search_keys(slug),
            attachments=self._directory.attachments(slug),
            sent_letters=self._directory.sent_letters(slug),
        )

    def create_account(
        self, by: Context, tenant: str, *, email: str, role: str, password: str, display_name: str | None = None
    ) -> Account:
        """A tenant's administrator adds staff to their own tenant, in a tenant role only."""
        require_choice("role", role, TENANT_ROLES)
        accounts = self._directory.accounts()
        return create_account(
            accounts, email=email, role=role, tenant=tenant, password=password, by=by, display_name=display_name
        )

    def invite_first_admin(self, by: Context, tenant: str, *, email: str, display_name: str | None = None) -> str:
        """A one-time link for the office's administrator (services/accounts.py); returns the link's token."""
        return invite_first_admin(self._directory.accounts(), by, tenant=tenant, email=email, display_name=display_name)

    def open_invitation(self, token: str) -> Account | None:
        return open_invitation(self._directory.accounts(), token)

    def accept_invitation(self, token: str, password: str, repeated: str) -> Account:
        return accept_invitation(self._directory.accounts(), token, password, repeated)

    def change_role(self, by: Context, tenant: str, *, account_id: str, role: str) -> None:
        change_role(self._directory.accounts(), by, tenant=tenant, account_id=account_id, role=role)

    def set_account_active(self, by: Context, command: SetAccountActive) -> None:
        set_active(self._directory.accounts(), by, command)

    def set_display_name(self, by: Context, command: SetDisplayName) -> None:
        set_display_name(self._directory.accounts(), by, command)

    def irreversible_at(self, now: datetime) -> datetime:
        """When an erasure made now can no longer be undone from any backup, WAL segment, replica or dead row."""
        return self.key_policy.irreversible_at(self.epochs.epochs(), now)

    def derived_secret(self, purpose: str) -> str:
        """A secret for one purpose (signing CSRF tokens), the same in every instance, never the master key."""
        return hmac.new(self._master_key, f"ombud/{purpose}".encode(), hashlib.sha256).hexdigest()

    def slugs(self) -> list[str]:
        return self._directory.slugs()

    def set_statistics_sharing(self, ctx: Context, slug: str, shares: bool) -> bool:
        """The office's choice to share statistics with the network, or to stop; True when it changed.

        The network's pages read the directory's flag, not the projections, so a change shows at once. The order
        is the safe one: stopping clears the flag before the event is recorded, starting records the event before
        the flag is set; whatever fails in between, the office is never shown against its recorded will.
        """
        if not isinstance(shares, bool):
            raise DomainError("shares_statistics", "må være ja eller nei")
        office = self.office(slug)  # an unknown slug raises UnknownTenant
        with self._directory.sharing_change(slug):  # an «on» and an «off» at once must not cross each other's writes
            if not shares:
                self._require_tenant(self._directory.set_sharing(slug, False, ctx), slug)
                return office.set_statistics_sharing(ctx, on=today_in_norway(), shares=False)
            changed = office.set_statistics_sharing(ctx, on=today_in_norway(), shares=True)
            self._require_tenant(self._directory.set_sharing(slug, True, ctx), slug)
            return changed

    def sharing_slugs(self) -> list[str]:
        """The tenants whose statistics the network may show right now (the directory's flag, never a cache)."""
        return self._directory.sharing_slugs()

    def reconcile_statistics_sharing(self) -> list[str]:
        """Sets each tenant's directory flag from its recorded choice; returns the slugs that changed.

        Migration 0024 adds the flag as false for the tenants that existed before it (their choice sits in their
        encrypted events, which SQL cannot read); this turns it on for those that share. A tenant whose events do
        not open keeps false: it stays out of the network rather than in against its will.
        """
        before = set(self._directory.sharing_slugs())
        changed = []
        for slug in self.slugs():
            with self._directory.sharing_change(slug):  # read and written with no change of the office's between
                profile = self.profiles_of([slug])[slug]
                if profile is None:
                    continue
                self._directory.set_sharing(slug, profile.shares_statistics, setup_context())
                if profile.shares_statistics != (slug in before):
                    changed.append(slug)
        return changed

    @staticmethod
    def _require_tenant(found: bool, slug: str) -> None:
        if not found:
            raise UnknownTenant("tenant", f"finner ingen kommune «{slug}»")

    def tenants(self) -> list[TenantProfile]:
        """Every tenant whose profile can be read (see `profiles`)."""
        return [profile for profile in self.profiles().values() if profile is not None]

    def profiles(self) -> dict[str, TenantProfile | None]:
        """Each tenant's profile, or None where its stored events no longer open (changed in the database behind
        the application's back: `ombud audit verify` says where), so that one damaged tenant never hides the others.
        A lost database connection is no damage: it propagates."""
        return self.profiles_of(self.slugs())

    def profiles_of(self, slugs: list[str]) -> dict[str, TenantProfile | None]:
        """As `profiles`, for the named tenants. Their profile events and keys are read at once, not tenant by tenant,
        and each tenant's events opened with its own key, without an office: listing 400 tenants costs a few queries."""
        stored = self._directory.stored_profiles(slugs)
        keys = self._directory.wrapped_keys([slug for slug in stored if slug not in self._offices])
        found: dict[str, TenantProfile | None] = {}
        for slug in slugs:
            try:
                if slug in stored:
                    mapper = self._profile_mapper(slug, keys.get(slug))
                    tenant = project_aggregate(None, (mapper.to_domain_event(event) for event in stored[slug]))
                    if not isinstance(tenant, Tenant):
                        raise UnknownTenant("tenant", f"finner ingen kommune «{slug}»")
                    found[slug] = Office.profile_of(tenant)
                else:
                    found[slug] = self.office(slug).profile()
            except (OperationalError, InterfaceError):
                raise
            except Exception as error:  # noqa: BLE001 (whatever a rewritten row makes decoding raise)
                log.warning("tenant=%s: profile unreadable (%s)", slug, type(error).__name__)
                found[slug] = None
        return found

    def _profile_mapper(self, slug: str, wrapped: bytes | None) -> Mapper[UUID]:
        """What opens a tenant's stored events: its office's, or an in-memory application's with the tenant's key
        (a tenant's profile holds no encrypted fields), which costs a fraction of an office on the database."""
        if slug in self._offices:
            return self._offices[slug].app.mapper
        if wrapped is None:
            raise UnknownTenant("tenant", f"finner ingen kommune «{slug}»")
        return OfficeApplication(slug, unwrap(self._master_key, wrapped, slug)).mapper

    def close(self) -> None:
        for office in self._offices.values():
            office.app.close()
        self._offices.clear()


class TenantExists(DomainError):
    """The slug is taken."""


class UnknownTenant(DomainError):
    """No tenant with that slug."""
