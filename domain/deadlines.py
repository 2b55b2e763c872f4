"""The one home of § 11 a's reply rules and of Norway's "today", so no page, query or letter counts a month its own way."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")

# A reply still awaited whose deadline falls within this many days shows as "svarfrist snart".
DUE_SOON_DAYS = 7

# What counts as the office's first response to the inquirer (fvl. § 11 a): the inquiry's events by their stored
# class names (an event class is never renamed), so this module needs nothing but the standard library and
# `domain.common` can take its "today" from here.
REPLY_EVENTS = frozenset(
    {
        "Inquiry.InterimReplySent",
        "Inquiry.Forwarded",
        "Inquiry.MeetingHeld",
        "Inquiry.ComplaintSent",
        "Inquiry.Resolved",
    }
)

ReplyState = Literal["answered", "overdue", "due_soon", "waiting"]


def today_in_norway(now: datetime | None = None) -> date:
    """The calendar date in Norway at `now` (an aware moment; the present moment if not given).

    A moment between 22:00 and midnight UTC is already the next day in Oslo, so never use `date.today()` or
    the database's `current_date`: the server may keep UTC.
    """
    if now is None:
        return datetime.now(OSLO).date()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("today_in_norway needs an aware datetime")
    return now.astimezone(OSLO).date()


def moment_in_norway(at: datetime, *, seconds: bool = False) -> str:
    """A moment as people in Norway write it, in Norwegian time: «08.12.2026 kl. 17.05» (with `seconds`,
    «kl. 17.05.09», for the access log). The one time format of every page, letter and list."""
    if at.tzinfo is not None and at.utcoffset() is not None:
        at = at.astimezone(OSLO)
    return f"{at:%d.%m.%Y} kl. {at:%H.%M.%S}" if seconds else f"{at:%d.%m.%Y} kl. {at:%H.%M}"


def is_reply(event: object) -> bool:
    """Whether an inquiry event answers the inquirer, so the § 11 a deadline no longer runs."""
    return type(event).__qualname__ in REPLY_EVENTS


def reply_due(received_on: date) -> date:
    """The last day for a reply or an interim reply: one month after receipt (fvl. § 11 a).

    A month's deadline ends on the same day of the next month; a month without that day ends on its last
    (31 January gives 28 February, or 29 in a leap year), as a deadline counted in months does under
    domstolloven § 148.
    """
    return _months_after(received_on, 1)


def reply_state(received_on: date, *, answered: bool, today: date) -> ReplyState:
    """Where an inquiry stands with its reply: answered (a reply event or resolved, as the case list keeps it: projections.inquiries.ANSWERED), overdue (past the due date),
    due soon (within DUE_SOON_DAYS), or waiting."""
    if answered:
        return "answered"
    due = reply_due(received_on)
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "waiting"


def overdue_if_received_before(today: date) -> date:
    """An unanswered inquiry received before this date is overdue today: a cut-off a query binds as a parameter."""
    return _first_received_due_on_or_after(today)


def due_soon_if_received_between(today: date) -> tuple[date, date]:
    """The first and last receipt dates (both included) whose unanswered inquiry is due today or within
    DUE_SOON_DAYS: the window a query binds as parameters."""
    first = _first_received_due_on_or_after(today)
    last = _first_received_due_on_or_after(today + timedelta(days=DUE_SOON_DAYS + 1)) - timedelta(days=1)
    return first, last


# An interim reply promises the answer within this many months of the day it is sent.
INTERIM_ANSWER_MONTHS = 1


def expected_answer_on(interim_reply_on: date) -> date:
    """When the answer can be expected, as the interim reply sent that day says (fvl. § 11 a, second paragraph).

    A month after the interim reply (31 January gives the last day of February); a weekend or a Norwegian public
    holiday moves it to the next working day, so the promise never falls on a day the office is closed.
    """
    promised = _months_after(interim_reply_on, INTERIM_ANSWER_MONTHS)
    while promised.weekday() >= 5 or _is_public_holiday(promised):
        promised += timedelta(days=1)
    return promised


def _months_after(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _is_public_holiday(day: date) -> bool:
    """Norway's public holidays (helligdager and 1 and 17 May); Easter by the Gregorian computus."""
    if (day.month, day.day) in ((1, 1), (5, 1), (5, 17), (12, 25), (12, 26)):
        return True
    easter = _easter_sunday(day.year)
    return (day - easter).days in (-3, -2, 0, 1, 39, 49, 50)


def _easter_sunday(year: int) -> date:
    """The anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_received_due_on_or_after(day: date) -> date:
    """The earliest receipt date whose reply is due on `day` or later. reply_due never decreases and lies 28 to 31
    days after receipt, so the answer is one of the four days from 31 to 28 days before `day`."""
    for back in (31, 30, 29):
        received = day - timedelta(days=back)
        if reply_due(received) >= day:
            return received
    return day - timedelta(days=28)
