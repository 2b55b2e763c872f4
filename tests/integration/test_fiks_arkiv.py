"""Fiks Arkiv: every resolved inquiry leaves as valid arkivmeldinger through the outbox, reaches a real RabbitMQ queue
at least once under one idempotency key through a lost broker, and its receipt comes back as the inquiry's event."""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pika
import psycopg
import pytest

from domain.common import Context
from infra.archive_transport import AmqpTransport, FolderTransport
from infra.settings import Settings, SettingsError
from projections.archive_outbox import ArchiveDelivery, request_send
from projections.worker import ProjectionWorker
from services.archive import fiks
from services.case_commands import AddNote, Forward, Reopen, Resolve, SendInterimReply
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.helpers import query

BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"
NOWHERE = "amqp://guest:guest@127.0.0.1:1/%2F"  # the broker lost: nothing listens on port 1
NAME = "Testperson Arkivsen"


@pytest.fixture
def offices(platform: Platform, admin: Context, new_slug: Callable[[], str]) -> tuple[Office, Office]:
    return (
        platform.create_tenant(admin, slug=new_slug(), name="Kommune A"),
        platform.create_tenant(admin, slug=new_slug(), name="Kommune B"),
    )


@pytest.fixture
def queues() -> Iterator[tuple[str, str]]:
    """A queue and a reply queue of the test's own on the machine's RabbitMQ, deleted afterwards."""
    name = f"ombud-test-{uuid4().hex[:12]}"
    yield name, f"{name}.kvittering"
    with pika.BlockingConnection(pika.URLParameters(BROKER)) as connection:
        channel = connection.channel()
        channel.queue_delete(name)
        channel.queue_delete(f"{name}.kvittering")


def closed_case(office: Office, ctx: Context, *, reopened: bool = False) -> str:
    """An inquiry with an interim reply, a forwarding, a note, and its closure."""
    reference = factories.case(office, ctx, requester_name=NAME, summary=f"Sak om {NAME} (fiktiv)")
    office.handle(ctx, SendInterimReply(inquiry=reference, on=date(2024, 3, 4)))
    office.handle(ctx, Forward(inquiry=reference, on=date(2024, 3, 5), to_body="nav", reason="Gjelder NAV"))
    office.handle(ctx, AddNote(inquiry=reference, on=date(2024, 3, 6), text="Ringte tilbake (fiktivt)"))
    office.handle(ctx, Resolve(inquiry=reference, on=date(2024, 3, 7), outcome="referred"))
    if reopened:
        office.handle(ctx, Reopen(inquiry=reference, on=date(2024, 3, 8), reason="Nye opplysninger"))
        office.handle(ctx, Resolve(inquiry=reference, on=date(2024, 3, 9), outcome="assisted"))
    return reference


def outbox(admin_database_url: str, tenant: str) -> list[tuple[Any, ...]]:
    return query(
        admin_database_url,
        "SELECT idempotency_key, inquiry_id, state, attempts, last_error, case_number, closed_version"
        " FROM platform.archive_outbox WHERE tenant_id = %s ORDER BY inquiry_id",
        (tenant,),
    )


def drained(queue: str) -> list[tuple[Any, bytes]]:
    """Every message on the queue (properties and body), taken off it."""
    found = []
    with pika.BlockingConnection(pika.URLParameters(BROKER)) as connection:
        channel = connection.channel()
        while True:
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method is None:
                return found
            found.append((properties, body))


def receipt(case_year: int, number: int, folder: str) -> bytes:
    """What the archive answers: a mappeKvittering of a saksmappe, valid against the receipt's schema."""
    ns = fiks.RECEIPT_NS
    return (
        f'<?xml version="1.0" encoding="utf-8"?><arkivmeldingKvittering xmlns="{ns}"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<mappeKvittering xsi:type="saksmappeKvittering">'
        f"<systemID>{folder}</systemID><opprettetEllerEksisterende>Opprettet</opprettetEllerEksisterende>"
        f"<saksaar>{case_year}</saksaar><sakssekvensnummer>{number}</sakssekvensnummer>"
        "</mappeKvittering></arkivmeldingKvittering>"
    ).encode()


