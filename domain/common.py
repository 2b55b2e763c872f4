"""What every aggregate shares: who acted, on which business date, and the errors for broken rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from eventsourcing.domain import Aggregate

from domain import names

# Norway's "today" lives in domain.deadlines; the many modules that import it from here get the same function.
from domain.deadlines import OSLO as OSLO
from domain.deadlines import today_in_norway as today_in_norway

# What the read side can store: PostgreSQL's `integer` ends here, so no count the domain accepts may pass it.
MAX_INTEGER = 2_147_483_647
# Business dates lie in the years the statistics cover (and the year choices offer).
FIRST_BUSINESS_DAY = date(2000, 1, 1)
LAST_BUSINESS_DAY = date(2100, 12, 31)
BUSINESS_YEARS = range(FIRST_BUSINESS_DAY.year, LAST_BUSINESS_DAY.year + 1)

ROLES = ("caseworker", "tenant_admin", "auditor", "network", "platform_admin", "citizen", "system")
# What a person reads for each role: its home is domain/names.py, named here for the modules that import it from here.
ROLE_NAMES = names.ROLE_NAMES


@dataclass(frozen=True)
class Context:
    """Who does something, in which role, as part of which request."""

    user_id: str
    role: str
    correlation_id: str

    def __post_init__(self) -> None:
        if not isinstance(self.user_id, str) or not self.user_id.strip():
            raise InvalidField("actor", "må oppgis")
        if self.role not in ROLES:
            raise InvalidField("role", f"ukjent rolle «{self.role}»")
        if not self.correlation_id:
            raise InvalidField("correlation_id", "må oppgis")

    def stamp(self, on: date) -> Stamp:
        """The metadata every event carries."""
        return {
            "actor_id": self.user_id,
            "actor_role": self.role,
            "on": on,
            "correlation_id": self.correlation_id,
        }


class Stamp(TypedDict):
    """The metadata every event carries, as keyword arguments of the event."""

    actor_id: str
    actor_role: str
    on: date
    correlation_id: str


class StampedEvent(Aggregate.Event):
    """An event that says who did it, in which role, on which business date, in which request.

    The recorded time is the library's own `timestamp`.
    """

    actor_id: str
    actor_role: str
    on: date
    correlation_id: str


def require_business_date(field: str, on: object) -> date:
    """A date the office's records and statistics can hold: within FIRST_BUSINESS_DAY..LAST_BUSINESS_DAY."""
    if isinstance(on, datetime) or not isinstance(on, date):
        raise InvalidField(field, "må være en dato")
    if not FIRST_BUSINESS_DAY <= on <= LAST_BUSINESS_DAY:
        raise OutOfRange(
            field, f"må ligge mellom {FIRST_BUSINESS_DAY:%d.%m.%Y} og {LAST_BUSINESS_DAY:%d.%m.%Y}, var {on:%d.%m.%Y}"
        )
    return on


def require_not_future(field: str, on: date) -> None:
    require_business_date(field, on)
    if on > today_in_norway():
        raise DateInFuture(field, f"{on.isoformat()} ligger fram i tid")


def require_year(field: str, year: object) -> int:
    """A statistics year: one the business dates can fall in."""
    if isinstance(year, bool) or not isinstance(year, int) or year not in BUSINESS_YEARS:
        raise OutOfRange(field, f"må være et årstall fra {BUSINESS_YEARS[0]} til {BUSINESS_YEARS[-1]}")
    return year


def require_count(field: str, value: object, *, maximum: int = MAX_INTEGER) -> int:
    """A whole number from 0 to `maximum` (never past what the read side can store)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidField(field, "må være et heltall som ikke er negativt")
    if value > min(maximum, MAX_INTEGER):
        raise OutOfRange(field, f"kan ikke være større enn {grouped(min(maximum, MAX_INTEGER))}")
    return value


def grouped(number: int) -> str:
    """1 000 000 as bokmål writes it: a non-breaking space between thousands, from five digits on."""
    return str(number) if number < 10_000 else f"{number:,}".replace(",", "\u00a0")


# Unicode's explicit direction controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069), the
# left-to-right, right-to-left and Arabic letter marks. Text that holds one can show another name, reference or
# file name than it stores ("Trojan Source"); no field of an inquiry, a letter or a setting needs them.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def refuse_direction_controls(field: str, text: str) -> None:
    """Every text gate asks this one rule (domain.parsing.text at the edge, require_text in the aggregates)."""
    if not DIRECTION_CONTROLS.isdisjoint(text):
        raise DirectionControlled(field, "inneholder tegn som snur skriveretningen")


def require_text(field: str, value: object, *, max_length: int = 10_000) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, "må fylles ut")
    if "\x00" in value:
        raise InvalidField(field, "inneholder ugyldige tegn")
    refuse_direction_controls(field, value)
    if len(value) > max_length:
        raise InvalidField(field, f"kan ikke være lengre enn {max_length} tegn")
    return value.strip()


def require_choice(field: str, value: object, choices: tuple[str, ...] | list[str]) -> str:
    if value not in choices:
        raise InvalidField(field, f"ugyldig verdi «{value}»; velg en av: {', '.join(map(names.name_of, choices))}")
    return str(value)


class DomainError(Exception):
    """A broken rule. `field` names the input at fault, when there is one."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class InvalidField(DomainError):
    """An input value is missing or not allowed."""


class DateInFuture(InvalidField):
    """A business date lies after today."""


class OutOfRange(InvalidField):
    """A number or date lies outside the bounds the records and the read side can hold."""


class DirectionControlled(InvalidField):
    """A text holds a Unicode direction control (DIRECTION_CONTROLS): it would show other text than it stores."""
