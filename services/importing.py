"""Import of historical case logs (CSV as offices keep them): validate the whole file, then write it all."""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, StoredEvent

from domain import parsing
from domain.common import Context, DomainError, require_count, today_in_norway
from domain.inquiry import MAX_MEETINGS, Inquiry
from domain.tenant import Tenant
from services.application import FieldEncryptingMapper, OfficeApplication
from services.case_commands import ReceiveInquiry
from services.office import Office, received_inquiry
from services.search_index import SearchIndex

REQUIRED = ("reference", "received_on", "service_area")
OPTIONAL = (
    "channel",
    "requester",
    "case_types",
    "outside_mandate",
    "forwarded_to",
    "meetings_held",
    "interim_reply_on",
    "complaint_sent_on",
    "complaint_to",
    "complaint_outcome",
    "resolved_on",
    "outcome",
)
CHUNK = 2_000  # rows per unit of work (and per step of the progress bar)
PARALLEL_FROM_CHUNKS = 5  # smaller files are quicker in-process than with worker processes to start
IMPORTED_SUMMARY = "Importert fra saksloggen."
MAX_CELL = 1_000  # characters in one cell: no column holds free text

# Norwegian words offices write, beside the codes themselves.
_SYNONYMS = {
    "channel": {
        "telefon": "phone",
        "e-post": "email",
        "epost": "email",
        "brev": "letter",
        "nettskjema": "web",
        "oppmøte": "in_person",
        "digital post": "digital_mail",
        "annet": "other",
        "": "other",
    },
    "requester": {
        "bruker": "user",
        "innbygger": "user",
        "pårørende": "relative",
        "verge": "guardian",
        "fullmektig": "representative",
        "ansatt": "employee",
        "annen": "other",
        "annet": "other",
        "ikke oppgitt": "not_stated",
        "": "other",
    },
    "forwarded_to": {
        "pasient- og brukerombudet": "patient_ombud",
        "statsforvalteren": "county_governor",
        "sivilombudet": "parliamentary_ombud",
        "fri rettshjelp": "legal_aid",
        "annet": "other",
    },
    "complaint_to": {
        "statsforvalteren": "county_governor",
        "tjenestestedet": "service_unit",
        "klagenemnda": "appeals_board",
        "annet": "other",
    },
    "complaint_outcome": {
        "medhold": "upheld",
        "delvis medhold": "partly_upheld",
        "ikke medhold": "rejected",
        "avslått": "rejected",
        "trukket": "withdrawn",
    },
    "outcome": {
        "bistand gitt": "assisted",
        "veiledning gitt": "guided",
        "henvist": "referred",
        "utenfor mandat": "outside_mandate",
        "trukket": "withdrawn",
        "annet": "other",
        "": "other",
    },
}
_YES_NO = {"yes": True, "ja": True, "no": False, "nei": False, "": False}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"linje {self.line}, kolonne {self.column}: {self.reason}"


@dataclass(frozen=True)
class ImportResult:
    imported: int
    already_present: int


Progress = Callable[[int, int], None]


@runtime_checkable
class StreamWriter(Protocol):
    """What import needs of the event store (infra's BulkApplicationRecorder provides it)."""

    def insert_new_streams(self, events: Iterable[StoredEvent]) -> set[UUID]: ...


def import_case_log(
    office: Office, ctx: Context, data: bytes, progress: Progress = lambda done, total: None
) -> ImportResult:
    """All or nothing on bad input; references already in the tenant are left alone, so re-import is safe.

    One pass: rows are checked and turned into encrypted events in chunks (in worker processes for
    a large file) and streamed into the store in one transaction. A bad row stops the writing, the
    rest of the file is still checked, and the transaction rolls back.
    """
    rows = read_rows(data)
    recorder = office.app.recorder
    if not isinstance(recorder, StreamWriter):
        raise DomainError(None, "import krever PostgreSQL-lageret")
    problems = _duplicate_references(rows)
    tenant: Tenant = office.app.repository.get(Tenant.id_for())
    chunks = [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]
    encoder = (office.app.slug, office.app.env["CIPHER_KEY"], tenant, ctx)

    def stored_events(encoded: Iterable[tuple[list[Problem], list[_Packed]]]) -> Iterator[StoredEvent]:
        progress(0, len(rows))
        for done, (chunk_problems, events) in enumerate(encoded, start=1):
            problems.extend(chunk_problems)
            if not problems:
                yield from _unpacked(events)
            progress(min(done * CHUNK, len(rows)), len(rows))
        if problems:
            raise ImportRejected(sorted(problems, key=lambda p: p.line))

    with _collector_paused():
        if len(chunks) < PARALLEL_FROM_CHUNKS:
            _start_encoder(*encoder)
            present = recorder.insert_new_streams(stored_events(map(_encode_chunk, chunks)))
        else:
            spawn = multiprocessing.get_context("spawn")  # never fork a process that holds open connections
            with ProcessPoolExecutor(os.cpu_count(), spawn, _start_encoder, encoder) as pool:
                present = recorder.insert_new_streams(stored_events(pool.map(_encode_chunk, chunks)))
    return ImportResult(len(rows) - len(present), len(present))


