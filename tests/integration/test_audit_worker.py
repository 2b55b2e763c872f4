"""The worker keeps the audit chains: seals within seconds, signs at most one checkpoint a minute while entries come,
verifies each chain in turn, and on a break raises the alarm once (status row, log line, metric) without any row's
content."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from domain.audit_chain import Checkpoint
from domain.common import Context
from infra.logins import worker_url_for
from projections.worker import ProjectionWorker
from services.audit import chain as audit_chain
from services.audit.chain import ChainDoesNotHold
from services.audit.keeper import AuditKeeper
from services.audit_signing import Signer, load_signer
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.integration.helpers import offices_fixture  # noqa: F401 (the fixture `offices`)
from tests.integration.test_audit_verify import chain_of, change_row, checkpoint_rows
from tests.private_database import (
    module_admin_database_url,  # noqa: F401 (the module's own database, since it tampers with it)
    module_database_url,  # noqa: F401
)

NAME, SUMMARY = "Alarmine Testesen", "Alarmine Testesen lurer på om søknaden er kommet fram."
SEALED_WITHIN_SECONDS = 15.0  # the worker looks at least every 5 s (projections.worker.IDLE_SECONDS)
FIRST_ROUND_SECONDS = 120.0  # the first round catches up every tenant there is


class Clock:
    """The keeper's clock, moved by the test instead of by sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def metrics() -> InMemoryMetricReader:
    return InMemoryMetricReader()


@pytest.fixture
def signer(signing_key: bytes) -> Signer:
    return load_signer(signing_key, "OMBUD_AUDIT_SIGNING_KEY")


@pytest.fixture
def keeping(
    platform: Platform, database_url: str, clock: Clock, metrics: InMemoryMetricReader, signer: Signer
) -> Iterator[ProjectionWorker]:
    """A worker whose keeper runs on the test's clock and counts breaks into the test's metric reader."""
    provider = MeterProvider(metric_readers=[metrics])
    worker = ProjectionWorker(
        platform, worker_url_for(database_url), audit=AuditKeeper(clock=clock, meter_provider=provider)
    )
    worker.sign_checkpoints_with(signer)
    yield worker
    worker.close()
    provider.shutdown()


def receive(office: Office, ctx: Context) -> str:
    return factories.receive(office, ctx, received_on=date(2024, 3, 1), summary=SUMMARY, requester_name=NAME).reference


def breaks_counted(reader: InMemoryMetricReader, tenant: str) -> int:
    data = reader.get_metrics_data()
    return sum(
        point.value
        for resource in (data.resource_metrics if data else [])
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == "ombud.audit.chain_breaks"
        for point in metric.data.data_points
        if point.attributes.get("tenant") == tenant
    )


def status_of(admin_database_url: str, tenant: str) -> tuple[Any, ...] | None:
    with psycopg.connect(admin_database_url) as conn:
        return conn.execute(
            "SELECT verified_length, broken_position, broken_source, broken_key, broken_reason FROM audit.chain_status"
            " WHERE tenant_id = %s",
            (tenant,),
        ).fetchone()


def alarms(caplog: pytest.LogCaptureFixture, tenant: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR and f"tenant={tenant} " in r.getMessage()]


# -- sealing -----------------------------------------------------------------------------------------------------