class LosesTheBroker:
    """The AMQP transport, whose broker goes away after `good` messages (its address then points at nothing) and
    comes back when `restore` is called: a broker restart, without stopping the machine's RabbitMQ."""

    def __init__(self, inner: AmqpTransport, good: int) -> None:
        self.inner, self.left = inner, good
        self.address = inner._parameters

    def deliver(self, message: fiks.Outgoing) -> None:
        if self.left == 0:
            self.inner.close()
            self.inner._parameters = pika.URLParameters(NOWHERE)
        self.left -= 1
        self.inner.deliver(message)

    def restore(self) -> None:
        self.inner._parameters, self.left = self.address, -1

    def receipts(self) -> Any:
        return self.inner.receipts()

    def close(self) -> None:
        self.inner.close()


def test_each_message_of_a_closed_case_validates_and_an_erased_one_carries_no_name(
    offices: tuple[Office, Office], caseworker: Context
) -> None:
    a, _ = offices
    reference = closed_case(a, caseworker)
    view, history = a.case_file(reference)
    messages = fiks.arkivmeldinger(a.slug, view, history)

    assert len(messages) == 5  # received, interim reply, forwarded, note, resolved
    assert all(fiks.arkivmelding_problems(xml) == [] for xml in messages)
    first = ET.fromstring(messages[0])
    ns = {"a": fiks.NS, "m": fiks.MDK}
    folder = first.findtext("a:mappe/a:systemID", namespaces=ns)
    assert folder == str(fiks.folder_id(a.slug, view.id))
    assert first.findtext("a:mappe/a:part/a:partNavn", namespaces=ns) == NAME
    for xml in messages[1:]:
        later = ET.fromstring(xml)
        assert later.find("a:mappe", ns) is None
        assert later.findtext("a:registrering/a:referanseForelderMappe/m:systemID", namespaces=ns) == folder
    kinds = [ET.fromstring(xml).findtext("a:registrering/a:journalposttype/m:kode", namespaces=ns) for xml in messages]
    assert kinds == ["I", "U", "U", "X", "X"]

    factories.erase(a, factories.as_admin(caseworker), reference, date(2024, 4, 1))
    view, history = a.case_file(reference)
    erased = b"".join(fiks.arkivmeldinger(a.slug, view, history))
    assert NAME.encode() not in erased and b"[slettet]" not in erased and b"fiktiv" not in erased


def test_a_message_that_breaks_the_schema_is_named_by_its_path_never_its_content() -> None:
    broken = f'<arkivmelding xmlns="{fiks.NS}"><system>ombud</system><antallFiler>{NAME}</antallFiler></arkivmelding>'
    problems = fiks.arkivmelding_problems(broken.encode())
    assert problems and NAME not in " ".join(problems)
    assert fiks.arkivmelding_problems(b"<not xml") != []
    entity = b'<!DOCTYPE x [<!ENTITY e "boom">]><arkivmeldingKvittering>&e;</arkivmeldingKvittering>'
    assert fiks.receipt_problems(entity) != []


