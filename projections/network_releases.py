"""The network's releases (read.network_releases): each finished year's figures published as numbered releases.

Figures published once stay published: a reader keeps every release, and the difference of two honest releases
can give away what each hides (a national total before and after an office left is that office's row). So the
network never sees a live computation: every page and file shows a release, and release n of a year is protected
together with releases 1..n-1 (domain.disclosure.protect_release). An office's change of sharing, and any change of
the counts, show at the year's next release. Releases are made by `ombud network release` and by the worker
(`RELEASE_DAYS`); a year whose figures did not change gets no new release.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg import Connection, Cursor

from domain.disclosure import AlreadyShown, Release, protect_release
from projections.network_figures import sharing_figures, years_with_figures
from projections.network_report import Office, YearTables, equations_of, publish_year, year_tables

RELEASE_DAYS = 7  # the worker makes a year's next release when its figures changed and its latest is this old
_LOCK = "SELECT pg_advisory_xact_lock(hashtext('ombud:network-releases'))"  # one maker at a time, across processes
_NETWORK = "SELECT set_config('app.network', 'on', true)"
_EARLIER = "SELECT number, released_at, source FROM read.network_releases WHERE year = %s ORDER BY number"
_INSERT = (
    "INSERT INTO read.network_releases (year, number, released_by, threshold, published, source)"
    " VALUES (%s, %s, %s, %s, %s::jsonb, %s::jsonb)"
)


@dataclass(frozen=True)
class Made:
    year: int
    number: int | None  # None: refused, as nothing could protect a count the new release would show (AlreadyShown)


def release_year(tables: YearTables, earlier: Sequence[Release], threshold: int) -> tuple[dict[str, Any], Release]:
    """The next release of a year: its published tables, and what the release after it must respect."""
    hidden = protect_release(earlier, tables.values, tables.equations, threshold)
    return publish_year(tables, hidden, threshold), Release(tables.values, tables.equations, hidden)


def source_of(release: Release, digest: str) -> dict[str, Any]:
    """What is kept of a release for the next one (never shown): every cell's count, and the cells it hid."""
    return {
        "cells": [[*key, n] for key, n in sorted(release.values.items())],
        "hidden": sorted(list(key) for key in release.hidden),
        "digest": digest,
    }


def release_of(source: dict[str, Any]) -> Release:
    values = {(slug, measure, key): n for slug, measure, key, n in source["cells"]}
    return Release(values, equations_of(values), frozenset(tuple(key) for key in source["hidden"]))


def digest_of(tables: YearTables, threshold: int) -> str:
    """What a release shows, before disclosure control: a year whose digest is its latest release's gets none."""
    offices = [[office.slug, office.name, office.population] for office in tables.offices]
    counts = sorted([*key, n] for key, n in tables.values.items())
    days = sorted([slug, *histogram] for slug, histogram in tables.histograms.items())
    text = json.dumps([threshold, offices, counts, days], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def make_releases(
    conn: Connection[Any],
    threshold: int,
    last_finished: int,
    *,
    by: str,
    years: Sequence[int] | None = None,
    due: datetime | None = None,
) -> list[Made]:
    """Makes the next release of each finished year (those of `years`, else every year any sharing office has
    figures for) whose figures, offices or threshold differ from its latest release, in one transaction.

    `due`: only for years without a release, or whose latest release was made at or before it (the worker's rule).
    """
    made: list[Made] = []
    with conn.transaction(), conn.cursor() as cursor:
        cursor.execute(_LOCK)
        cursor.execute(_NETWORK)
        cursor.execute("SET LOCAL ROLE ombud_network")  # the sharing offices' counts, as the network reads them
        wanted = [year for year in years if year <= last_finished] if years is not None else []
        if years is None:
            wanted = years_with_figures(cursor, last_finished)
        rows, figures, days = sharing_figures(cursor, list(wanted))
        cursor.execute("RESET ROLE")
        offices = [Office(*row) for row in rows]
        for year in wanted:
            tables = year_tables(year, offices, figures, days)
            digest = digest_of(tables, threshold)
            earlier = _earlier(cursor, year)
            if earlier:
                number, released_at, source = earlier[-1]
                if source["digest"] == digest or (due is not None and released_at > due):
                    continue
            elif not tables.offices:
                continue  # nothing to publish, and nothing published before
            try:
                entry, release = release_year(tables, [release_of(source) for _, _, source in earlier], threshold)
            except AlreadyShown:
                made.append(Made(year, None))  # the latest release stays; a later change of the counts may allow one
                continue
            number = entry["release"] = len(earlier) + 1
            cursor.execute(
                _INSERT,
                (year, number, by, threshold, json.dumps(entry), json.dumps(source_of(release, digest))),
            )
            made.append(Made(year, number))
    return made


def _earlier(cursor: Cursor[Any], year: int) -> list[tuple[int, datetime, dict[str, Any]]]:
    cursor.execute(_EARLIER, (year,))
    return [(number, at, source if isinstance(source, dict) else json.loads(source)) for number, at, source in cursor]


def worker_due(now: datetime) -> datetime:
    """The worker releases a changed year whose latest release is at least RELEASE_DAYS old."""
    return now - timedelta(days=RELEASE_DAYS)