def import_aggregates(office: Office, aggregates: Sequence[Aggregate]) -> ImportResult:
    """New aggregates built in memory (the demo's inquiries with their reference sequences) written as a case log is:
    each inquiry's key made in one statement, every event streamed into the store in one transaction. An aggregate
    whose stream exists already is left alone, so loading again is safe."""
    recorder = office.app.recorder
    if not isinstance(recorder, StreamWriter):
        raise DomainError(None, "import krever PostgreSQL-lageret")
    mapper = office.app.mapper
    if isinstance(mapper, FieldEncryptingMapper):
        mapper = mapper.with_keys(mapper.keys.for_new([a.id for a in aggregates if isinstance(a, Inquiry)]))
    with _collector_paused():
        events = [event for aggregate in aggregates for event in aggregate.collect_events()]
        present = recorder.insert_new_streams(map(mapper.to_stored_event, events))
    return ImportResult(len(aggregates) - len(present), len(present))


def _duplicate_references(rows: list[tuple[int, dict[str, str]]]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        reference = row.get("reference", "")
        if reference in seen:
            problems.append(Problem(line, "reference", f"«{reference}» står også på linje {seen[reference]}"))
        seen.setdefault(reference, line)
    return problems


_encoder: tuple[Mapper[UUID], SearchIndex, Tenant, Context] | None = None


def _start_encoder(slug: str, cipher_key: str, tenant: Tenant, ctx: Context) -> None:
    """Each worker process encrypts with the tenant's own key, and hashes search words, as its application would."""
    global _encoder
    app = OfficeApplication(slug, cipher_key)
    _encoder = (app.mapper, app.search_index, tenant, ctx)


# A stored event as plain values (id bytes, version, topic, state): ten times cheaper to pass between processes.
_Packed = tuple[bytes, int, str, bytes]


def _encode_chunk(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[Problem], list[_Packed]]:
    """The rows' problems, or else their events ready to store."""
    assert _encoder is not None
    mapper, index, tenant, ctx = _encoder
    problems: list[Problem] = []
    events: list[_Packed] = []
    with _collector_paused():
        for line, row in rows:
            try:
                inquiry = _inquiry(ctx, tenant, row, index)
            except _RowError as error:
                problems.append(Problem(line, error.column, error.reason))
                continue
            if not problems:
                for event in map(mapper.to_stored_event, inquiry.collect_events()):
                    events.append(
                        (UUID(str(event.originator_id)).bytes, event.originator_version, event.topic, event.state)
                    )
    return problems, events if not problems else []


def _unpacked(events: list[_Packed]) -> Iterator[StoredEvent]:
    originator_id = UUID(int=0)
    for id_bytes, version, topic, state in events:
        if id_bytes != originator_id.bytes:  # an inquiry's events come together: one UUID for them all
            originator_id = UUID(bytes=id_bytes)
        yield StoredEvent(originator_id, version, topic, state)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A large file keeps many objects alive; the cyclic collector would rescan them all, over and over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers; UTF-8 with or without BOM, comma or semicolon, found from the header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            [Problem(1, "-", f"filen er ikke UTF-8 (ugyldig byte ved posisjon {error.start})")]
        ) from None
    if "\x00" in text:
        raise ImportRejected([Problem(1, "-", "filen inneholder NUL-tegn; er den en regnearkfil og ikke CSV?")])
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip():
        raise ImportRejected([Problem(1, "-", "filen er tom")])
    delimiter = max((",", ";"), key=lambda d: sum(c in [h.strip() for h in header.split(d)] for c in REQUIRED))
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportRejected(
            [Problem(1, ", ".join(missing), "mangler i overskriften (skilletegn må være komma eller semikolon)")]
        )
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise ImportRejected([Problem(1, ", ".join(name[:40] for name in unknown[:10]), "ukjent kolonne")])
    rows = []
    try:
        for raw in reader:
            if None in raw:
                raise ImportRejected([Problem(reader.line_num, "-", "flere felt enn kolonner i overskriften")])
            rows.append((reader.line_num, {k.strip(): (v or "").strip() for k, v in raw.items()}))
    except csv.Error as error:  # the csv module's own bound on a field (131 072 characters) among them
        too_long = "field larger than field limit" in str(error)
        reason = f"et felt er lengre enn {MAX_CELL} tegn" if too_long else "linjen kan ikke leses som CSV"
        raise ImportRejected([Problem(reader.line_num + 1, "-", reason)]) from None  # the line being read
    if not rows:
        raise ImportRejected([Problem(2, "-", "filen har overskrift, men ingen rader")])
    return rows


