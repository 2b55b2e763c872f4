"""An event a projection cannot apply sets that tenant's projection aside; every other tenant's read side moves on."""

from __future__ import annotations

import base64
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from domain.common import Context
from domain.outreach import OutreachActivity
from infra.cli import main
from infra.logins import worker_url_for
from infra.migrate import WORKER
from projections import inquiries, outreach, quarantine
from projections import worker as worker_module
from projections.worker import ProjectionSetAside, ProjectionWorker
from services.case_commands import HoldMeeting
from services.office import Office
from tests import factories
from tests.integration.helpers import offices_fixture  # noqa: F401 (the fixture `offices`)
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (a database of the module's own: `worker --once` reads every tenant in it)
    module_database_url,  # noqa: F401
)

MARKER = "Kari Nordmann 01019912345"  # personal data that must never reach the quarantine row or the output
TOO_MANY = 10**20


def register(office: Office, ctx: Context, participants: int | None = 12) -> None:
    office.register_outreach(
        ctx, held_on=date(2024, 4, 18), kind="talk", title="Foredrag", audience="Eldreråd", participants=participants
    )


def register_unbounded(office: Office, ctx: Context) -> None:
    """An old event from before the domain's bounds: it cannot be made through the domain any more."""
    activity = OutreachActivity._create(
        OutreachActivity.Registered,
        kind="talk",
        title=MARKER,
        audience=MARKER,
        participants=TOO_MANY,
        **ctx.stamp(date(2024, 4, 19)),
    )
    office.app.save(activity)


def receive(office: Office, ctx: Context, name: str = MARKER) -> str:
    return factories.case(office, ctx, received_on=date(2024, 3, 1), summary=f"Sak om {name}", requester_name=name)


def read(database_url: str, tenant: str, query: str, role: str = "ombud_reader") -> list[tuple[Any, ...]]:
    """As the web's reader, or as the worker's role on the worker's own login."""
    login = worker_url_for(database_url) if role == WORKER else database_url
    with psycopg.connect(login) as conn, conn.transaction():
        conn.execute(f"SET LOCAL ROLE {role}")
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        return conn.execute(query).fetchall()


def outreach_rows(database_url: str, tenant: str) -> list[tuple[Any, ...]]:
    return read(database_url, tenant, "SELECT id, held_on, participants, cancelled FROM read.outreach ORDER BY id")


def counts(database_url: str, tenant: str) -> list[list[tuple[Any, ...]]]:
    """The case list and every statistic it feeds: a double count would show here."""
    return [
        read(database_url, tenant, query)
        for query in (
            "SELECT reference, meetings, version FROM read.inquiries ORDER BY reference",
            "SELECT year, measure, key, n FROM read.year_statistics ORDER BY 1, 2, 3",
            "SELECT received_on, area, is_primary, n FROM read.area_days ORDER BY 1, 2, 3",
        )
    ]


def quarantine_rows(database_url: str, tenant: str) -> list[tuple[Any, ...]]:
    return read(database_url, tenant, "SELECT * FROM read.projection_quarantine", role=WORKER)


