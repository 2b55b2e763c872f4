"""Retention (kassasjon): the one rule for when an inquiry's personal data falls due for erasure."""

from __future__ import annotations

from datetime import date

from domain import parsing
from domain.inquiry import MAX_ERASURE_REASON, Inquiry
from domain.tenant import MAX_RETENTION_YEARS

# The erasure's reason in the inquiry's history: names the ground, never personal data.
REASON = "kassasjon etter {years} år"
# What the person who starts a run adds to that ground (e.g. "årlig kassasjon, vedtak 12/2026"): with the ground it
# fits an erasure's reason, whatever the years.
MAX_NOTE = MAX_ERASURE_REASON - len(REASON.format(years=MAX_RETENTION_YEARS)) - len(": ")


def due_on(resolved_on: date, years: int) -> date:
    """The day `years` after resolution; a case resolved on 29 February falls due on 28 February."""
    try:
        return resolved_on.replace(year=resolved_on.year + years)
    except ValueError:
        return resolved_on.replace(year=resolved_on.year + years, day=28)


def is_due(inquiry: Inquiry, years: int | None, today: date) -> bool:
    """Resolved (and not reopened) at least `years` ago in Norway, not on hold, not erased; never with retention off."""
    if years is None or inquiry.resolved_on is None or inquiry.on_hold or inquiry.is_erased:
        return False
    return due_on(inquiry.resolved_on, years) <= today


def reason(years: int, note: str | None = None) -> str:
    """The ground, and the note of the person who started the run when one did (a scheduled run has none)."""
    ground = REASON.format(years=years)
    return ground if note is None else f"{ground}: {parsing.text('reason', note, max_length=MAX_NOTE, required=True)}"


# What a form or the command line may write for "retention off".
OFF_WORDS = ("", "off", "av")


def parse_years(text: str) -> int | None:
    """The edge's one reading of a retention setting: a whole number of years, or off."""
    if isinstance(text, str) and text.strip().lower() in OFF_WORDS:
        return None
    return parsing.whole_number("years", text, low=1, high=MAX_RETENTION_YEARS)
