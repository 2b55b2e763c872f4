"""The case list: one row per inquiry with what lists, filters and deadlines need, and no personal data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import Cursor

from domain import deadlines
from domain.inquiry import Inquiry
from projections import statistics

NAME = "case_list"
TABLES = ("read.inquiries", *statistics.TABLES)

COLUMNS = (
    "tenant_id",
    "id",
    "reference",
    "version",
    "status",
    "received_on",
    "channel",
    "requester_role",
    "primary_area",
    "further_areas",
    "case_types",
    "outside_mandate",
    "assignee",
    "interim_reply_on",
    "first_response_on",
    "forwarded_to",
    "meetings",
    "complaints_sent",
    "complaint_outcomes",
    "resolved_on",
    "outcome",
)

SELECT_ROWS = f"SELECT {', '.join(COLUMNS)} FROM read.inquiries WHERE tenant_id = %s AND id = ANY(%s)"
UPSERT_ROWS = (
    f"INSERT INTO read.inquiries ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    " ON CONFLICT (tenant_id, id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in ("tenant_id", "id"))
)


def apply_batch(cursor: Cursor[Any], tenant_id: str, events: Sequence[Any]) -> None:
    """Folds a batch of events into the rows they touch, writes each touched row once, and moves the counts."""
    inquiry_events = [e for e in events if isinstance(e, Inquiry.Event)]
    if not inquiry_events:
        return
    ids = list({e.originator_id for e in inquiry_events})
    cursor.execute(SELECT_ROWS, (tenant_id, ids))
    before = {row[1]: dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()}
    rows = dict(before)
    for event in inquiry_events:
        rows[event.originator_id] = fold(rows.get(event.originator_id), tenant_id, event)
    cursor.executemany(UPSERT_ROWS, [tuple(rows[i][c] for c in COLUMNS) for i in ids])
    statistics.record_changes(cursor, tenant_id, [before.get(i) for i in ids], [rows[i] for i in ids])


def fold(row: dict[str, Any] | None, tenant_id: str, event: Any) -> dict[str, Any]:
    """The row after one event; a pure function, so it can be checked against the aggregate."""
    if isinstance(event, Inquiry.Received):
        row = {
            "tenant_id": tenant_id,
            "id": event.originator_id,
            "reference": event.reference,
            "status": "open",
            "received_on": event.on,
            "channel": event.channel,
            "requester_role": event.requester_role,
            "primary_area": event.primary_area,
            "further_areas": list(event.further_areas),
            "case_types": list(event.case_types),
            "outside_mandate": event.outside_mandate,
            "assignee": None,
            "interim_reply_on": None,
            "first_response_on": None,
            "forwarded_to": [],
            "meetings": 0,
            "complaints_sent": 0,
            "complaint_outcomes": [],
            "resolved_on": None,
            "outcome": None,
        }
    assert row is not None, "an inquiry's first event is Received"
    row = dict(row, version=event.originator_version)
    if deadlines.is_reply(event) and row["first_response_on"] is None:
        row["first_response_on"] = event.on
    match event:
        case Inquiry.Assigned():
            row["assignee"] = event.assignee
        case Inquiry.Recategorised():
            row.update(
                primary_area=event.primary_area,
                further_areas=list(event.further_areas),
                case_types=list(event.case_types),
                outside_mandate=event.outside_mandate,
            )
        case Inquiry.InterimReplySent():
            row["interim_reply_on"] = row["interim_reply_on"] or event.on
        case Inquiry.Forwarded():
            row["forwarded_to"] = [*row["forwarded_to"], event.to_body]
        case Inquiry.MeetingHeld():
            row["meetings"] += 1
        case Inquiry.ComplaintSent():
            row["complaints_sent"] += 1
        case Inquiry.ComplaintDecided():
            row["complaint_outcomes"] = [*row["complaint_outcomes"], event.outcome]
        case Inquiry.Resolved():
            row.update(status="resolved", resolved_on=event.on, outcome=event.outcome)
        case Inquiry.Reopened():
            row.update(status="open", resolved_on=None, outcome=None)
    return row