def test_without_a_signer_the_worker_seals_new_rows_within_seconds_and_signs_nothing(
    platform: Platform, worker: ProjectionWorker, offices: tuple[Office, Office], caseworker: Context,
    admin_database_url: str,
) -> None:  # fmt: skip
    mine, theirs = offices
    receive(mine, caseworker)
    receive(theirs, caseworker)

    assert worker.keep_audit_chains() == []  # nothing verified without the key

    for office in offices:
        keys = [e.source_key for e in chain_of(admin_database_url, office.slug) if e.source == "events"]
        assert keys == list(range(1, office.app.recorder.max_notification_id() + 1))
        assert checkpoint_rows(admin_database_url, office.slug) == []

    # The worker's own loop: once it has made its first round, a new inquiry is sealed within seconds of its commit.
    stop = threading.Event()
    following = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    following.start()
    try:
        receive(mine, caseworker)
        wait_for_entries(admin_database_url, mine.slug, mine.app.recorder.max_notification_id(), FIRST_ROUND_SECONDS)
        receive(mine, caseworker)
        wait_for_entries(admin_database_url, mine.slug, mine.app.recorder.max_notification_id(), SEALED_WITHIN_SECONDS)
    finally:
        stop.set()
        following.join(timeout=30)
    assert len(chain_of(admin_database_url, theirs.slug)) == theirs.app.recorder.max_notification_id()


def wait_for_entries(admin_database_url: str, slug: str, count: int, seconds: float) -> None:
    since = time.monotonic()
    while len(chain_of(admin_database_url, slug)) < count:
        assert time.monotonic() - since < seconds, f"not sealed within {seconds} s"
        time.sleep(0.1)


# -- checkpoints -------------------------------------------------------------------------------------------------


def test_a_checkpoint_is_signed_at_most_once_a_minute_and_only_while_entries_come(
    keeping: ProjectionWorker, clock: Clock, offices: tuple[Office, Office], caseworker: Context,
    admin_database_url: str, database_url: str, signer: Signer,
) -> None:  # fmt: skip
    mine, _ = offices

    def signed() -> list[int]:
        return [length for length, _, _ in checkpoint_rows(admin_database_url, mine.slug)]

    def length() -> int:
        return len(chain_of(admin_database_url, mine.slug))

    receive(mine, caseworker)
    keeping.keep_audit_chains()
    assert signed() == [length()]
    first = length()

    for moment in (1030.0, 1059.9):  # new entries, sealed at once, but the minute is not up
        clock.now = moment
        receive(mine, caseworker)
        keeping.keep_audit_chains()
        assert length() > first and signed() == [first]

    clock.now = 1060.0
    keeping.keep_audit_chains()
    second = length()
    assert signed() == [first, second]

    for moment in (1100.0, 1200.0):  # nothing new: nothing to sign, however long it has been
        clock.now = moment
        keeping.keep_audit_chains()
        assert signed() == [first, second]

    clock.now = 1201.0  # something new after a quiet spell is signed at the next look
    receive(mine, caseworker)
    keeping.keep_audit_chains()
    assert signed() == [first, second, length()]

    with psycopg.connect(database_url, autocommit=True) as conn:
        for office in offices:
            assert audit_chain.verify(conn, office.slug, signer.public_key).holds


# -- the alarm ---------------------------------------------------------------------------------------------------