def _inquiry(ctx: Context, tenant: Tenant, row: dict[str, str], index: SearchIndex) -> Inquiry:
    for column, cell in row.items():
        with _column(column):
            parsing.text(column, cell, max_length=MAX_CELL)
    received = _date(row, "received_on", required=True)
    assert received is not None
    command = ReceiveInquiry(
        received_on=received,
        channel=_choice(row, "channel"),
        requester_role=_choice(row, "requester"),
        service_area=row["service_area"],
        case_types=tuple(c.strip() for c in row.get("case_types", "").split("|") if c.strip()),
        outside_mandate=_yes_no(row, "outside_mandate"),
        summary=IMPORTED_SUMMARY,
    )
    with _column("reference", fields=_RECEIVED_COLUMNS):
        inquiry = received_inquiry(ctx, tenant, command, reference=row["reference"], index=index)
    if row.get("forwarded_to"):
        with _column("forwarded_to"):
            inquiry.forward(ctx, on=received, to_body=_choice(row, "forwarded_to"), reason=IMPORTED_SUMMARY)
    with _column("meetings_held"):
        meetings = require_count("meetings_held", _count(row.get("meetings_held", "")), maximum=MAX_MEETINGS)
    for _ in range(meetings):
        inquiry.hold_meeting(ctx, on=received, participants=["ombud"])
    if interim := _date(row, "interim_reply_on"):
        with _column("interim_reply_on"):
            inquiry.send_interim_reply(ctx, on=interim)
    resolved = _date(row, "resolved_on")
    if complaint := _date(row, "complaint_sent_on"):
        with _column("complaint_to"):
            inquiry.send_complaint(
                ctx, on=complaint, to=_choice(row, "complaint_to") or "other", about=IMPORTED_SUMMARY
            )
        if row.get("complaint_outcome"):
            with _column("complaint_outcome"):
                inquiry.decide_complaint(ctx, on=resolved or complaint, outcome=_choice(row, "complaint_outcome"))
    elif row.get("complaint_outcome") or row.get("complaint_to"):
        raise _RowError("complaint_sent_on", "må fylles ut når klagen har mottaker eller utfall")
    if resolved:
        with _column("resolved_on"):
            inquiry.resolve(ctx, on=resolved, outcome=_choice(row, "outcome"))
    elif row.get("outcome"):
        raise _RowError("resolved_on", "må fylles ut når utfall er oppgitt")
    return inquiry


def _date(row: dict[str, str], column: str, *, required: bool = False) -> date | None:
    text = row.get(column, "")
    if not text:
        if required:
            raise _RowError(column, "må fylles ut")
        return None
    with _column(column):
        day = parsing.day(column, text)
    if day > today_in_norway():
        raise _RowError(column, f"{text} ligger fram i tid")
    return day


def _choice(row: dict[str, str], column: str) -> str:
    text = row.get(column, "")
    return _SYNONYMS[column].get(text.casefold(), text)


def _yes_no(row: dict[str, str], column: str) -> bool:
    text = row.get(column, "").casefold()
    if text not in _YES_NO:
        raise _RowError(column, f"må være yes/no (eller ja/nei), var «{text}»")
    return _YES_NO[text]


def _count(text: str) -> int:
    return parsing.optional_whole_number("meetings_held", text) or 0


# The column at fault for a rule the received inquiry breaks; any other rule is the reference's.
_RECEIVED_COLUMNS = {
    "service_area": "service_area",
    "case_types": "case_types",
    "channel": "channel",
    "requester_role": "requester",
    "received_on": "received_on",
}


class _column:
    """Reports a broken rule inside the block as a problem in this column."""

    def __init__(self, name: str, fields: dict[str, str] | None = None) -> None:
        self.name = name
        self.fields = fields or {}

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, _: Any) -> Literal[False]:
        if isinstance(error, DomainError):
            raise _RowError(self.fields.get(error.field or "", self.name), error.message) from None
        return False


class _RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


class ImportRejected(DomainError):
    """The file has problems; nothing was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "; ".join(str(p) for p in problems[:20])
        more = f" … og {len(problems) - 20} til" if len(problems) > 20 else ""
        super().__init__(None, f"ingenting er importert: {shown}{more}")
        self.problems = problems
