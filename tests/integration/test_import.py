"""Importing historical case logs: the whole file is checked first; a bad row names its line and column."""

from __future__ import annotations

import psycopg
import pytest

from domain.common import Context
from services.application import table_prefix
from services.importing import CHUNK, PARALLEL_FROM_CHUNKS, ImportRejected, import_case_log
from services.office import Office
from tests.integration.helpers import offices_fixture  # noqa: F401 (the fixture `offices`)

HEADER = (
    "reference,received_on,channel,requester,service_area,case_types,outside_mandate,forwarded_to,"
    "meetings_held,interim_reply_on,complaint_sent_on,complaint_to,complaint_outcome,resolved_on,outcome"
)
GOOD = [
    "A-1,04.01.2023,telefon,pårørende,Helse,no_reply|complaint_help,nei,,2,2023-01-20,2023-02-01,statsforvalteren,delvis medhold,2023-04-01,assisted",
    "A-2,2023-02-11,email,user,plan-og-bygg,,no,county_governor,0,,,,,2023-02-15,referred",
    "A-3,2023-03-01,,,NAV,lacking_information,ja,,,,,,,,",
]


def csv_bytes(*lines: str, delimiter: str = ",", bom: bool = False) -> bytes:
    text = "\n".join([HEADER.replace(",", delimiter), *[line.replace(",", delimiter) for line in lines]]) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def events_in(database_url: str, office: Office) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM events.{table_prefix(office.slug)}_events").fetchone()[0]


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", True)], ids=["comma", "semicolon-with-bom"])
def test_a_case_log_becomes_the_events_it_implies(
    offices: tuple[Office, Office], caseworker: Context, delimiter: str, bom: bool
) -> None:
    a, b = offices
    result = import_case_log(a, caseworker, csv_bytes(*GOOD, delimiter=delimiter, bom=bom))

    assert (result.imported, result.already_present) == (3, 0)
    assert [e.event for e in a.history("A-1")] == [
        "Received",
        "MeetingHeld",
        "MeetingHeld",
        "InterimReplySent",
        "ComplaintSent",
        "ComplaintDecided",
        "Resolved",
    ]
    first = a.inquiry("A-1")
    assert (first.channel, first.requester_role, first.case_types) == (
        "phone",
        "relative",
        ["no_reply", "complaint_help"],
    )
    assert first.complaints[0]["outcome"] == "partly_upheld"
    assert a.inquiry("A-2").forwarded == ["county_governor"]
    third = a.inquiry("A-3")
    assert (third.status, third.outside_mandate, third.primary_area, third.channel) == ("open", True, "nav", "other")
    assert b.profile() and b.slug != a.slug
    with pytest.raises(Exception, match="finner ingen"):
        b.inquiry("A-1")  # nothing crossed to the other tenant


def test_importing_the_same_file_again_changes_nothing(
    offices: tuple[Office, Office], caseworker: Context, database_url: str
) -> None:
    a, _ = offices
    import_case_log(a, caseworker, csv_bytes(*GOOD))
    before = events_in(database_url, a)
    result = import_case_log(a, caseworker, csv_bytes(*GOOD, "A-4,2023-05-05,,,Helse,,,,,,,,,,"))
    assert (result.imported, result.already_present) == (1, 3)
    assert events_in(database_url, a) == before + 1


