"""The kommune as a tenant: its name, size, statistics sharing, service-area taxonomy and case types."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.common import (
    Context,
    InvalidField,
    OutOfRange,
    StampedEvent,
    require_business_date,
    require_count,
    require_not_future,
    require_text,
)
from domain.letterhead import Letterhead
from domain.national_groups import GROUP_CODES, complete_mapping
from domain.privacy_statement import clean as clean_privacy_statement
from domain.taxonomy import STANDARD_CASE_TYPES, CaseType, ServiceArea, Taxonomy, TaxonomyData, in_force

SLUG = re.compile(r"[a-z][a-z0-9-]{1,39}")
# The platform's own first path segments: a tenant named so would shadow or be shadowed by them.
RESERVED_SLUGS = frozenset(
    {"login", "logout", "static", "health", "plattform", "nettverk", "api", "admin", "revisjon", "invitasjon"}
)
TENANT_ID = uuid5(NAMESPACE_URL, "https://ombud.invalid/tenant")
# More people than live in Norway: no kommune is larger.
MAX_POPULATION = 10_000_000
# Retention (kassasjon) is counted in whole years after an inquiry was resolved; a century outlasts every rule.
MAX_RETENTION_YEARS = 100


def require_slug(slug: object) -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise InvalidField("slug", "må være 2–40 tegn: små bokstaver, tall og bindestrek, og starte med en bokstav")
    if slug in RESERVED_SLUGS:
        raise InvalidField("slug", f"«{slug}» er reservert av plattformen; velg et annet navn")
    return slug


class Tenant(Aggregate):
    """One kommune's office. Each tenant's event store holds exactly one of these."""

    # The state the events' `apply` methods set, declared for the type checker only: annotations in the class body
    # would make the library turn the aggregate into a dataclass with these fields as constructor arguments.
    if TYPE_CHECKING:
        slug: str
        name: str
        population: int | None
        shares_statistics: bool
        taxonomies: list[Taxonomy]
        case_types: tuple[CaseType, ...]

    @staticmethod
    def id_for() -> UUID:
        return TENANT_ID

    class Registered(Aggregate.Created, StampedEvent):
        slug: str
        name: str
        population: int | None
        shares_statistics: bool
        taxonomy: TaxonomyData
        case_types: list[list[str]]

        def apply(self, tenant: Tenant) -> None:
            tenant.slug = self.slug
            tenant.name = self.name
            tenant.population = self.population
            tenant.shares_statistics = self.shares_statistics
            tenant.taxonomies = [Taxonomy.from_data(self.taxonomy)]
            tenant.case_types = tuple(CaseType(*row) for row in self.case_types)

    class ProfileChanged(StampedEvent):
        name: str
        population: int | None
        shares_statistics: bool

        def apply(self, tenant: Tenant) -> None:
            tenant.name = self.name
            tenant.population = self.population
            tenant.shares_statistics = self.shares_statistics

    class TaxonomyPublished(StampedEvent):
        taxonomy: TaxonomyData
        mapping: dict[str, str]

        def apply(self, tenant: Tenant) -> None:
            tenant.taxonomies.append(Taxonomy.from_data(self.taxonomy))
            tenant.taxonomy_mappings[len(tenant.taxonomies)] = dict(self.mapping)

    class StatisticsSharingChanged(StampedEvent):
        """The office starts or stops sharing its aggregated statistics with the national ombud network."""

        shares_statistics: bool

        def apply(self, tenant: Tenant) -> None:
            tenant.shares_statistics = self.shares_statistics

    class NationalGroupsMapped(StampedEvent):
        """Which national group each area of taxonomy `version` counts under in the network: every area, as chosen."""

        version: int
        groups: dict[str, str]

        def apply(self, tenant: Tenant) -> None:
            tenant.national_group_choices[self.version] = dict(self.groups)

    class RetentionChanged(StampedEvent):
        """Personal data is erased `years` after an inquiry was resolved; None turns retention off."""

        years: int | None

        def apply(self, tenant: Tenant) -> None:
            tenant.retention_years = self.years

    class RetentionRun(StampedEvent):
        """A person erased the inquiries retention had made due, this many, for this reason (no personal data): each
        erasure records the reason too, but an erasure's reason dies with the inquiry's key, and this one stays."""

        erased: int
        reason: str

        def apply(self, tenant: Tenant) -> None:
            pass

    class LetterheadChanged(StampedEvent):
        """The office's letterhead, signature and own letter texts (domain.letterhead), as one whole."""

        letterhead: dict[str, Any]

        def apply(self, tenant: Tenant) -> None:
            tenant.letterhead_data = dict(self.letterhead)

    class PrivacyStatementChanged(StampedEvent):
        """The office's own privacy statement (domain.privacy_statement), plain text; blank: the product's text."""

        text: str

        def apply(self, tenant: Tenant) -> None:
            tenant.privacy_statement = self.text

    @classmethod
    def register(
        cls,
        ctx: Context,
        *,
        on: date,
        slug: str,
        name: str,
        population: int | None,
        shares_statistics: bool,
        areas: tuple[ServiceArea, ...],
        taxonomy_from: date,
    ) -> Tenant:
        require_not_future("on", on)
        taxonomy = Taxonomy(
            version=1, effective_from=require_business_date("taxonomy_from", taxonomy_from), areas=areas
        )
        return cls._create(
            cls.Registered,
            id=TENANT_ID,
            slug=require_slug(slug),
            name=require_text("name", name, max_length=200),
            population=_population(population),
            shares_statistics=bool(shares_statistics),
            taxonomy=taxonomy.as_data(),
            case_types=[[c.code, c.name] for c in STANDARD_CASE_TYPES],
            **ctx.stamp(on),
        )

    def __init__(self) -> None:
        self.taxonomy_mappings: dict[int, dict[str, str]] = {}
        self.national_group_choices: dict[int, dict[str, str]] = {}
        self.retention_years: int | None = None
        self.letterhead_data: dict[str, Any] | None = None
        self.privacy_statement = ""

    def change_profile(
        self, ctx: Context, *, on: date, name: str, population: int | None, shares_statistics: bool
    ) -> None:
        require_not_future("on", on)
        self.trigger_event(
            self.ProfileChanged,
            name=require_text("name", name, max_length=200),
            population=_population(population),
            shares_statistics=bool(shares_statistics),
            **ctx.stamp(on),
        )

    def publish_taxonomy(
        self,
        ctx: Context,
        *,
        on: date,
        effective_from: date,
        areas: tuple[ServiceArea, ...],
        mapping: dict[str, str],
    ) -> None:
        """A new version; `mapping` says which new area each old area's inquiries now count under."""
        require_not_future("on", on)
        latest = self.taxonomies[-1]
        if effective_from <= latest.effective_from:
            raise InvalidField("effective_from", "må være etter forrige versjons gyldighetsdato")
        require_business_date("effective_from", effective_from)
        new = Taxonomy(version=latest.version + 1, effective_from=effective_from, areas=areas)
        new_codes = {a.code for a in new.areas}
        by_code: dict[str, str] = {}
        for old, target in mapping.items():
            try:
                by_code[latest.find(old).code] = target
            except InvalidField:
                raise InvalidField("mapping", f"«{old}» finnes ikke i versjon {latest.version}") from None
            if target not in new_codes:
                raise InvalidField("mapping", f"«{target}» finnes ikke i den nye versjonen")
        unmapped = [a.code for a in latest.areas if a.code not in new_codes and a.code not in by_code]
        if unmapped:
            raise InvalidField("mapping", f"mangler ny plassering for: {', '.join(unmapped)}")
        self.trigger_event(self.TaxonomyPublished, taxonomy=new.as_data(), mapping=by_code, **ctx.stamp(on))

    def change_statistics_sharing(self, ctx: Context, *, on: date, shares: bool) -> bool:
        """Records the office's choice; False (and nothing recorded) when it is already so."""
        require_not_future("on", on)
        if not isinstance(shares, bool):
            raise InvalidField("shares_statistics", "må være ja eller nei")
        if shares == self.shares_statistics:
            return False
        self.trigger_event(self.StatisticsSharingChanged, shares_statistics=shares, **ctx.stamp(on))
        return True

    def map_national_groups(self, ctx: Context, *, on: date, version: int, groups: dict[str, str]) -> None:
        """The office's national group for areas of one taxonomy version; areas left out keep the group they have.

        The event holds every area of the version, so what the network counted under stays readable as chosen.
        """
        require_not_future("on", on)
        taxonomy = self.taxonomy(version)
        if not isinstance(groups, dict) or not all(
            isinstance(a, str) and isinstance(g, str) for a, g in groups.items()
        ):
            raise InvalidField("national_group", "må angi en nasjonal gruppe per tjenesteområde")
        codes = [area.code for area in taxonomy.areas]
        complete = complete_mapping(codes, {**self.national_groups(taxonomy.version), **groups})
        self.trigger_event(self.NationalGroupsMapped, version=taxonomy.version, groups=complete, **ctx.stamp(on))

    def taxonomy(self, version: int) -> Taxonomy:
        """One version of the taxonomy; an unknown one raises naming the field."""
        if isinstance(version, int) and not isinstance(version, bool):
            for taxonomy in self.taxonomies:
                if taxonomy.version == version:
                    return taxonomy
        raise InvalidField(
            "taxonomy_version", f"taksonomiversjonen finnes ikke; kommunen har versjon 1–{len(self.taxonomies)}"
        )

    def national_groups(self, version: int) -> dict[str, str]:
        """Every area of the version with its national group: the office's choice over the built-in default."""
        taxonomy = self.taxonomy(version)
        chosen = self.national_group_choices.get(taxonomy.version, {})
        # A group the national list no longer has falls back to the default rather than breaking every reader.
        kept = {area: group for area, group in chosen.items() if group in GROUP_CODES}
        return complete_mapping((area.code for area in taxonomy.areas), kept)

    def change_retention(self, ctx: Context, *, on: date, years: int | None) -> None:
        require_not_future("on", on)
        self.trigger_event(self.RetentionChanged, years=_retention_years(years), **ctx.stamp(on))

    def record_retention_run(self, ctx: Context, *, on: date, erased: int, reason: str) -> None:
        require_not_future("on", on)
        if isinstance(erased, bool) or not isinstance(erased, int) or erased < 0:
            raise InvalidField("erased", "må være et helt tall fra 0")
        self.trigger_event(
            self.RetentionRun, erased=erased, reason=require_text("reason", reason, max_length=200), **ctx.stamp(on)
        )

    def change_letterhead(self, ctx: Context, *, on: date, letterhead: Letterhead) -> None:
        require_not_future("on", on)
        if not isinstance(letterhead, Letterhead):
            raise InvalidField("letterhead", "må være et brevhode")
        self.trigger_event(self.LetterheadChanged, letterhead=letterhead.as_data(), **ctx.stamp(on))

    def change_privacy_statement(self, ctx: Context, *, on: date, text: str) -> bool:
        """False, and nothing recorded, when the cleaned text is the one already in force (a double post)."""
        require_not_future("on", on)
        cleaned = clean_privacy_statement(text)
        if cleaned == self.privacy_statement:
            return False
        self.trigger_event(self.PrivacyStatementChanged, text=cleaned, **ctx.stamp(on))
        return True

    @property
    def letterhead(self) -> Letterhead | None:
        """None until the administrator has filled it in; the letters then carry the kommune's name only."""
        return None if self.letterhead_data is None else Letterhead.from_data(self.letterhead_data)

    def taxonomy_on(self, day: date) -> Taxonomy:
        return in_force(self.taxonomies, day)

    def require_case_types(self, codes: list[str] | tuple[str, ...]) -> None:
        known = {c.code for c in self.case_types}
        for code in codes:
            if code not in known:
                raise UnknownCaseType("case_types", f"ukjent sakstype «{code}»; gyldige: {', '.join(sorted(known))}")


def _population(value: int | None) -> int | None:
    return None if value is None else require_count("population", value, maximum=MAX_POPULATION)


def _retention_years(value: int | None) -> int | None:
    if value is None:
        return None
    years = require_count("years", value, maximum=MAX_RETENTION_YEARS)
    if years < 1:
        raise OutOfRange("years", f"må være fra 1 til {MAX_RETENTION_YEARS} år")
    return years


class UnknownCaseType(InvalidField):
    """A case type that is not in the tenant's list."""
