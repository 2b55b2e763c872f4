"""Annual reports as delivered to the council: each delivery names a chain position, and its figures are recomputed.

A delivery records the audit chain's head (0022_delivered_reports.sql) and the last event in the chain up to it. "As
delivered" never reads the stored figures back as the answer: the tenant's events up to that event are folded by the
worker's own projections (case_list, outreach) into the read tables under a private tenant id, inside one transaction
that is rolled back, and the report's own queries (annual_report.py) run there. The stored figures are the check that
the recomputation still gives what was delivered, and the "before" of what has changed since (docs/audit-reports.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import uuid4

import asyncpg
import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from domain.audit_chain import genesis
from domain.common import DomainError, InvalidField
from domain.tenant import Tenant
from projections import inquiries, outreach
from projections.annual_report import report_from, report_reads
from projections.report.model import FIGURE_NAMES
from projections.worker import PROJECTIONS, decoded, stored_after
from services.audit import chain as audit_chain
from services.office import Office, TenantProfile

if TYPE_CHECKING:
    from eventsourcing.postgres import PostgresApplicationRecorder

# What the annual report reads: the worker's own folds, in the worker's order.
REPORT_PROJECTIONS = (inquiries.NAME, outreach.NAME)
# Report keys that name the report rather than count anything.
_NOT_FIGURES = ("tenant", "year", "taxonomy_basis")

_SCOPE = "SELECT set_config('app.tenant_id', %s, true)"
_READER = "SELECT set_config('role', 'ombud_reader', true), set_config('app.tenant_id', %s, true)"
_EVENTS_THROUGH = (
    "SELECT coalesce(max(source_key), 0) FROM audit.chain_entries"
    " WHERE tenant_id = %s AND source = 'events' AND position <= %s"
)
_CHAIN_HASH = "SELECT chain_hash FROM audit.chain_entries WHERE tenant_id = %s AND position = %s"
_ADD = (
    "INSERT INTO read.delivered_reports (tenant_id, year, taxonomy_version, delivered_by, chain_length, chain_head,"
    " events_through, figures) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING delivered_at"
)
# $n placeholders: the page reads it with asyncpg, the recomputation with psycopg's raw cursor.
_LATEST = (
    "SELECT year, taxonomy_version, delivered_at, delivered_by, chain_length, chain_head, events_through,"
    " figures::text AS figures FROM read.delivered_reports WHERE year = $1 AND taxonomy_version IS NOT DISTINCT FROM $2"
    " ORDER BY delivered_at DESC LIMIT 1"
)


@dataclass(frozen=True)
class Delivery:
    year: int
    taxonomy_version: int | None
    delivered_at: datetime
    delivered_by: str
    chain_length: int
    chain_head: bytes
    events_through: int  # the highest event notification id among the chain's first `chain_length` entries
    figures: dict[str, Any]  # the report as delivered (JSON)


@dataclass(frozen=True)
class Change:
    """One figure that differs: `category` is the row of a table (an area, a case type …), None for a single figure."""

    figure: str
    category: str | None
    before: int | float | None
    after: int | float | None

    def name(self, names: dict[str, str]) -> str:
        """The figure in bokmål, and its row by name (`names`: projections.report.model.labels)."""
        figure = FIGURE_NAMES.get(self.figure, self.figure)
        return figure if self.category is None else f"{figure}: {names.get(self.category, self.category)}"

    @property
    def difference(self) -> int | float | None:
        if isinstance(self.before, int | float) and isinstance(self.after, int | float):
            return round(self.after - self.before, 1)
        return None


@dataclass(frozen=True)
class AsDelivered:
    delivery: Delivery
    report: dict[str, Any]  # recomputed from the events up to the delivery's chain position
    now: dict[str, Any]  # the figures as the read models hold them now
    chain_holds: bool  # the chain still has the delivery's head at the delivery's position

    @property
    def reproduced(self) -> bool:
        return self.chain_holds and as_json(self.report) == self.delivery.figures

    @property
    def deviations(self) -> list[Change]:
        """Where the recomputation differs from the figures stored at delivery (tampering, or a changed projection)."""
        return changes(self.delivery.figures, as_json(self.report))

    @property
    def changed_since(self) -> list[Change]:
        return changes(self.report, self.now)


class StatisticsBehind(DomainError):
    """The read models do not yet hold every event in the chain: the page's figures are not what would be recorded."""

    def __init__(self) -> None:
        super().__init__(
            None, "statistikken er ikke oppdatert med alle registreringene ennå; vent litt og merk rapporten på nytt"
        )


def deliver(
    conn: psycopg.Connection[Any], office: Office, year: int, taxonomy_version: int | None, by: str
) -> Delivery:
    """Seals the tenant's chain, recomputes the report up to its head and records the delivery.

    Refused (StatisticsBehind) when the figures the office sees now are not those of the sealed events, so what is
    recorded is always what the office looked at; refused for a year with no inquiries. `conn` is in autocommit mode,
    as audit_chain expects.
    """
    slug = office.slug
    audit_chain.seal(conn, slug)
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(_SCOPE, (slug,))
        head = audit_chain.head(cursor, slug)
        cursor.execute(_EVENTS_THROUGH, (slug, head.length))
        through = cursor.fetchone()[0]  # type: ignore[index]  # the query always returns one row
    figures = as_json(recompute(conn, office, year, taxonomy_version, through))
    if not figures["total"]:
        raise InvalidField("year", f"ingen henvendelser er mottatt i {year}: det er ingen årsrapport å levere")
    if as_json(current(conn, office.profile(), year, taxonomy_version)) != figures:
        raise StatisticsBehind()
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(_SCOPE, (slug,))
        cursor.execute(_ADD, (slug, year, taxonomy_version, by, head.length, head.hash, through, Jsonb(figures)))
        delivered_at = cursor.fetchone()[0]  # type: ignore[index]  # the query always returns one row
    return Delivery(year, taxonomy_version, delivered_at, by, head.length, head.hash, through, figures)


