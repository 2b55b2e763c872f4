"""A report marked delivered is recomputed exactly from the events up to its chain position, whatever came after."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import closing
from datetime import date

import psycopg
import pytest
from psycopg.types.json import Jsonb

from domain.common import Context
from projections import delivered_reports
from projections.delivered_reports import StatisticsBehind
from projections.report.model import FIGURE_NAMES, labels
from projections.worker import ProjectionWorker
from services.case_commands import Recategorise, Resolve
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.integration.conftest import Run

YEAR = "2024"
SECOND: dict[str, str] = {}  # each tenant's second inquiry of the year, open when the report is delivered


def receive(office: Office, ctx: Context, day: date, area: str, *case_types: str) -> str:
    return factories.receive(
        office,
        ctx,
        received_on=day,
        service_area=area,
        case_types=list(case_types),
        summary="Fiktiv testsak om manglende svar",
        requester_name="Testperson Prøvesen",
    ).reference


@pytest.fixture
def offices(platform: Platform, admin: Context, caseworker: Context, new_slug: Callable[[], str]) -> list[Office]:
    """Two tenants with a few inquiries of 2024 (one resolved) and an outreach activity each."""
    made = []
    for name in ("Prøveby kommune", "Annenby kommune"):
        office = platform.create_tenant(admin, slug=new_slug(), name=name)
        first = receive(office, caseworker, date(2024, 2, 1), "helse", "no_reply")
        SECOND[office.slug] = receive(office, caseworker, date(2024, 3, 4), "helse", "application_help", "no_reply")
        receive(office, caseworker, date(2024, 11, 30), "nav", "complaint_help")
        office.handle(caseworker, Resolve(inquiry=first, on=date(2024, 4, 2), outcome="guided"))
        office.register_outreach(
            caseworker,
            held_on=date(2024, 5, 5),
            kind="talk",
            title="Om ombudet",
            audience="Eldrerådet",
            participants=20,
        )
        made.append(office)
    return made


def report(ombud: Run, slug: str, *options: str) -> tuple[int, str, str]:
    return ombud("report", "annual", "--tenant", slug, "--year", YEAR, "--format", "json", *options)


def later_corrections(office: Office, caseworker: Context) -> None:
    """What happens after the delivery: more inquiries of the year, one recategorised, one resolved."""
    receive(office, caseworker, date(2024, 12, 20), "nav", "no_reply")
    receive(office, caseworker, date(2024, 12, 27), "helse", "illegality")
    second = SECOND[office.slug]
    office.handle(
        caseworker,
        Recategorise(inquiry=second, on=date(2025, 1, 9), service_area="nav", case_types=["application_help"]),
    )
    office.handle(caseworker, Resolve(inquiry=second, on=date(2025, 1, 10), outcome="referred"))


def test_as_delivered_reproduces_the_delivered_figures_after_later_events_changed_them(
    ombud: Run, offices: list[Office], caseworker: Context
) -> None:
    office = offices[0]
    code, delivered_json, _ = report(ombud, office.slug)
    assert code == 0
    code, out, err = ombud("report", "deliver", "--tenant", office.slug, "--year", YEAR)
    assert (code, err) == (0, "")
    assert "revisjonsspor posisjon" in out and out.count("\n") == 1

    later_corrections(office, caseworker)
    assert ombud("projections", "rebuild", "--tenant", office.slug)[0] == 0
    code, now_json, _ = report(ombud, office.slug)
    assert code == 0 and now_json != delivered_json

    code, out, err = report(ombud, office.slug, "--as-delivered")
    assert code == 0, err
    assert out == delivered_json  # exactly the figures delivered, though the events changed them since
    assert "reprodusert" in err and "IKKE" not in err
    before, after = json.loads(delivered_json), json.loads(now_json)
    assert before["total"] != after["total"]
    for key in ("total", "resolved", "open_at_year_end", "outside_mandate"):
        line = f"  {FIGURE_NAMES[key]}: {before[key]} → {after[key]}"
        assert (line in err) == (before[key] != after[key]), key
    names = labels(office.profile())
    areas = {*before["by_primary_area"], *after["by_primary_area"]}
    moved = {a: (before["by_primary_area"].get(a, 0), after["by_primary_area"].get(a, 0)) for a in areas}
    moved = {area: counts for area, counts in moved.items() if counts[0] != counts[1]}
    assert moved
    for area, (old, new) in moved.items():
        assert f"  {FIGURE_NAMES['by_primary_area']}: {names[area]}: {old} → {new}" in err


def test_the_as_delivered_figures_as_csv_are_the_delivered_csv(ombud: Run, offices: list[Office], caseworker) -> None:
    office = offices[0]
    delivered_csv = ombud("report", "annual", "--tenant", office.slug, "--year", YEAR, "--format", "csv")[1]
    assert ombud("report", "deliver", "--tenant", office.slug, "--year", YEAR)[0] == 0
    later_corrections(office, caseworker)
    code, out, _ = ombud(
        "report", "annual", "--tenant", office.slug, "--year", YEAR, "--format", "csv", "--as-delivered"
    )
    assert (code, out) == (0, delivered_csv)


def test_a_year_never_delivered_is_one_line_naming_as_delivered(ombud: Run, offices: list[Office]) -> None:
    a, b = offices
    assert ombud("report", "deliver", "--tenant", a.slug, "--year", YEAR)[0] == 0
    code, out, err = report(ombud, b.slug, "--as-delivered")  # the other tenant's delivery is not b's
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "--as-delivered" in err and "ikke merket som levert" in err
    code, _, err = ombud("report", "annual", "--tenant", a.slug, "--year", "2023", "--as-delivered")
    assert code == 1 and "--as-delivered" in err and "Traceback" not in err


def test_a_year_without_inquiries_or_an_unknown_tenant_is_one_line_and_records_nothing(
    ombud: Run, offices: list[Office], database_url: str
) -> None:
    office = offices[0]
    code, out, err = ombud("report", "deliver", "--tenant", office.slug, "--year", "2023")
    assert (code, out) == (1, "") and err.count("\n") == 1 and "year: ingen henvendelser er mottatt i 2023" in err
    code, out, err = ombud("report", "deliver", "--tenant", "finnes-ikke", "--year", YEAR)
    assert (code, out) == (1, "") and err.count("\n") == 1 and "tenant:" in err
    code, _, err = ombud("report", "deliver", "--tenant", office.slug, "--year", "²⁰²⁴")
    assert code == 2 and err.count("\n") == 1 and "--year" in err
    assert deliveries(database_url, office.slug) == 0


def test_a_later_delivery_supersedes_the_earlier_and_both_stay(
    ombud: Run, offices: list[Office], caseworker: Context, database_url: str
) -> None:
    office = offices[0]
    assert ombud("report", "deliver", "--tenant", office.slug, "--year", YEAR)[0] == 0
    later_corrections(office, caseworker)
    second_json = report(ombud, office.slug)[1]  # catches up first
    assert ombud("report", "deliver", "--tenant", office.slug, "--year", YEAR)[0] == 0
    code, out, err = report(ombud, office.slug, "--as-delivered")
    assert (code, out) == (0, second_json)
    assert "ingen tall er endret siden levering" in err
    assert deliveries(database_url, office.slug) == 2


def deliveries(url: str, tenant: str) -> int:
    with psycopg.connect(url) as conn, conn.transaction():
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        return conn.execute("SELECT count(*) FROM read.delivered_reports").fetchone()[0]


def test_deliveries_are_seen_only_under_their_own_tenant_and_never_changed_by_the_app(
    ombud: Run, offices: list[Office], database_url: str
) -> None:
    a, b = offices
    assert ombud("report", "deliver", "--tenant", a.slug, "--year", YEAR)[0] == 0
    assert (deliveries(database_url, a.slug), deliveries(database_url, b.slug), deliveries(database_url, "")) == (
        1,
        0,
        0,
    )
    with psycopg.connect(database_url) as conn:
        for statement in ("UPDATE read.delivered_reports SET year = 2023", "DELETE FROM read.delivered_reports"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute("SELECT set_config('app.tenant_id', %s, true)", (a.slug,))
                conn.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (b.slug,))
            conn.execute(
                "INSERT INTO read.delivered_reports (tenant_id, year, delivered_by, chain_length, chain_head,"
                " events_through, figures) VALUES (%s, 2024, 'x', 0, %s, 0, '{}')",
                (a.slug, bytes(32)),
            )
    assert deliveries(database_url, a.slug) == 1


def test_stored_figures_that_the_events_do_not_give_are_reported_loudly(
    ombud: Run, offices: list[Office], admin_database_url: str
) -> None:
    office = offices[0]
    assert ombud("report", "deliver", "--tenant", office.slug, "--year", YEAR)[0] == 0
    with psycopg.connect(admin_database_url, autocommit=True) as conn:
        stored = conn.execute(
            "SELECT figures FROM read.delivered_reports WHERE tenant_id = %s", (office.slug,)
        ).fetchone()[0]
        conn.execute(
            "UPDATE read.delivered_reports SET figures = %s WHERE tenant_id = %s",
            (Jsonb({**stored, "total": stored["total"] + 7}), office.slug),
        )
    code, out, err = report(ombud, office.slug, "--as-delivered")
    assert code == 1
    assert json.loads(out)["total"] == stored["total"]  # the recomputation, not the stored figures
    assert "IKKE REPRODUSERT" in err
    assert f"{FIGURE_NAMES['total']}: levert {stored['total'] + 7}, regnet ut nå {stored['total']}" in err


def test_a_delivery_is_refused_while_the_statistics_lack_events_in_the_chain(
    offices: list[Office], caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    office = offices[0]
    worker.catch_up(office.slug)
    receive(office, caseworker, date(2024, 6, 6), "nav", "no_reply")  # stored, not yet projected
    with closing(psycopg.connect(database_url, autocommit=True)) as conn:
        with pytest.raises(StatisticsBehind):
            delivered_reports.deliver(conn, office, 2024, None, "test")
        assert deliveries(database_url, office.slug) == 0
        worker.catch_up(office.slug)
        delivery = delivered_reports.deliver(conn, office, 2024, None, "test")
        assert delivery.figures["total"] == 4
        again = delivered_reports.as_delivered(conn, office, 2024, None)
    assert again is not None and again.reproduced and again.changed_since == []
    assert again.delivery.chain_length == delivery.chain_length >= delivery.events_through > 0
