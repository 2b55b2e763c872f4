"""Retention (kassasjon) against the real servers: exactly the inquiries due are erased, in one tenant only."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import psycopg

from domain.common import today_in_norway
from domain.inquiry import ERASED
from infra.logins import worker_url_for
from projections.worker import ProjectionWorker
from services.application import table_prefix
from services.platform import Platform

Run = Callable[..., tuple[int, str, str]]

NAME = "Kari Kassasjonsen"
LONG_AGO = "2020-03-02"


def resolved(ombud: Run, tenant: str, reference: str, *, on: str = LONG_AGO) -> str:
    code, _, err = ombud(
        "inquiry", "receive", "--tenant", tenant, "--reference", reference, "--received-on", on,
        "--channel", "phone", "--requester-role", "user", "--service-area", "helse",
        "--summary", f"{NAME} ber om hjelp.", "--requester-name", NAME,
    )  # fmt: skip
    assert code == 0, err
    code, _, err = ombud("inquiry", "resolve", "--tenant", tenant, reference, "--on", on, "--outcome", "assisted")
    assert code == 0, err
    return reference


def event_count(admin_database_url: str, slug: str) -> int:
    with psycopg.connect(admin_database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM events.{table_prefix(slug)}_events").fetchone()[0]


def shows_name(ombud: Run, tenant: str, reference: str) -> bool:
    code, out, err = ombud("inquiry", "show", "--tenant", tenant, reference)
    assert code == 0, err
    assert NAME in out or ERASED in out
    return NAME in out


def annual_report(ombud: Run, tenant: str) -> str:
    code, out, err = ombud("report", "annual", "--tenant", tenant, "--year", "2020", "--format", "json")
    assert code == 0, err
    return out


def test_retention_erases_exactly_the_inquiries_due_skips_holds_and_the_other_tenant(
    ombud: Run, admin_database_url: str, new_slug: Callable[[], str]
) -> None:
    office, other = new_slug(), new_slug()
    recent = (today_in_norway() - timedelta(days=30)).isoformat()
    for slug in (office, other):
        assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
        resolved(ombud, slug, "2020-1")
    resolved(ombud, office, "2020-2")
    resolved(ombud, office, "2020-3")
    resolved(ombud, office, "2099-1", on=recent)
    assert ombud("inquiry", "hold", "--tenant", office, "2020-3", "--reason", "tvist")[0] == 0
    for slug in (office, other):
        code, out, err = ombud("retention", "set", "--tenant", slug, "--years", "1" if slug == office else "off")
        assert code == 0, err
    reports_before = [annual_report(ombud, slug) for slug in (office, other)]
    events_before = event_count(admin_database_url, office)

    code, dry, err = ombud("retention", "run", "--tenant", office, "--dry-run")
    assert code == 0, err
    assert dry.splitlines() == [f"{office} 2020-1", f"{office} 2020-2", "2 henvendelser ville blitt slettet"]
    assert event_count(admin_database_url, office) == events_before  # a dry run writes nothing
    assert shows_name(ombud, office, "2020-1")

    code, out, err = ombud("retention", "run")
    assert code == 0, err
    assert f"{office} 2020-1" in out.splitlines() and f"{office} 2020-2" in out.splitlines()
    assert not any(line.startswith(other) for line in out.splitlines())
    assert NAME not in out
    assert [shows_name(ombud, office, ref) for ref in ("2020-1", "2020-2", "2020-3", "2099-1")] == [
        False,
        False,
        True,
        True,
    ]
    assert shows_name(ombud, other, "2020-1")
    assert [annual_report(ombud, slug) for slug in (office, other)] == reports_before
    code, out, err = ombud("inquiry", "history", "--tenant", office, "2020-1", "--json")
    assert code == 0, err
    erased = json.loads(out)[-1]
    assert (erased["event"], erased["details"]) == ("Erased", {"reason": ERASED})  # encrypted with the key it destroyed

    code, out, err = ombud("retention", "run", "--tenant", office)
    assert (code, out.splitlines()) == (0, ["0 henvendelser slettet"]), err


def test_retention_is_off_by_default_and_erases_nothing(ombud: Run, new_slug: Callable[[], str]) -> None:
    office = new_slug()
    assert ombud("tenant", "create", office, "--name", "Prøvekommune")[0] == 0
    resolved(ombud, office, "2020-1")

    code, out, err = ombud("retention", "run", "--tenant", office)

    assert (code, out.splitlines()) == (0, ["0 henvendelser slettet"]), err
    assert shows_name(ombud, office, "2020-1")


def test_a_lifted_hold_lets_the_workers_daily_run_erase_once_a_day(
    ombud: Run, worker: ProjectionWorker, platform: Platform, database_url: str, new_slug: Callable[[], str]
) -> None:
    office, other = new_slug(), new_slug()
    for slug in (office, other):
        assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
        resolved(ombud, slug, "2020-1")
    assert ombud("retention", "set", "--tenant", office, "--years", "2")[0] == 0
    assert ombud("inquiry", "hold", "--tenant", office, "2020-1")[0] == 0

    worker.retention_once_a_day()
    assert shows_name(ombud, office, "2020-1")
    assert ombud("inquiry", "hold", "--tenant", office, "2020-1", "--lift")[0] == 0
    worker.retention_once_a_day()  # the same day: the run is not repeated
    assert shows_name(ombud, office, "2020-1")

    fresh = ProjectionWorker(platform, worker_url_for(database_url))  # another process, or the next day
    try:
        fresh.retention_once_a_day()
    finally:
        fresh.close()
    assert not shows_name(ombud, office, "2020-1")
    assert shows_name(ombud, other, "2020-1")
