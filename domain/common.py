"""What every aggregate shares: who acted, on which business date, and the errors for broken rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

OSLO = ZoneInfo("Europe/Oslo")

ROLES = ("caseworker", "tenant_admin", "auditor", "network", "platform_admin", "citizen", "system")


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

    def stamp(self, on: date) -> dict[str, object]:
        """The metadata every event carries."""
        return {
            "actor_id": self.user_id,
            "actor_role": self.role,
            "on": on,
            "correlation_id": self.correlation_id,
        }


class StampedEvent(Aggregate.Event):
    """An event that says who did it, in which role, on which business date, in which request.

    The recorded time is the library's own `timestamp`.
    """

    actor_id: str
    actor_role: str
    on: date
    correlation_id: str


def today_in_norway() -> date:
    return datetime.now(OSLO).date()


def require_not_future(field: str, on: date) -> None:
    if isinstance(on, datetime) or not isinstance(on, date):
        raise InvalidField(field, "må være en dato")
    if on > today_in_norway():
        raise DateInFuture(field, f"{on.isoformat()} ligger fram i tid")


def require_text(field: str, value: object, *, max_length: int = 10_000) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, "må fylles ut")
    if "\x00" in value:
        raise InvalidField(field, "inneholder ugyldige tegn")
    if len(value) > max_length:
        raise InvalidField(field, f"kan ikke være lengre enn {max_length} tegn")
    return value.strip()


def require_choice(field: str, value: object, choices: tuple[str, ...] | list[str]) -> str:
    if value not in choices:
        raise InvalidField(field, f"ugyldig verdi «{value}»; gyldige verdier: {', '.join(choices)}")
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
