"""An inquiry as a list row shows it, worked out once in Python: templates only print, and fifty rows render fast."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import deadlines

DATE = "%d.%m.%Y"


@dataclass(frozen=True)
class InquiryRow:
    reference: str
    received: str
    area: str
    case_types: str
    assignee: str
    is_open: bool
    reply: deadlines.ReplyState  # fvl. § 11 a: a reply or interim reply within a month
    reply_due: str


def inquiry_rows(records: Iterable[Mapping[str, Any]], names: Mapping[str, str], *, today: date) -> list[InquiryRow]:
    """Case-list records (reference, received_on, primary_area, case_types, assignee, status, answered: the case
    list's own § 11 a flag, projections.inquiries.ANSWERED) with codes named, the reply deadline as domain.deadlines has it, and dates written the Norwegian way."""
    return [
        InquiryRow(
            reference=record["reference"],
            received=record["received_on"].strftime(DATE),
            area=names.get(record["primary_area"], record["primary_area"]),
            case_types=", ".join(names.get(code, code) for code in record["case_types"]) or "–",
            assignee=names.get(record["assignee"], record["assignee"]) if record["assignee"] else "–",
            is_open=record["status"] == "open",
            reply=deadlines.reply_state(
                record["received_on"],
                answered=record["answered"],
                today=today,
            ),
            reply_due=deadlines.reply_due(record["received_on"]).strftime(DATE),
        )
        for record in records
    ]
