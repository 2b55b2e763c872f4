"""The case list follows the events exactly once, per tenant, and readers see only their own tenant's rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import psycopg
import pytest

from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.eventstore import open_datastore
from projections import inquiries
from projections.worker import ProjectionWorker
from services.case_commands import Assign, Forward, HoldMeeting, Reopen, Resolve, SendComplaint, SendInterimReply
from services.keys import new_tenant_key, wrap
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.integration.helpers import offices_fixture  # noqa: F401 (the fixture `offices`)


def rows(database_url: str, tenant: str, *, role: str | None = "ombud_reader") -> list[tuple]:
    with psycopg.connect(database_url) as conn, conn.transaction():
        if role:
            conn.execute(f"SET LOCAL ROLE {role}")
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        return conn.execute(
            "SELECT tenant_id, reference, version, status, assignee, meetings, complaints_sent, forwarded_to,"
            " interim_reply_on, first_response_on, resolved_on, outcome FROM read.inquiries ORDER BY reference"
        ).fetchall()


def test_the_case_list_follows_an_inquiry_through_its_steps(
    offices: tuple[Office, Office], caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    a, b = offices
    reference = factories.case(a, caseworker)
    factories.case(b, caseworker)
    a.handle(caseworker, Assign(inquiry=reference, on=date(2024, 3, 2), assignee="ombud"))
    a.handle(caseworker, SendInterimReply(inquiry=reference, on=date(2024, 3, 10)))
    a.handle(caseworker, HoldMeeting(inquiry=reference, on=date(2024, 3, 12), participants=["ombud", "requester"]))
    a.handle(caseworker, SendComplaint(inquiry=reference, on=date(2024, 3, 15), to="county_governor", about="Vedtak"))
    a.handle(
        caseworker,
        Forward(
            inquiry=reference, on=date(2024, 3, 16), to_body="patient_ombud", reason="Gjelder spesialisthelsetjenesten"
        ),
    )
    a.handle(caseworker, Resolve(inquiry=reference, on=date(2024, 4, 1), outcome="referred"))

    assert (
        worker.catch_up(a.slug, inquiries.NAME) == 10
    )  # tenant registered, sequence started and issued, received, six steps
    assert worker.lag(a.slug) == 0
    assert rows(database_url, a.slug) == [
        (
            a.slug,
            reference,
            7,
            "resolved",
            "ombud",
            1,
            1,
            ["patient_ombud"],
            date(2024, 3, 10),
            date(2024, 3, 10),
            date(2024, 4, 1),
            "referred",
        ),
    ]
    a.handle(caseworker, Reopen(inquiry=reference, on=date(2024, 4, 2), reason="Ny informasjon"))
    worker.catch_up(a.slug)
    assert rows(database_url, a.slug)[0][3] == "open"
    assert rows(database_url, b.slug) == []  # B's worker has not run: nothing of A's crossed over


def test_answered_and_awaiting_a_reply_are_one_rule_for_the_lists_filters_and_their_rows(
    offices: tuple[Office, Office], caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    office, _ = offices
    waiting, replied, resolved = (factories.case(office, caseworker) for _ in range(3))
    office.handle(caseworker, SendInterimReply(inquiry=replied, on=date(2024, 3, 10)))
    office.handle(caseworker, Resolve(inquiry=resolved, on=date(2024, 3, 11), outcome="referred"))
    worker.catch_up(office.slug)
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute("SET LOCAL ROLE ombud_reader")
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (office.slug,))
        found = conn.execute(
            f"SELECT reference, {inquiries.ANSWERED}, {inquiries.AWAITING_REPLY} FROM read.inquiries ORDER BY reference"
        ).fetchall()
    assert {reference: (answered, awaiting) for reference, answered, awaiting in found} == {
        waiting: (False, True),
        replied: (True, False),
        resolved: (True, False),
    }


def test_a_reader_sees_only_the_tenant_set_for_its_transaction(
    offices: tuple[Office, Office], caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    a, b = offices
    factories.case(a, caseworker)
    factories.case(b, caseworker)
    factories.case(b, caseworker)
    worker.catch_up(a.slug)
    worker.catch_up(b.slug)

    assert {r[0] for r in rows(database_url, a.slug)} == {a.slug}
    assert len(rows(database_url, b.slug)) == 2
    assert rows(database_url, "") == []
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute("SET LOCAL ROLE ombud_reader")
        assert conn.execute("SELECT count(*) FROM read.inquiries").fetchone()[0] == 0  # no tenant set: nothing


def test_the_case_list_holds_no_personal_data(
    offices: tuple[Office, Office], caseworker: Context, worker: ProjectionWorker, admin_database_url: str
) -> None:
    a, _ = offices
    factories.case(a, caseworker)
    worker.catch_up(a.slug)
    with psycopg.connect(admin_database_url) as conn:  # every tenant's rows: the owner's view
        dump = conn.execute("SELECT string_agg(t::text, '') FROM read.inquiries t").fetchone()[0]
    assert "Prøvesen" not in dump


def test_a_crash_mid_batch_loses_and_double_counts_nothing(
    offices: tuple[Office, Office],
    caseworker: Context,
    worker: ProjectionWorker,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, _ = offices
    references = [factories.case(a, caseworker) for _ in range(5)]
    for reference in references:
        a.handle(caseworker, HoldMeeting(inquiry=reference, on=date(2024, 3, 2), participants=["ombud"]))

    real_apply = inquiries.apply_batch

    def crash_after_six(cursor: object, tenant: str, events: list[object]) -> None:
        real_apply(cursor, tenant, events[:6])
        raise psycopg.OperationalError("worker killed")  # a lost connection, not the event's fault: not set aside

    monkeypatch.setitem(worker_module().PROJECTIONS, inquiries.NAME, crash_after_six)
    with pytest.raises(psycopg.OperationalError):
        worker.catch_up(a.slug)
    assert rows(database_url, a.slug) == []  # the batch and its position rolled back together
    monkeypatch.setitem(worker_module().PROJECTIONS, inquiries.NAME, real_apply)

    worker.catch_up(a.slug)
    worker.catch_up(a.slug)
    assert [(r[1], r[5]) for r in rows(database_url, a.slug)] == [(ref, 1) for ref in references]


@contextmanager
def running(worker: ProjectionWorker) -> Iterator[threading.Thread]:
    """The worker's loop in a thread, as `ombud worker` runs it; stopped on the way out."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=15)