@pytest.mark.parametrize(
    ("data", "line", "column", "reason"),
    [
        (csv_bytes(GOOD[0], "B-1,31.02.2023,,,Helse,,,,,,,,,,"), 3, "received_on", "finnes ikke i kalenderen"),
        (csv_bytes(GOOD[0], "B-1,2023-01-01,,,Finnes ikke,,,,,,,,,,"), 3, "service_area", "finnes ikke"),
        (csv_bytes(GOOD[0], GOOD[0]), 3, "reference", "står også på linje 2"),
        (csv_bytes(GOOD[0], "Hjalmar_Zyxwvutsen,2023-01-01,,,Helse,,,,,,,,,,"), 3, "reference", "saksnummeret må være"),
        (csv_bytes(GOOD[0], "B-1,2023-01-01,,,Helse,ukjent_type,,,,,,,,,"), 3, "case_types", "ukjent sakstype"),
        (csv_bytes(GOOD[0], "B-1,2023-01-01,,,Helse,,kanskje,,,,,,,,"), 3, "outside_mandate", "yes/no"),
        (csv_bytes(GOOD[0], "B-1,2023-01-01,brevdue,,Helse,,,,,,,,,,"), 3, "channel", "ugyldig verdi"),
        (csv_bytes(GOOD[0], "B-1,2023-01-01,,,Helse,,,,mange,,,,,,"), 3, "meetings_held", "helt tall"),
        (
            csv_bytes(GOOD[0], "B-1,2023-03-01,,,Helse,,,,,,,,,2023-02-01,assisted"),
            3,
            "resolved_on",
            "før henvendelsen",
        ),
        (csv_bytes(GOOD[0], "B-1,2023-03-01,,,Helse,,,,,,,,upheld,,"), 3, "complaint_sent_on", "må fylles ut"),
        (csv_bytes(*GOOD).replace(b",", b"\t"), 1, "reference, received_on, service_area", "komma eller semikolon"),
        (b"", 1, "-", "tom"),
        (HEADER.encode() + b"\n", 2, "-", "ingen rader"),
        (csv_bytes(*GOOD).replace("pårørende".encode(), "pårørende".encode("latin-1")), 1, "-", "ikke UTF-8"),
    ],
    ids=[
        "bad-date",
        "unknown-area",
        "duplicate-reference",
        "name-as-reference",
        "unknown-case-type",
        "bad-yes-no",
        "bad-channel",
        "bad-count",
        "resolved-before-received",
        "decision-without-complaint",
        "wrong-delimiter",
        "empty-file",
        "header-only",
        "not-utf8",
    ],
)
def test_a_bad_file_names_line_column_and_reason_and_imports_nothing(
    offices: tuple[Office, Office],
    caseworker: Context,
    database_url: str,
    data: bytes,
    line: int,
    column: str,
    reason: str,
) -> None:
    a, _ = offices
    before = events_in(database_url, a)
    with pytest.raises(ImportRejected) as rejected:
        import_case_log(a, caseworker, data)
    problem = rejected.value.problems[0]
    assert (problem.line, problem.column) == (line, column)
    assert reason in problem.reason
    assert events_in(database_url, a) == before


def test_every_bad_row_is_reported_at_once(offices: tuple[Office, Office], caseworker: Context) -> None:
    a, _ = offices
    rows = [f"C-{n},2023-01-{n:02d},,,Ukjent,,,,,,,,,," for n in range(1, 26)]
    with pytest.raises(ImportRejected) as rejected:
        import_case_log(a, caseworker, csv_bytes(*rows))
    assert [p.line for p in rejected.value.problems] == list(range(2, 27))
    assert "og 5 til" in str(rejected.value)


def test_progress_is_reported_from_zero_to_all_rows(offices: tuple[Office, Office], caseworker: Context) -> None:
    a, _ = offices
    seen: list[tuple[int, int]] = []
    rows = [f"D-{n},2023-02-01,,,Helse,,,,,,,,,," for n in range(120)]
    import_case_log(a, caseworker, csv_bytes(*rows), progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 120) and seen[-1] == (120, 120)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_large_file_is_encoded_in_worker_processes_and_still_all_or_nothing(
    offices: tuple[Office, Office], caseworker: Context, database_url: str
) -> None:
    a, _ = offices
    count = CHUNK * PARALLEL_FROM_CHUNKS
    rows = [f"L-{n},2023-02-{1 + n % 28:02d},,,Helse,,,,,2023-03-01,,,,2023-04-01,assisted" for n in range(count)]
    bad_last = [*rows[:-1], f"L-{count},2023-02-30,,,Helse,,,,,,,,,,"]

    with pytest.raises(ImportRejected) as rejected:
        import_case_log(a, caseworker, csv_bytes(*bad_last))
    assert [(p.line, p.column) for p in rejected.value.problems] == [(count + 1, "received_on")]
    assert events_in(database_url, a) == 1  # the tenant's own stream; the chunks already streamed were rolled back

    result = import_case_log(a, caseworker, csv_bytes(*rows))
    assert (result.imported, result.already_present) == (count, 0)
    assert events_in(database_url, a) == 1 + 3 * count
    assert [e.event for e in a.history(f"L-{count - 1}")] == ["Received", "InterimReplySent", "Resolved"]