def test_an_unprojectable_event_sets_aside_one_tenants_projection_and_every_other_moves_on(
    offices: tuple[Office, Office], caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    a, b = offices
    register(a, caseworker, participants=7)
    register_unbounded(a, caseworker)
    register(a, caseworker, participants=8)
    receive(a, caseworker)
    register(b, caseworker)

    worker.catch_up(a.slug)
    worker.catch_up(b.slug)

    assert [row[2] for row in outreach_rows(database_url, a.slug)] == [7]  # up to the bad event, exactly once
    assert len(read(database_url, a.slug, "SELECT * FROM read.inquiries")) == 1  # A's other projection goes on
    assert [row[2] for row in outreach_rows(database_url, b.slug)] == [12]
    [row] = quarantine_rows(database_url, a.slug)
    tenant, projection, position, topic, reason, _ = row
    assert (tenant, projection, topic, reason) == (
        a.slug,
        outreach.NAME,
        "domain.outreach:OutreachActivity.Registered",
        "NumericValueOutOfRange",
    )
    assert "Nordmann" not in str(row) and "01019912345" not in str(row) and str(TOO_MANY) not in str(row)
    assert quarantine_rows(database_url, b.slug) == []

    # Later events: B's and A's inquiries keep flowing; A's outreach waits, set aside, without another try.
    register(b, caseworker, participants=13)
    receive(a, caseworker, name="Ola Testesen")
    assert worker.catch_up(b.slug) == 1
    worker.catch_up(a.slug)
    assert len(outreach_rows(database_url, b.slug)) == 2
    assert len(read(database_url, a.slug, "SELECT * FROM read.inquiries")) == 2
    assert [row[2] for row in outreach_rows(database_url, a.slug)] == [7]
    assert quarantine_rows(database_url, a.slug)[0][2] == position


def test_the_platform_admin_reads_every_quarantine_through_one_function_and_rls_holds_for_the_table(
    offices: tuple[Office, Office], caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    a, b = offices
    register_unbounded(a, caseworker)
    worker.catch_up(a.slug)

    assert read(database_url, b.slug, "SELECT * FROM read.projection_quarantine", role=WORKER) == []
    assert read(database_url, "", "SELECT * FROM read.projection_quarantine", role=WORKER) == []
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the web's reader may only call the function
        read(database_url, a.slug, "SELECT * FROM read.projection_quarantine")
    for role in ("ombud_reader", WORKER):
        every = read(database_url, "", "SELECT tenant_id, reason FROM read.quarantined_projections()", role=role)
        assert (a.slug, "NumericValueOutOfRange") in every and all(t != b.slug for t, _ in every)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        read(database_url, b.slug, f"DELETE FROM read.projection_quarantine WHERE tenant_id = '{a.slug}'")
    with psycopg.connect(database_url) as conn:  # nobody else may call the function
        may_call = "SELECT has_function_privilege(%s, 'read.quarantined_projections()', 'EXECUTE')"
        assert [conn.execute(may_call, (role,)).fetchone()[0] for role in ("public", "ombud_reader")] == [False, True]
    runtime_deletes = read(
        database_url,
        b.slug,
        f"WITH gone AS (DELETE FROM read.projection_quarantine WHERE tenant_id = '{a.slug}' RETURNING 1)"
        " SELECT count(*) FROM gone",
        role=WORKER,
    )
    assert runtime_deletes == [(0,)]  # the worker's role, in another tenant, cannot touch it
    assert [q.tenant_id for q in worker.quarantined(a.slug)] == [a.slug]


def test_after_the_fix_the_tenant_catches_up_exactly_once_as_a_rebuild_would(
    offices: tuple[Office, Office],
    caseworker: Context,
    worker: ProjectionWorker,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = offices
    register(a, caseworker, participants=7)
    register_unbounded(a, caseworker)
    register(a, caseworker, participants=8)
    register(b, caseworker)
    worker.catch_up_all()
    assert len(outreach_rows(database_url, a.slug)) == 1

    with pytest.raises(ProjectionSetAside) as refused:  # a rebuild before the fix leaves the old rows
        worker.rebuild(a.slug, outreach.NAME)
    assert "utadrettet virksomhet" in str(refused.value) and MARKER not in str(refused.value)
    assert len(outreach_rows(database_url, a.slug)) == 1

    real_apply = outreach.apply_batch

    def fixed(cursor: Any, tenant: str, events: list[Any]) -> None:
        """The fix as a release would bring it: a count the read side cannot hold is stored as unknown."""
        for event in events:
            if getattr(event, "participants", None) == TOO_MANY:
                object.__setattr__(event, "participants", None)
        real_apply(cursor, tenant, events)

    monkeypatch.setitem(worker_module.PROJECTIONS, outreach.NAME, fixed)
    worker.catch_up(a.slug)  # without a retry the projection stays aside
    assert len(outreach_rows(database_url, a.slug)) == 1
    worker.catch_up_all()  # what a start does: retry
    caught_up = outreach_rows(database_url, a.slug)
    assert sorted(row[2] for row in caught_up if row[2] is not None) == [7, 8] and len(caught_up) == 3
    assert quarantine_rows(database_url, a.slug) == []
    worker.rebuild(a.slug, outreach.NAME)
    assert outreach_rows(database_url, a.slug) == caught_up
    assert len(outreach_rows(database_url, b.slug)) == 1


def test_a_projection_that_fails_for_one_tenant_counts_nothing_twice_once_fixed(
    offices: tuple[Office, Office],
    caseworker: Context,
    worker: ProjectionWorker,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = offices
    references = [receive(a, caseworker, name=f"Person {n}") for n in range(6)]
    receive(b, caseworker)
    for reference in references:
        a.handle(caseworker, HoldMeeting(inquiry=reference, on=date(2024, 3, 2), participants=["ombud"]))
    real_apply = inquiries.apply_batch
    broken = a.inquiry(references[3]).id

    def broken_for_a(cursor: Any, tenant: str, events: list[Any]) -> None:
        """A bug in the fold for one event of one tenant: the fourth inquiry's meeting."""
        real_apply(cursor, tenant, events)  # written first: the rollback must take it back
        if any(type(e).__name__ == "MeetingHeld" and e.originator_id == broken for e in events):
            raise KeyError(MARKER)

    monkeypatch.setitem(worker_module.PROJECTIONS, inquiries.NAME, broken_for_a)
    worker.catch_up_all()
    [row] = quarantine_rows(database_url, a.slug)
    assert (row[1], row[3], row[4]) == (inquiries.NAME, "domain.inquiry:Inquiry.MeetingHeld", "KeyError")
    assert MARKER not in str(row)
    assert len(read(database_url, b.slug, "SELECT * FROM read.inquiries")) == 1

    monkeypatch.setitem(worker_module.PROJECTIONS, inquiries.NAME, real_apply)
    worker.catch_up_all()
    after_fix = counts(database_url, a.slug)
    assert [(ref, meetings) for ref, meetings, _ in after_fix[0]] == [(ref, 1) for ref in sorted(references)]
    statistics = {(measure, key): n for _, measure, key, n in after_fix[1]}
    assert (statistics["total", ""], statistics["meetings_held", ""]) == (6, 6)
    worker.rebuild(a.slug, inquiries.NAME)
    assert counts(database_url, a.slug) == after_fix


def test_ombud_worker_once_names_each_set_aside_projection_in_one_line_without_personal_data(
    offices: tuple[Office, Office],
    caseworker: Context,
    database_url: str,
    master_key: bytes,
    signing_key: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a, b = offices
    register_unbounded(a, caseworker)
    register(b, caseworker)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OMBUD_MASTER_KEY", base64.b64encode(master_key).decode())
    monkeypatch.setenv("OMBUD_AUDIT_SIGNING_KEY", signing_key.decode())
    monkeypatch.setenv("OMBUD_DATA_DIR", str(tmp_path))
    capsys.readouterr()

    assert main(["worker", "--once"]) == 0

    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith(f"{a.slug}: utadrettet")]
    assert "satt til side ved hendelse" in line and "OutreachActivity.Registered" in line
    assert "NumericValueOutOfRange" in line
    assert not [line for line in out.splitlines() if line.startswith(f"{b.slug}: utadrettet")]
    assert "Nordmann" not in out and str(TOO_MANY) not in out
    assert len(outreach_rows(database_url, b.slug)) == 1


def test_the_explanation_is_bokmal_and_names_no_data() -> None:
    found = quarantine.Quarantine("testby", outreach.NAME, 42, "domain.outreach:OutreachActivity.Registered", "Oops")
    assert found.explanation() == (
        "utadrettet virksomhet er satt til side ved hendelse 42 (OutreachActivity.Registered):"
        " hendelsen kunne ikke projiseres (Oops)"
    )