def wait_for_rows(database_url: str, tenant: str, thread: threading.Thread, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not rows(database_url, tenant) and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.1)


def test_the_running_worker_wakes_on_new_events_and_finds_new_tenants(
    platform: Platform,
    admin: Context,
    caseworker: Context,
    new_slug: Callable[[], str],
    worker: ProjectionWorker,
    database_url: str,
) -> None:
    with running(worker) as thread:
        office = platform.create_tenant(admin, slug=new_slug(), name="Ny kommune")
        reference = factories.case(office, caseworker)
        wait_for_rows(database_url, office.slug, thread)
        assert [r[1] for r in rows(database_url, office.slug)] == [reference]
    assert not thread.is_alive()


def test_the_worker_keeps_going_past_a_tenant_whose_tables_are_still_being_made(
    platform: Platform,
    admin: Context,
    caseworker: Context,
    new_slug: Callable[[], str],
    worker: ProjectionWorker,
    database_url: str,
    master_key: bytes,
) -> None:
    """create_tenant lists the tenant (and notifies) a moment before its event tables exist."""
    datastore = open_datastore(database_url, pool_size=1, max_overflow=0)
    half_made = new_slug()
    PostgresTenantDirectory(datastore).add(half_made, wrap(master_key, new_tenant_key(), half_made))
    try:
        with running(worker) as thread:
            office = platform.create_tenant(admin, slug=new_slug(), name="Ny kommune")
            reference = factories.case(office, caseworker)
            wait_for_rows(database_url, office.slug, thread)
            assert thread.is_alive(), "the worker stopped at the tenant without tables"
            assert [r[1] for r in rows(database_url, office.slug)] == [reference]
    finally:
        PostgresTenantDirectory(datastore).remove(half_made, admin)
        datastore.close()


def worker_module():
    from projections import worker

    return worker


def test_a_rebuild_ends_with_the_same_rows_as_the_live_worker_and_reports_progress(
    offices: tuple[Office, Office], caseworker: Context, worker: ProjectionWorker, database_url: str
) -> None:
    a, b = offices
    for day in range(1, 8):
        reference = factories.case(a, caseworker, received_on=date(2024, 3, day))
        a.handle(caseworker, HoldMeeting(inquiry=reference, on=date(2024, 3, day + 1), participants=["ombud"]))
    factories.case(b, caseworker)
    worker.catch_up(a.slug)
    worker.catch_up(b.slug)
    before_a, before_b = rows(database_url, a.slug), rows(database_url, b.slug)

    seen: list[tuple[int, int]] = []
    assert worker.rebuild(a.slug, progress=lambda done, total: seen.append((done, total))) == 23  # 2 + 7 × 3
    assert rows(database_url, a.slug) == before_a
    assert rows(database_url, b.slug) == before_b  # the other tenant is untouched
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] == 23
    assert worker.lag(a.slug) == 0


def test_reading_ahead_in_small_batches_applies_every_event_once_while_new_ones_keep_arriving(
    offices: tuple[Office, Office],
    caseworker: Context,
    worker: ProjectionWorker,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The next batch is read on another connection while one is applied; events written meanwhile (here: one more
    meeting on each apply, after the read-ahead started) are neither skipped nor applied twice."""
    a, b = offices
    references = [factories.case(a, caseworker, received_on=date(2024, 3, day)) for day in range(1, 6)]
    factories.case(b, caseworker)
    worker.catch_up(b.slug)  # the other tenant's batch is never taken for this one
    real_apply = inquiries.apply_batch
    held = dict.fromkeys(references, 0)
    calls = 0

    def a_meeting_arrives_meanwhile(cursor: object, tenant: str, events: list[object]) -> None:
        nonlocal calls
        real_apply(cursor, tenant, events)
        calls += 1
        if calls <= 6:
            reference = references[calls % len(references)]
            a.handle(caseworker, HoldMeeting(inquiry=reference, on=date(2024, 4, calls), participants=["ombud"]))
            held[reference] += 1

    real_take = worker._ahead.take
    taken: list[int] = []

    def take(slug: str, after: int) -> object:
        batch = real_take(slug, after)
        if batch is not None:
            taken.append(after)
        return batch

    monkeypatch.setattr(worker._ahead, "take", take)
    monkeypatch.setattr(worker_module(), "BATCH", 3)
    monkeypatch.setitem(worker_module().PROJECTIONS, inquiries.NAME, a_meeting_arrives_meanwhile)
    worker.catch_up(a.slug)
    monkeypatch.setitem(worker_module().PROJECTIONS, inquiries.NAME, real_apply)
    worker.catch_up(a.slug)  # whatever arrived after the last batch was read

    assert calls > 6 and worker.lag(a.slug) == 0
    assert len(taken) >= 3  # batches were read ahead and used
    assert [(r[1], r[5]) for r in rows(database_url, a.slug)] == [(ref, held[ref]) for ref in references]
    caught_up = rows(database_url, a.slug)
    worker.rebuild(a.slug)
    assert rows(database_url, a.slug) == caught_up