def test_closures_reach_rabbitmq_at_least_once_under_one_key_each_through_a_lost_broker_and_receipts_are_recorded(
    offices: tuple[Office, Office],
    caseworker: Context,
    worker: ProjectionWorker,
    admin_database_url: str,
    queues: tuple[str, str],
) -> None:
    a, b = offices
    closed_a = [closed_case(a, caseworker) for _ in range(3)] + [closed_case(a, caseworker, reopened=True)]
    still_open = factories.case(a, caseworker)
    closed_b = [closed_case(b, caseworker)]
    worker.catch_up(a.slug)
    worker.catch_up(b.slug)
    worker.rebuild(a.slug)  # a replay of the same closures queues nothing again

    rows_a = outbox(admin_database_url, a.slug)
    assert len(rows_a) == len(closed_a) and {row[2] for row in rows_a} == {"pending"}
    assert a.inquiry_id(still_open) not in {row[1] for row in rows_a}
    assert {row[0] for row in rows_a} == {fiks.idempotency_key(a.slug, a.inquiry_id(ref)) for ref in closed_a}
    assert len(outbox(admin_database_url, b.slug)) == 1

    # Other tests' kommuner in this database have closures waiting too: they are not this test's to count.
    with psycopg.connect(admin_database_url) as conn:
        conn.execute(
            "UPDATE platform.archive_outbox SET state = 'delivered' WHERE state = 'pending' AND tenant_id <> ALL(%s)",
            ([a.slug, b.slug],),
        )
    queue, replies = queues
    transport = LosesTheBroker(AmqpTransport(BROKER, queue, replies), good=7)  # lost in the middle of a case file
    delivery = ArchiveDelivery(worker._platform, transport, retry_first=0.0, retry_cap=0.0)
    worker.deliver_archive_with(delivery)
    delivered, _ = worker.archive_once()
    assert delivered == 1  # the first case file's 5 messages, then 2 of the second's before the broker went
    failed = [row for row in outbox(admin_database_url, a.slug) + outbox(admin_database_url, b.slug) if row[3]]
    assert all(row[4] == "AMQPConnectionError" for row in failed if row[2] == "pending")

    transport.restore()
    delivered, _ = worker.archive_once()
    assert delivered == len(closed_a) + len(closed_b) - 1
    assert worker.archive_once() == (0, 0)  # nothing due, nothing waiting

    messages = drained(queue)
    keys = Counter(properties.headers["idempotency-key"] for properties, _ in messages)
    expected = {str(fiks.idempotency_key(a.slug, a.inquiry_id(ref))) for ref in closed_a} | {
        str(fiks.idempotency_key(b.slug, b.inquiry_id(ref))) for ref in closed_b
    }
    assert set(keys) == expected  # one key per closed inquiry, none lost
    ids = Counter(properties.message_id for properties, _ in messages)
    assert any(count > 1 for count in ids.values())  # the case file cut off was sent again ...
    for properties, body in messages:  # ... under the same key and message id, each valid and persistent
        assert properties.message_id.startswith(properties.headers["idempotency-key"] + ".")
        assert properties.delivery_mode == 2 and properties.type == fiks.MESSAGE_TYPE
        assert fiks.arkivmelding_problems(body) == []
    parts = {(p.headers["idempotency-key"], p.headers["part"]) for p, _ in messages}
    assert len(parts) == 3 * 5 + 6 + 5  # every part of every case file (the reopened one has a second closure)

    # The test plays the archive: a receipt for each saksmappe (twice for the duplicates), on the reply queue.
    numbers: dict[str, str] = {}
    with pika.BlockingConnection(pika.URLParameters(BROKER)) as connection:
        channel = connection.channel()
        for n, (properties, body) in enumerate(messages, start=1):
            if properties.headers["part"] != 0:
                continue
            folder = ET.fromstring(body).findtext(f"{{{fiks.NS}}}mappe/{{{fiks.NS}}}systemID")
            key = properties.headers["idempotency-key"]
            numbers.setdefault(key, f"2026/{n}")
            answer = receipt(2026, int(numbers[key].split("/")[1]), folder or "")
            assert fiks.receipt_problems(answer) == []
            channel.basic_publish(
                "",
                replies,
                answer,
                pika.BasicProperties(
                    correlation_id=properties.message_id, headers={"tenant": properties.headers["tenant"]}
                ),
            )
        # Another tenant's key under this tenant's name: recorded nowhere.
        stray = str(fiks.idempotency_key(a.slug, a.inquiry_id(closed_a[0])))
        channel.basic_publish(
            "",
            replies,
            receipt(2026, 999, str(uuid4())),
            pika.BasicProperties(correlation_id=f"{stray}.0", headers={"tenant": b.slug}),
        )
    _, recorded = worker.archive_once()
    assert recorded >= len(expected)
    for office, references in ((a, closed_a), (b, closed_b)):
        for reference in references:
            archived = [e for e in office.history(reference) if e.event == "ArchivedInKommune"]
            key = str(fiks.idempotency_key(office.slug, office.inquiry_id(reference)))
            assert [e.details["case_number"] for e in archived] == [numbers[key]]  # once, duplicates or not
            assert archived[0].actor_role == "system"
    assert {row[2] for row in outbox(admin_database_url, a.slug)} == {"receipted"}
    assert [e.event for e in b.history(closed_b[0])].count("ArchivedInKommune") == 1
    assert drained(replies) == []


