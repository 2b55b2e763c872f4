"""The case list: one row per inquiry with what lists, filters and deadlines need, and no personal data."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from domain.inquiry import Inquiry

NAME = "case_list"

# Steps that count as the office's first response to the inquirer (fvl. § 11 a).
_RESPONSES = (
    Inquiry.InterimReplySent,
    Inquiry.Forwarded,
    Inquiry.MeetingHeld,
    Inquiry.ComplaintSent,
    Inquiry.Resolved,
)


def apply(cursor: Cursor[Any], tenant_id: str, event: Any) -> None:
    """Writes what one event changes; the caller holds the transaction and the position."""
    if not isinstance(event, Inquiry.Event):
        return
    key = (tenant_id, event.originator_id)
    if isinstance(event, Inquiry.Received):
        cursor.execute(
            "INSERT INTO read.inquiries (tenant_id, id, reference, version, status, received_on, channel,"
            " requester_role, primary_area, further_areas, case_types, outside_mandate)"
            " VALUES (%s, %s, %s, %s, 'open', %s, %s, %s, %s, %s, %s, %s)",
            (
                *key,
                event.reference,
                event.originator_version,
                event.on,
                event.channel,
                event.requester_role,
                event.primary_area,
                list(event.further_areas),
                list(event.case_types),
                event.outside_mandate,
            ),
        )
        return
    change, values = _change(event)
    response = ", first_response_on = coalesce(first_response_on, %s)" if isinstance(event, _RESPONSES) else ""
    extra = (event.on,) if response else ()
    cursor.execute(
        f"UPDATE read.inquiries SET version = %s{', ' + change if change else ''}{response}"
        " WHERE tenant_id = %s AND id = %s",
        (event.originator_version, *values, *extra, *key),
    )


def _change(event: Any) -> tuple[str, tuple[Any, ...]]:
    match event:
        case Inquiry.Assigned():
            return "assignee = %s", (event.assignee,)
        case Inquiry.Recategorised():
            return (
                "primary_area = %s, further_areas = %s, case_types = %s, outside_mandate = %s",
                (event.primary_area, list(event.further_areas), list(event.case_types), event.outside_mandate),
            )
        case Inquiry.InterimReplySent():
            return "interim_reply_on = coalesce(interim_reply_on, %s)", (event.on,)
        case Inquiry.Forwarded():
            return "forwarded_to = array_append(forwarded_to, %s)", (event.to_body,)
        case Inquiry.MeetingHeld():
            return "meetings = meetings + 1", ()
        case Inquiry.ComplaintSent():
            return "complaints_sent = complaints_sent + 1", ()
        case Inquiry.Resolved():
            return "status = 'resolved', resolved_on = %s, outcome = %s", (event.on, event.outcome)
        case Inquiry.Reopened():
            return "status = 'open', resolved_on = NULL, outcome = NULL", ()
    return "", ()
