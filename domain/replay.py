"""The rules of replaying an inquiry for auditors: which version stood at a moment, and what one step changed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from domain.common import OSLO, InvalidField

# The inquiry's state as the auditor steps through it, in the case page's order, each field named in Norwegian.
STATE_FIELDS = {
    "status": "Status",
    "received_on": "Mottatt",
    "primary_area": "Tjenesteområde",
    "further_areas": "Også gjelder",
    "case_types": "Sakstyper",
    "outside_mandate": "Utenfor mandat",
    "assignee": "Saksbehandler",
    "channel": "Kanal",
    "requester_role": "Henvendt av",
    "requester_name": "Innbygger",
    "contact": "Kontaktinformasjon",
    "summary": "Sammendrag",
    "interim_reply_on": "Foreløpig svar sendt",
    "forwarded": "Videresendt til",
    "meetings": "Møter",
    "complaints": "Klager",
    "notes": "Notater",
    "resolved_on": "Avsluttet",
    "outcome": "Utfall",
    "on_hold": "Holdt tilbake fra sletting",
    "erased_on": "Personopplysninger slettet",
}
# The fields that hold codes (named by the tenant's labels); the rest are shown as written.
_CODED = ("primary_area", "further_areas", "case_types", "channel", "requester_role", "forwarded", "outcome")
_STATUS_NAMES = {"open": "Åpen", "resolved": "Avsluttet"}
_NOTHING = "–"


@dataclass(frozen=True)
class Change:
    """One field's value before a step and after it."""

    field: str
    before: object
    after: object


def changes(before: Mapping[str, object] | None, after: Mapping[str, object]) -> list[Change]:
    """The fields a step changed, in STATE_FIELDS order. Before the first step nothing was there: a field that is
    absent, empty or None on both sides did not change."""
    previous = before or {}
    return [
        Change(field, previous.get(field), after.get(field))
        for field in STATE_FIELDS
        if _or_none(previous.get(field)) != _or_none(after.get(field))
    ]


def _or_none(value: object) -> object:
    return None if value in ("", [], ()) else value


def last_instant(day: date, minute: time | None = None) -> datetime:
    """The moment a typed day or minute names, Norwegian time: its last instant, so what was recorded within it counts.
    A bare day is the end of that day in Norway."""
    until = time.max if minute is None else minute.replace(second=59, microsecond=999_999)
    return datetime.combine(day, until, tzinfo=OSLO)


def version_at(recorded: Sequence[datetime], moment: datetime, field: str) -> int:
    """The version that stood at `moment`: that of the last event recorded at or before it (versions count from 1)."""
    stood = max((version for version, at in enumerate(recorded, start=1) if at <= moment), default=0)
    if stood == 0:
        raise NotYetRecorded(field, "henvendelsen var ikke registrert ennå på det tidspunktet")
    return stood


def version_on(business: Sequence[date], day: date, field: str) -> int:
    """The version that stood on `day` by the dates the events say things happened (the business dates): that of
    the last step before the first one dated after `day`. A step registered late with an earlier date (a note
    backdated after a later step) therefore shows only from the later step's date: what is shown as done by `day`
    was always done by then."""
    stood = next((version for version, on in enumerate(business) if on > day), len(business))
    if stood == 0:
        raise NotYetReceived(field, "henvendelsen var ikke mottatt ennå på denne datoen")
    return stood


def require_version(version: int, latest: int, field: str) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= latest:
        raise InvalidField(field, f"henvendelsen har versjonene 1 til {latest}")
    return version


def shown(field: str, value: object, names: Mapping[str, str], people: Mapping[str, str] | None = None) -> str:
    """One state value as a person reads it: codes by name, dates as dd.mm.åååå, ja/nei, a dash for nothing.
    An erased personal field is the erasure marker itself (domain.inquiry.ERASED). `people` names staff by address:
    the assignee is stored as one, and is shown by the person's name where the caller knows it."""
    if value is None:
        return _NOTHING
    if field == "assignee" and people and isinstance(value, str) and value in people:
        return people[value]
    if field == "status":
        return _STATUS_NAMES.get(str(value), str(value))
    if field == "complaints" and isinstance(value, list | tuple):
        return "; ".join(_complaint(c, names) for c in value if isinstance(c, Mapping)) or _NOTHING
    return _plain(value, names if field in _CODED else {})


def _plain(value: object, names: Mapping[str, str]) -> str:
    if value is None or value in ("", [], ()):
        return _NOTHING
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, list | tuple):
        return ", ".join(_plain(each, names) for each in value)
    return names.get(str(value), str(value))


def _complaint(complaint: Mapping[str, object], names: Mapping[str, str]) -> str:
    sent = f"til {_plain(complaint.get('to'), names)}, sendt {_plain(complaint.get('sent_on'), names)}"
    if complaint.get("outcome") is None:
        return f"{sent}, venter på avgjørelse"
    return f"{sent}, {_plain(complaint['outcome'], names).lower()} {_plain(complaint.get('decided_on'), names)}"


class NotYetRecorded(InvalidField):
    """The moment lies before the inquiry's first event: there is nothing to show as it stood."""


class NotYetReceived(InvalidField):
    """The day lies before the inquiry was received (its first event's business date): nothing stood then."""