def test_a_resend_on_demand_keeps_the_key_and_the_folder_transport_delivers_whole_files(
    offices: tuple[Office, Office],
    caseworker: Context,
    worker: ProjectionWorker,
    admin_database_url: str,
    database_url: str,
    tmp_path: Path,
) -> None:
    a, b = offices
    reference = closed_case(a, caseworker)
    worker.catch_up(a.slug)
    transport = FolderTransport(tmp_path)
    worker.deliver_archive_with(ArchiveDelivery(worker._platform, transport, retry_first=0.0))
    assert worker.archive_once() == (1, 0)
    key = fiks.idempotency_key(a.slug, a.inquiry_id(reference))
    files = sorted(p.name for p in (tmp_path / "utgaaende").iterdir())
    assert files == [f"{a.slug}.{key}.{n}.xml" for n in range(5)]

    with psycopg.connect(database_url) as conn:  # the app's login, as `ombud archive send` uses
        assert request_send(conn, a.slug, a.inquiry_id(reference)) == key
    assert [row[2] for row in outbox(admin_database_url, a.slug)] == ["pending"]
    assert worker.archive_once() == (1, 0)
    assert len(list((tmp_path / "utgaaende").iterdir())) == 5  # the same names: the same messages again

    folder = fiks.folder_id(a.slug, a.inquiry_id(reference))
    (tmp_path / "kvitteringer").mkdir()
    (tmp_path / "kvitteringer" / f"{a.slug}.{key}.0.xml").write_bytes(receipt(2026, 41, str(folder)))
    (tmp_path / "kvitteringer" / "noise.xml").write_bytes(b"<x/>")
    assert worker.archive_once() == (0, 1)
    assert [e.details["case_number"] for e in a.history(reference) if e.event == "ArchivedInKommune"] == ["2026/41"]
    assert outbox(admin_database_url, b.slug) == []
    assert not (tmp_path / "kvitteringer" / f"{a.slug}.{key}.0.xml").exists()


def test_backoff_doubles_up_to_the_cap_and_the_row_names_the_error_class_only(
    offices: tuple[Office, Office],
    caseworker: Context,
    worker: ProjectionWorker,
    admin_database_url: str,
    queues: tuple[str, str],
) -> None:
    a, _ = offices
    closed_case(a, caseworker)
    worker.catch_up(a.slug)
    queue, replies = queues
    worker.deliver_archive_with(
        ArchiveDelivery(worker._platform, AmqpTransport(NOWHERE, queue, replies), retry_first=60.0, retry_cap=100.0)
    )
    waits = []
    for _ in range(3):
        assert worker.archive_once() == (0, 0)
        (wait,) = query(
            admin_database_url,
            "SELECT extract(epoch FROM next_attempt_at - last_attempt_at) FROM platform.archive_outbox"
            " WHERE tenant_id = %s",
            (a.slug,),
        )[0]
        waits.append(round(float(wait)))
        assert worker.archive_once() == (0, 0)  # not due yet: no attempt
        with psycopg.connect(admin_database_url) as conn:  # the wait has passed
            conn.execute("UPDATE platform.archive_outbox SET next_attempt_at = now() WHERE tenant_id = %s", (a.slug,))
    assert waits == [60, 100, 100]
    (row,) = outbox(admin_database_url, a.slug)
    assert row[3] == 3 and row[4] == "AMQPConnectionError"


