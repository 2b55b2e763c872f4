"""The office's reply deadlines (forvaltningsloven § 11 a), one home for every page, list, letter and export."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# An interim reply promises the answer within this many months of the day it is sent.
INTERIM_ANSWER_MONTHS = 1


def expected_answer_on(interim_reply_on: date) -> date:
    """When the answer can be expected, as the interim reply sent that day says (fvl. § 11 a, second paragraph).

    A month after the interim reply (31 January gives the last day of February); a weekend or a Norwegian public
    holiday moves it to the next working day, so the promise never falls on a day the office is closed.
    """
    month_index = interim_reply_on.month - 1 + INTERIM_ANSWER_MONTHS
    year, month = interim_reply_on.year + month_index // 12, month_index % 12 + 1
    promised = date(year, month, min(interim_reply_on.day, calendar.monthrange(year, month)[1]))
    while promised.weekday() >= 5 or _is_public_holiday(promised):
        promised += timedelta(days=1)
    return promised


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
