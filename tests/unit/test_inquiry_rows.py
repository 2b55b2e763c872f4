"""A list row's reply state decides its tag: answered, overdue, due within the dashboard's week, or waiting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from projections.dashboard import DUE_SOON_DAYS
from web.inquiry_rows import inquiry_rows

TODAY = date(2025, 3, 10)


def record(*, reply_due: date, overdue: bool = False, answered: bool = False) -> dict:
    return {
        "reference": "2025-0001",
        "received_on": reply_due - timedelta(days=30),
        "primary_area": "helse",
        "case_types": ["no_reply"],
        "assignee": None,
        "status": "open",
        "first_response_on": TODAY if answered else None,
        "resolved_on": None,
        "overdue": overdue,
        "reply_due": reply_due,
    }


@pytest.mark.parametrize(
    ("row", "reply"),
    [
        (record(reply_due=TODAY, answered=True), "answered"),
        (record(reply_due=TODAY - timedelta(days=1), overdue=True), "overdue"),
        (record(reply_due=TODAY), "due_soon"),
        (record(reply_due=TODAY + timedelta(days=DUE_SOON_DAYS)), "due_soon"),
        (record(reply_due=TODAY + timedelta(days=DUE_SOON_DAYS + 1)), "waiting"),
    ],
)
def test_the_reply_state_follows_the_deadline(row: dict, reply: str) -> None:
    (shown,) = inquiry_rows([row], {"helse": "Helse"}, today=TODAY)
    assert shown.reply == reply and shown.area == "Helse" and shown.assignee == "–"
