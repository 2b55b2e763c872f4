"""The one way the annual report writes a number, a share and a change, on the page and in every file: bokmål."""

from __future__ import annotations

from babel.numbers import format_decimal

LOCALE = "nb"
MISSING = "–"  # a figure that has no value (a median of no inquiries)
MINUS = "\u2212"  # the minus sign, not a hyphen: «−3» reads and prints as a number


def number(value: float | None, locale: str = LOCALE) -> str:
    """34,5 and 1 234 as bokmål writes them; a missing figure is a dash."""
    return MISSING if value is None else format_decimal(value, locale=locale)


def signed(value: float | None, locale: str = LOCALE) -> str:
    """A change with its sign always shown: «+12», «−3», «+2,5», «0»; a missing change is a dash."""
    if value is None:
        return MISSING
    written = format_decimal(abs(value), locale=locale)
    return written if value == 0 else f"{'+' if value > 0 else MINUS}{written}"


def percent(share: float, locale: str = LOCALE, digits: int = 1, with_sign: bool = False) -> str:
    """A share (0.345) as bokmål writes a percentage: «34,5 %», with a non-breaking space; `with_sign`: «−3 %»."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    written = format_decimal(abs(share) * 100, format=pattern, locale=locale)
    sign = ("+" if share > 0 else MINUS) if with_sign and written.strip("0,") else ""
    return f"{sign}{written}\u00a0%"


def share(part: int, whole: int | None) -> str:
    """`part` as a percentage of `whole`; a dash where there is no whole to take a share of."""
    return MISSING if not whole else percent(part / whole)
