"""Retention (kassasjon): the one rule for when an inquiry's personal data falls due for erasure."""

from __future__ import annotations

from datetime import date

from domain.inquiry import Inquiry

# The erasure's reason in the inquiry's history: names the ground, never personal data.
REASON = "kassasjon etter {years} år"


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


def reason(years: int) -> str:
    return REASON.format(years=years)