def as_delivered(
    conn: psycopg.Connection[Any], office: Office, year: int, taxonomy_version: int | None
) -> AsDelivered | None:
    """The latest delivery of the year, its figures recomputed, and today's; None when the year was never delivered."""
    slug = office.slug
    with conn.transaction():
        conn.execute(_SCOPE, (slug,))
        with _raw(conn) as reads:
            row = reads.execute(_LATEST, (year, taxonomy_version)).fetchone()
        if row is None:
            return None
        found = _delivery(row)
        entry = conn.execute(_CHAIN_HASH, (slug, found.chain_length)).fetchone()
    stored = genesis(slug) if found.chain_length == 0 else entry and bytes(entry[0])
    report = recompute(conn, office, year, taxonomy_version, found.events_through)
    now = current(conn, office.profile(), year, taxonomy_version)
    return AsDelivered(found, report, now, stored == found.chain_head)


async def latest(conn: asyncpg.Connection, year: int, taxonomy_version: int | None) -> Delivery | None:
    """The year's latest delivery under the tenant's setting (the statistics page's reader)."""
    row = await conn.fetchrow(_LATEST, year, taxonomy_version)
    return None if row is None else _delivery(row)


def _delivery(row: Any) -> Delivery:
    return Delivery(
        row["year"],
        row["taxonomy_version"],
        row["delivered_at"],
        row["delivered_by"],
        row["chain_length"],
        bytes(row["chain_head"]),
        row["events_through"],
        json.loads(row["figures"]),
    )


def recompute(
    conn: psycopg.Connection[Any], office: Office, year: int, taxonomy_version: int | None, through: int
) -> dict[str, Any]:
    """The annual report from the tenant's events up to notification id `through`, and from nothing else.

    The tenant's profile (taxonomies, names) is taken as it stood at that event too.
    """
    app = office.app
    shadow = f"{office.slug}~{uuid4().hex}"  # no tenant slug has a ~ (domain/tenant.py): no real rows are seen
    profile = office.profile(_tenant_version(conn, office, through))
    with conn.transaction(force_rollback=True), conn.cursor() as cursor:
        cursor.execute(_SCOPE, (shadow,))
        position = 0
        while rows := stored_after(cursor, app, position, through=through):
            events = decoded(app, rows)
            for name in REPORT_PROJECTIONS:
                PROJECTIONS[name](cursor, shadow, events)
            position = rows[-1][0]
        return _annual_report(conn, profile, year, taxonomy_version)


def current(
    conn: psycopg.Connection[Any], profile: TenantProfile, year: int, taxonomy_version: int | None
) -> dict[str, Any]:
    """The report from the read models as they are now: what the statistics page and `ombud report annual` show."""
    with conn.transaction():
        conn.execute(_READER, (profile.slug,))
        return _annual_report(conn, profile, year, taxonomy_version)


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Every figure that differs, in the report's order; a row missing from a table counts 0."""
    found: list[Change] = []
    for figure in [*after, *(key for key in before if key not in after)]:
        if figure in _NOT_FIGURES:
            continue
        old, new = before.get(figure), after.get(figure)
        if isinstance(old, dict) or isinstance(new, dict):
            old, new = old or {}, new or {}
            found.extend(
                Change(figure, category, old.get(category, 0), new.get(category, 0))
                for category in [*new, *(key for key in old if key not in new)]
                if old.get(category, 0) != new.get(category, 0)
            )
        elif old != new:
            found.append(Change(figure, None, old, new))
    return found


def as_json(report: dict[str, Any]) -> dict[str, Any]:
    """The report as JSON gives it back: how the stored figures compare with a recomputation."""
    return json.loads(json.dumps(report))


def _tenant_version(conn: psycopg.Connection[Any], office: Office, through: int) -> int | None:
    recorder = cast("PostgresApplicationRecorder", office.app.recorder)
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "SELECT max(originator_version) FROM {}.{} WHERE originator_id = %s AND notification_id <= %s"
            ).format(sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name)),
            (Tenant.id_for(), through),
        )
        return cursor.fetchone()[0]  # type: ignore[index]  # the query always returns one row


def _annual_report(
    conn: psycopg.Connection[Any], profile: TenantProfile, year: int, taxonomy_version: int | None
) -> dict[str, Any]:
    """The annual report's own reads (projections/annual_report.py), run on this connection's open transaction."""
    with _raw(conn) as cursor:
        rows = {
            name: cursor.execute(query, args).fetchall() for name, (query, args) in report_reads(profile, year).items()
        }
    return report_from(rows, profile, year, taxonomy_version)


def _raw(conn: psycopg.Connection[Any]) -> psycopg.RawCursor[dict[str, Any]]:
    """A cursor that takes PostgreSQL's own $n placeholders, as the report's queries (written for asyncpg) have."""
    return psycopg.RawCursor(conn, row_factory=dict_row)
