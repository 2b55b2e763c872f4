"""A list row's reply state decides its tag: answered, overdue, due within the dashboard's week, or waiting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.deadlines import DUE_SOON_DAYS, reply_due
from web.inquiry_rows import inquiry_rows

TODAY = date(2025, 3, 10)


def record(*, due: date, answered: bool = False) -> dict:
    received = due - timedelta(days=28)
    while reply_due(received) > due:
        received -= timedelta(days=1)
    assert reply_due(received) == due
    return {
        "reference": "2025-0001",
        "received_on": received,
        "primary_area": "helse",
        "case_types": ["no_reply"],
        "assignee": None,
        "status": "open",
        "answered": answered,
    }


@pytest.mark.parametrize(
    ("row", "reply"),
    [
        (record(due=TODAY, answered=True), "answered"),
        (record(due=TODAY - timedelta(days=1)), "overdue"),
        (record(due=TODAY), "due_soon"),
        (record(due=TODAY + timedelta(days=DUE_SOON_DAYS)), "due_soon"),
        (record(due=TODAY + timedelta(days=DUE_SOON_DAYS + 1)), "waiting"),
    ],
)
def test_the_reply_state_follows_the_deadline(row: dict, reply: str) -> None:
    (shown,) = inquiry_rows([row], {"helse": "Helse"}, today=TODAY)
    assert shown.reply == reply and shown.area == "Helse" and shown.assignee == "–"
