"""The § 11 a reply rules and Norway's "today": month ends, leap years, summer time and midnight in Oslo versus UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from domain import common, deadlines
from domain.common import Context
from domain.deadlines import (
    DUE_SOON_DAYS,
    due_soon_if_received_between,
    is_reply,
    overdue_if_received_before,
    reply_due,
    reply_state,
    today_in_norway,
)
from domain.inquiry import Inquiry
from tests import factories


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2024, 1, 15), date(2024, 2, 15)),
        (date(2023, 1, 31), date(2023, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2024, 1, 29), date(2024, 2, 29)),
        (date(2023, 1, 29), date(2023, 2, 28)),
        (date(2024, 3, 31), date(2024, 4, 30)),
        (date(2024, 2, 29), date(2024, 3, 29)),
        (date(2024, 12, 31), date(2025, 1, 31)),
        (date(2024, 12, 15), date(2025, 1, 15)),
    ],
)
def test_a_reply_is_due_one_month_after_receipt_or_on_the_last_day_of_a_shorter_month(
    received: date, due: date
) -> None:
    assert reply_due(received) == due


def test_the_due_date_never_goes_back_and_lies_28_to_31_days_after_receipt() -> None:
    day, previous = date(2023, 1, 1), None
    while day < date(2025, 1, 1):
        due = reply_due(day)
        assert 28 <= (due - day).days <= 31
        assert previous is None or due >= previous
        day, previous = day + timedelta(days=1), due


def test_the_cut_offs_the_queries_bind_agree_with_the_rule_for_every_receipt_date() -> None:
    """A query asks `received_on < cut-off` and `received_on BETWEEN first AND last`: the same as reply_state."""
    for today in (date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1), date(2023, 3, 1), date(2024, 12, 31)):
        cut_off = overdue_if_received_before(today)
        first, last = due_soon_if_received_between(today)
        for back in range(90):
            received = today - timedelta(days=back)
            state = reply_state(received, answered=False, today=today)
            assert (received < cut_off) == (state == "overdue"), (today, received)
            assert (first <= received <= last) == (state == "due_soon"), (today, received)


def test_on_1_march_an_inquiry_of_31_january_is_overdue_and_one_of_1_february_is_due_today() -> None:
    today = date(2023, 3, 1)
    assert reply_state(date(2023, 1, 31), answered=False, today=today) == "overdue"
    assert reply_state(date(2023, 2, 1), answered=False, today=today) == "due_soon"
    assert overdue_if_received_before(today) == date(2023, 2, 1)


def test_due_soon_means_due_today_or_within_the_days_the_dashboard_names() -> None:
    today = date(2024, 6, 10)
    assert reply_state(date(2024, 5, 10), answered=False, today=today) == "due_soon"
    assert reply_state(date(2024, 5, 10) + timedelta(days=DUE_SOON_DAYS), answered=False, today=today) == "due_soon"
    assert reply_state(date(2024, 5, 11) + timedelta(days=DUE_SOON_DAYS), answered=False, today=today) == "waiting"
    assert due_soon_if_received_between(today) == (date(2024, 5, 10), date(2024, 5, 17))


def test_an_answered_inquiry_is_answered_however_old() -> None:
    assert reply_state(date(2020, 1, 1), answered=True, today=date(2024, 1, 1)) == "answered"


def test_today_is_the_date_in_oslo_not_in_utc() -> None:
    # 23:30 UTC on 31 December is 00:30 on 1 January in Oslo (winter time, UTC+1).
    assert today_in_norway(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)) == date(2025, 1, 1)
    assert today_in_norway(datetime(2024, 12, 31, 22, 59, tzinfo=UTC)) == date(2024, 12, 31)
    # In summer time (UTC+2) the day turns at 22:00 UTC.
    assert today_in_norway(datetime(2024, 6, 30, 22, 0, tzinfo=UTC)) == date(2024, 7, 1)
    assert today_in_norway(datetime(2024, 6, 30, 21, 59, tzinfo=UTC)) == date(2024, 6, 30)
    # A moment stated in another zone is the same moment.
    assert today_in_norway(datetime(2024, 7, 1, 7, 0, tzinfo=timezone(timedelta(hours=9)))) == date(2024, 7, 1)


def test_the_nights_the_clocks_change_have_one_date_either_side_of_midnight() -> None:
    # 31 March 2024: 02:00 became 03:00 (UTC+1 → UTC+2); 27 October 2024: 03:00 became 02:00 (back to UTC+1).
    assert today_in_norway(datetime(2024, 3, 30, 22, 59, tzinfo=UTC)) == date(2024, 3, 30)
    assert today_in_norway(datetime(2024, 3, 30, 23, 0, tzinfo=UTC)) == date(2024, 3, 31)
    assert today_in_norway(datetime(2024, 3, 31, 21, 59, tzinfo=UTC)) == date(2024, 3, 31)
    assert today_in_norway(datetime(2024, 3, 31, 22, 0, tzinfo=UTC)) == date(2024, 4, 1)
    assert today_in_norway(datetime(2024, 10, 26, 21, 59, tzinfo=UTC)) == date(2024, 10, 26)
    assert today_in_norway(datetime(2024, 10, 26, 22, 0, tzinfo=UTC)) == date(2024, 10, 27)
    assert today_in_norway(datetime(2024, 10, 27, 22, 59, tzinfo=UTC)) == date(2024, 10, 27)
    assert today_in_norway(datetime(2024, 10, 27, 23, 0, tzinfo=UTC)) == date(2024, 10, 28)


def test_a_moment_without_a_time_zone_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError):
        today_in_norway(datetime(2024, 1, 1, 12, 0))


def test_the_rest_of_the_domain_asks_the_same_today() -> None:
    assert common.today_in_norway is deadlines.today_in_norway
    assert today_in_norway() in (
        datetime.now(deadlines.OSLO).date(),
        (datetime.now(deadlines.OSLO) - timedelta(seconds=5)).date(),
    )


def test_every_reply_event_named_is_an_event_of_the_inquiry() -> None:
    for name in deadlines.REPLY_EVENTS:
        owner, event = name.split(".")
        assert owner == "Inquiry" and issubclass(getattr(Inquiry, event), Inquiry.Event), name


def test_an_interim_reply_forwarding_meeting_complaint_or_resolution_is_a_reply_and_a_note_or_assignment_is_not() -> (
    None
):
    ctx = Context("saksbehandler", "caseworker", "korrelasjon")
    inquiry = factories.inquiry(ctx, received_on=date(2024, 1, 2), summary="Fiktiv sak")
    inquiry.add_note(ctx, on=date(2024, 1, 3), text="Fiktivt notat")
    inquiry.assign(ctx, on=date(2024, 1, 3), assignee="saksbehandler@eksempel.invalid")
    inquiry.send_interim_reply(ctx, on=date(2024, 1, 4))
    inquiry.forward(ctx, on=date(2024, 1, 5), to_body="nav", reason="Fiktiv grunn")
    inquiry.hold_meeting(ctx, on=date(2024, 1, 6), participants=["ombud"])
    inquiry.send_complaint(ctx, on=date(2024, 1, 7), to="service_unit", about="Fiktiv klage")
    inquiry.resolve(ctx, on=date(2024, 1, 8), outcome="assisted")
    replies = [type(event).__name__ for event in inquiry.collect_events() if is_reply(event)]
    assert replies == ["InterimReplySent", "Forwarded", "MeetingHeld", "ComplaintSent", "Resolved"]
