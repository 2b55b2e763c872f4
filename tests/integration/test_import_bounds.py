"""An imported case log is held to the domain's bounds: a count or date the read side cannot store writes nothing."""

from __future__ import annotations

import psycopg
import pytest

from domain.common import Context
from domain.inquiry import MAX_MEETINGS
from services.application import table_prefix
from services.importing import ImportRejected, import_case_log
from services.office import InquiryNotFound, Office
from tests.integration.helpers import offices_fixture  # noqa: F401 (the fixture `offices`)

HEADER = "reference,received_on,service_area,meetings_held"


def events_in(database_url: str, office: Office) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM events.{table_prefix(office.slug)}_events").fetchone()[0]


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("X-1,2023-01-04,Helse,200000", "meetings_held", f"større enn {MAX_MEETINGS}"),
        (f"X-1,2023-01-04,Helse,{MAX_MEETINGS + 1}", "meetings_held", f"større enn {MAX_MEETINGS}"),
        ("X-1,1999-12-31,Helse,0", "received_on", "må ligge mellom"),
    ],
    ids=["two-hundred-thousand-meetings", "one-meeting-past-the-bound", "received-before-2000"],
)
def test_a_row_past_a_bound_names_its_column_and_imports_nothing(
    offices: tuple[Office, Office], caseworker: Context, database_url: str, row: str, column: str, reason: str
) -> None:
    a, b = offices
    before = (events_in(database_url, a), events_in(database_url, b))
    with pytest.raises(ImportRejected) as rejected:
        import_case_log(a, caseworker, f"{HEADER}\nA-1,2023-01-02,Helse,1\n{row}\n".encode())
    [problem] = rejected.value.problems
    assert (problem.line, problem.column) == (3, column) and reason in problem.reason
    assert (events_in(database_url, a), events_in(database_url, b)) == before


def test_the_largest_number_of_meetings_is_imported_as_that_many_events(
    offices: tuple[Office, Office], caseworker: Context
) -> None:
    a, b = offices
    import_case_log(a, caseworker, f"{HEADER}\nM-1,2023-01-02,Helse,{MAX_MEETINGS}\n".encode())
    assert [e.event for e in a.history("M-1")].count("MeetingHeld") == MAX_MEETINGS
    with pytest.raises(InquiryNotFound):
        b.history("M-1")
