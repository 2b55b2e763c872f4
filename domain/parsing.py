"""The one parser per kind of typed input (whole number, date, text, choice) that every edge goes through.

Forms, query and path parameters, CLI options and CSV cells arrive as text. Each kind is parsed here and only
here, so `'²'.isdigit()` being true, PostgreSQL refusing NUL, or `int()` on a million digits can not surprise
a handler. A value that does not parse raises InvalidField naming the field, in words the user understands;
the message never repeats the value (it may be long, or personal). The rules of the office (how many
participants, which years) stay in the aggregates; the bounds here only keep a value storable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, time

from domain.common import InvalidField, grouped, refuse_direction_controls

INT_MAX = 2_147_483_647  # PostgreSQL `integer`
MIN_YEAR, MAX_YEAR = 1900, 2100  # a business date outside these is a typing error, not a date
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: `'²'.isdigit()` is true and `int('²')` raises
# «1 200» as people type it: groups of three after a space, a no-break space (U+00A0) or a narrow one (U+202F).
THOUSANDS_SEPARATORS = " \u00a0\u202f"
_GROUPED_DIGITS = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NORWEGIAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_CLOCK = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")
_LINE_BREAKS = frozenset("\t\n\r")  # what multi-line text may hold besides printable characters
DATE_HINT = "åååå-mm-dd eller dd.mm.åååå"
CLOCK_HINT = "tt:mm"
MOMENT_HINT = "et versjonsnummer, åååå-mm-dd eller åååå-mm-ddTtt:mm"


def whole_number(field: str, text: str, *, low: int = 0, high: int = INT_MAX) -> int:
    """A whole number written with the digits 0–9 only, between `low` and `high`, perhaps in groups of three as
    people write it («1 200», «5 700»: THOUSANDS_SEPARATORS); surrounding blanks are ignored. Digits of other
    scripts («١٢», «²») are refused rather than guessed at: a typed count is read back in 0–9 everywhere."""
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        raise InvalidField(field, "må fylles ut")
    if _GROUPED_DIGITS.fullmatch(stripped):
        stripped = "".join(character for character in stripped if character not in THOUSANDS_SEPARATORS)
    elif _DIGITS.fullmatch(stripped) is None:
        raise InvalidField(field, "må være et helt tall, skrevet med sifrene 0–9 (for eksempel 1200 eller 1 200)")
    significant = stripped.lstrip("0") or "0"  # never hand int() a million digits
    if len(significant) > len(str(high)) or not low <= int(significant) <= high:
        raise InvalidField(field, f"må være et helt tall fra {grouped(low)} til {grouped(high)}")
    return int(significant)


def optional_whole_number(field: str, text: str, *, low: int = 0, high: int = INT_MAX) -> int | None:
    """As `whole_number`, but a blank field means «not given»."""
    return None if not isinstance(text, str) or not text.strip() else whole_number(field, text, low=low, high=high)


def day(field: str, text: str) -> date:
    """A date as åååå-mm-dd (forms and files) or dd.mm.åååå (as Norwegians write it), in a plausible year."""
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        raise InvalidField(field, "må fylles ut")
    if iso := _ISO_DATE.fullmatch(stripped):
        year, month, day_of_month = (int(part) for part in iso.groups())
    elif norwegian := _NORWEGIAN_DATE.fullmatch(stripped):
        day_of_month, month, year = (int(part) for part in norwegian.groups())
    else:
        raise InvalidField(field, f"må være en dato ({DATE_HINT})")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidField(field, f"året må være fra {MIN_YEAR} til {MAX_YEAR}")
    try:
        return date(year, month, day_of_month)
    except ValueError:
        raise InvalidField(field, "finnes ikke i kalenderen") from None


def optional_day(field: str, text: str) -> date | None:
    """As `day`, but a blank field means «not given»."""
    return None if not isinstance(text, str) or not text.strip() else day(field, text)


def clock(field: str, text: str) -> time:
    """A time of day to the minute, as tt:mm (forms) or tt.mm (as Norwegians write it)."""
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        raise InvalidField(field, "må fylles ut")
    found = _CLOCK.fullmatch(stripped)
    if found is None:
        raise InvalidField(field, f"må være et klokkeslett ({CLOCK_HINT})")
    hour, minute = (int(part) for part in found.groups())
    if hour > 23 or minute > 59:
        raise InvalidField(field, "finnes ikke på klokka")
    return time(hour, minute)


def optional_clock(field: str, text: str) -> time | None:
    """As `clock`, but a blank field means «not given»."""
    return None if not isinstance(text, str) or not text.strip() else clock(field, text)


def version_or_moment(field: str, text: str) -> int | tuple[date, time | None]:
    """A version number (the digits 0–9, from 1), or a day (`day`) with perhaps a minute of it after a T (`clock`):
    where an inquiry's history is replayed to. The minute is None for a bare day."""
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        raise InvalidField(field, "må fylles ut")
    if _DIGITS.fullmatch(stripped):
        return whole_number(field, stripped, low=1)
    typed_day, separator, typed_clock = stripped.partition("T")
    if not typed_day or (separator and not typed_clock):
        raise InvalidField(field, f"må være {MOMENT_HINT}")
    if _ISO_DATE.fullmatch(typed_day) is None and _NORWEGIAN_DATE.fullmatch(typed_day) is None:
        raise InvalidField(field, f"må være {MOMENT_HINT}")
    return day(field, typed_day), clock(field, typed_clock) if separator else None


def text(field: str, value: object, *, max_length: int, multiline: bool = False, required: bool = False) -> str:
    """Text without NUL or other control characters (tab and line breaks only where several lines are expected)
    or direction controls (domain.common.DIRECTION_CONTROLS),
    at most `max_length` characters after trimming; blank is allowed unless `required`. Line breaks are stored as
    `\n` whichever way the browser or file sent them."""
    if not isinstance(value, str):
        raise InvalidField(field, "må være tekst")
    stripped = value.replace("\r\n", "\n").replace("\r", "\n").strip() if multiline else value.strip()
    if required and not stripped:
        raise InvalidField(field, "må fylles ut")
    if len(stripped) > max_length:
        raise InvalidField(field, f"kan ikke være lengre enn {max_length} tegn")
    allowed = _LINE_BREAKS if multiline else frozenset()
    if any(_unstorable(character) and character not in allowed for character in stripped):
        raise InvalidField(field, "inneholder kontrolltegn eller andre tegn som ikke kan lagres")
    refuse_direction_controls(field, stripped)
    return stripped


def choice(field: str, value: object, choices: Iterable[str]) -> str:
    """One of the offered values, exactly."""
    if not isinstance(value, str) or value not in set(choices):
        raise InvalidField(field, "er ikke et av valgene")
    return value


def _unstorable(character: str) -> bool:
    """Control characters (NUL among them), and lone surrogates that UTF-8 can not encode."""
    return unicodedata.category(character) in ("Cc", "Cs")