def test_the_case_number_is_an_event_of_the_system_only_and_a_repeat_adds_none(
    offices: tuple[Office, Office], caseworker: Context
) -> None:
    from services.case_commands import NotAllowed, RecordArchiveReceipt

    a, _ = offices
    reference = closed_case(a, caseworker)
    with pytest.raises(NotAllowed):
        a.handle(caseworker, RecordArchiveReceipt(reference, date(2024, 4, 1), "2026/1"))
    system = Context("worker:fiks-arkiv", "system", str(uuid4()))
    a.handle(system, RecordArchiveReceipt(reference, date(2024, 4, 1), "2026/1"))
    a.handle(system, RecordArchiveReceipt(reference, date(2024, 4, 2), "2026/1"))
    assert [e.event for e in a.history(reference)].count("ArchivedInKommune") == 1
    assert isinstance(a.inquiry_id(reference), UUID)


def test_archive_send_on_the_command_line_queues_a_closed_case_and_refuses_what_it_cannot(
    ombud, offices: tuple[Office, Office], caseworker: Context, admin_database_url: str
) -> None:
    a, b = offices
    reference = closed_case(a, caseworker)
    code, out, _ = ombud("archive", "send", "--tenant", a.slug, reference)
    key = fiks.idempotency_key(a.slug, a.inquiry_id(reference))
    assert code == 0 and str(key) in out and NAME not in out
    assert [row[0] for row in outbox(admin_database_url, a.slug)] == [key]

    code, _, err = ombud("archive", "send", "--tenant", b.slug, reference)  # another kommune's reference
    assert code == 1 and err.count("\n") == 1 and outbox(admin_database_url, b.slug) == []
    erased = closed_case(a, caseworker)
    factories.erase(a, factories.as_admin(caseworker), erased, date(2024, 4, 1))
    code, _, err = ombud("archive", "send", "--tenant", a.slug, erased)
    assert code == 1 and "slettet" in err
    assert len(outbox(admin_database_url, a.slug)) == 1


def test_the_running_worker_delivers_a_closure_and_records_its_receipt_by_itself(
    offices: tuple[Office, Office], caseworker: Context, worker: ProjectionWorker, tmp_path: Path
) -> None:
    a, _ = offices
    worker.deliver_archive_with(ArchiveDelivery(worker._platform, FolderTransport(tmp_path), retry_first=0.0))
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        reference = closed_case(a, caseworker)
        key = fiks.idempotency_key(a.slug, a.inquiry_id(reference))
        first = tmp_path / "utgaaende" / f"{a.slug}.{key}.0.xml"
        assert until(first.exists)
        (tmp_path / "kvitteringer").mkdir()
        folder = str(fiks.folder_id(a.slug, a.inquiry_id(reference)))
        (tmp_path / "kvitteringer" / f"{a.slug}.{key}.0.xml").write_bytes(receipt(2026, 5, folder))
        assert until(lambda: any(e.event == "ArchivedInKommune" for e in a.history(reference)))
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_an_unknown_transport_is_one_line_naming_its_setting() -> None:
    with pytest.raises(SettingsError, match="OMBUD_ARCHIVE_TRANSPORT"):
        Settings.from_environment({"OMBUD_ARCHIVE_TRANSPORT": "ftp"})
    with pytest.raises(SettingsError, match="OMBUD_ARCHIVE_RETRY_SECONDS"):
        Settings.from_environment({"OMBUD_ARCHIVE_RETRY_SECONDS": "²"})
    assert Settings.from_environment({}).archive_transport == "folder"


def until(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Whether the condition came true within `seconds` (a bound for a stuck worker, not a measure of speed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