def test_a_tampered_row_is_found_by_the_full_pass_and_the_alarm_is_raised_once(
    keeping: ProjectionWorker, clock: Clock, offices: tuple[Office, Office], caseworker: Context,
    admin_database_url: str, metrics: InMemoryMetricReader, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    mine, theirs = offices
    caplog.set_level(logging.INFO)
    receive(mine, caseworker)
    receive(theirs, caseworker)
    keeping.keep_audit_chains()
    keeping.verify_audit_chains_in_full()
    assert status_of(admin_database_url, mine.slug) == (
        len(chain_of(admin_database_url, mine.slug)),
        None,
        None,
        None,
        None,
    )

    target = [e for e in chain_of(admin_database_url, mine.slug) if e.source == "events"][-1]
    change_row(admin_database_url, mine.slug, "events", target.source_key)
    clock.now += 100.0
    keeping.keep_audit_chains()  # the projection path verifies new stretches only
    assert status_of(admin_database_url, mine.slug)[1] is None  # type: ignore[index]

    verdicts = {verdict.scope: verdict for verdict in keeping.verify_audit_chains_in_full()}

    assert verdicts[mine.slug].broken is not None and verdicts[mine.slug].broken.position == target.position
    assert verdicts[theirs.slug].holds
    assert status_of(admin_database_url, mine.slug)[1:] == (target.position, "events", target.source_key, "changed")  # type: ignore[index]
    assert status_of(admin_database_url, theirs.slug)[1] is None  # type: ignore[index]
    [line] = alarms(caplog, mine.slug)
    assert f"position={target.position} " in line.getMessage() and "source=events" in line.getMessage()
    assert alarms(caplog, theirs.slug) == []
    assert breaks_counted(metrics, mine.slug) == 1 and breaks_counted(metrics, theirs.slug) == 0

    clock.now += 300.0  # a new stretch that holds does not clear the break; the next full pass does not alarm twice
    receive(mine, caseworker)
    keeping.keep_audit_chains()
    assert status_of(admin_database_url, mine.slug)[1] == target.position  # type: ignore[index]
    keeping.verify_audit_chains_in_full()
    assert status_of(admin_database_url, mine.slug)[1] == target.position  # type: ignore[index]
    assert len(alarms(caplog, mine.slug)) == 1 and breaks_counted(metrics, mine.slug) == 1

    data = metrics.get_metrics_data()
    told = caplog.text + (data.to_json() if data else "")
    assert NAME not in told and SUMMARY not in told and "Alarmine" not in told


def test_a_row_tampered_between_sealing_and_signing_is_not_signed_and_is_verified_at_once(
    keeping: ProjectionWorker, clock: Clock, offices: tuple[Office, Office], caseworker: Context,
    admin_database_url: str, database_url: str, signer: Signer, metrics: InMemoryMetricReader,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    mine, _ = offices
    caplog.set_level(logging.INFO)
    receive(mine, caseworker)
    keeping.keep_audit_chains()
    [(signed_length, _, _)] = checkpoint_rows(admin_database_url, mine.slug)

    clock.now += 10.0
    receive(mine, caseworker)
    keeping.keep_audit_chains()  # sealed, not yet signed
    unsigned = [e for e in chain_of(admin_database_url, mine.slug) if e.position > signed_length]
    assert unsigned
    change_row(admin_database_url, mine.slug, "events", unsigned[0].source_key)

    with psycopg.connect(database_url, autocommit=True) as conn, pytest.raises(ChainDoesNotHold) as refused:
        audit_chain.checkpoint(conn, mine.slug, signer)
    assert refused.value.position == unsigned[0].position

    clock.now += 60.0  # the checkpoint is due, refused, and the chain verified there and then (not in 300 s)
    verdicts = {verdict.scope: verdict for verdict in keeping.keep_audit_chains()}

    assert mine.slug in verdicts and verdicts[mine.slug].broken is not None
    assert verdicts[mine.slug].broken.position == unsigned[0].position
    assert [length for length, _, _ in checkpoint_rows(admin_database_url, mine.slug)] == [signed_length]
    assert status_of(admin_database_url, mine.slug)[1:] == (  # type: ignore[index]
        unsigned[0].position,
        "events",
        unsigned[0].source_key,
        "changed",
    )
    assert len(alarms(caplog, mine.slug)) == 1 and breaks_counted(metrics, mine.slug) == 1


def test_each_checkpoint_the_worker_signs_is_handed_to_the_witness_hook_once_committed(
    platform: Platform, database_url: str, signer: Signer, offices: tuple[Office, Office], caseworker: Context,
    admin_database_url: str,
) -> None:  # fmt: skip
    handed: list[Checkpoint] = []
    worker = ProjectionWorker(platform, worker_url_for(database_url), audit=AuditKeeper(published=handed.append))
    worker.sign_checkpoints_with(signer)
    try:
        receive(offices[0], caseworker)
        worker.keep_audit_chains(now=True)
    finally:
        worker.close()
    for office in offices:
        stored = [(length, head) for length, head, _ in checkpoint_rows(admin_database_url, office.slug)]
        assert [(c.length, c.head) for c in handed if c.scope == office.slug] == stored
        assert all(signer.public_key.holds(c) for c in handed)
