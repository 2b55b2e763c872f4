"""An inquiry's history replayed for auditors: the state after each event, what it changed, who did it and when."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.common import OSLO, ROLE_NAMES
from domain.inquiry import EVENT_NAMES
from domain.replay import STATE_FIELDS, Change, changes, require_version, version_at, version_on
from services.office import HistoryEntry, InquiryView, Office


@dataclass(frozen=True)
class ReplayStep:
    """One event of the inquiry (who, when, what it said) and the inquiry as it stood right after it."""

    entry: HistoryEntry
    state: InquiryView
    changes: tuple[Change, ...]

    @property
    def version(self) -> int:
        return self.entry.version

    @property
    def event_name(self) -> str:
        return EVENT_NAMES.get(self.entry.event, self.entry.event)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.entry.actor_role, self.entry.actor_role)

    @property
    def recorded_at(self) -> datetime:
        """When the event was recorded, in Norwegian time."""
        return self.entry.recorded_at.astimezone(OSLO)

    def fields(self) -> dict[str, object]:
        return _fields(self.state)


@dataclass(frozen=True)
class Replay:
    """Every step of one inquiry, oldest first; step N is version N."""

    inquiry_id: UUID
    reference: str
    steps: tuple[ReplayStep, ...]

    @property
    def latest(self) -> int:
        return len(self.steps)

    def at_version(self, version: int, *, field: str) -> ReplayStep:
        """`field` names the input the version came from, for the error when there is no such version."""
        return self.steps[require_version(version, self.latest, field) - 1]

    def at(self, moment: datetime, *, field: str) -> ReplayStep:
        """As the inquiry stood at `moment` (aware): after the last event recorded at or before it."""
        return self.steps[version_at([step.recorded_at for step in self.steps], moment, field) - 1]

    def on(self, day: date, *, field: str) -> ReplayStep:
        """As the inquiry stood on `day` by the events' business dates (domain.replay.version_on)."""
        return self.steps[version_on([step.entry.on for step in self.steps], day, field) - 1]


def replay(office: Office, inquiry: str) -> Replay:
    """One read of the inquiry's events; the caller records the read before it shows anything."""
    stood = office.states(inquiry)
    steps: list[ReplayStep] = []
    before: dict[str, object] | None = None
    for entry, state in stood:
        after = _fields(state)
        steps.append(ReplayStep(entry=entry, state=state, changes=tuple(changes(before, after))))
        before = after
    latest = stood[-1][1]
    return Replay(inquiry_id=latest.id, reference=latest.reference, steps=tuple(steps))


def _fields(state: InquiryView) -> dict[str, object]:
    """The state's fields in STATE_FIELDS order."""
    return {field: getattr(state, field) for field in STATE_FIELDS}


def as_json(replay: Replay, step: ReplayStep) -> dict[str, object]:
    """The stable JSON of one step (`ombud audit replay --format json`): codes as stored, names beside them."""
    return {
        "inquiry": replay.reference,
        "version": step.version,
        "latest_version": replay.latest,
        "event": step.event_name,
        "event_code": step.entry.event,
        "actor": step.entry.actor_id,
        "role": step.role_name,
        "role_code": step.entry.actor_role,
        "business_date": step.entry.on.isoformat(),
        "recorded_at": step.recorded_at.isoformat(),
        "state": _plain(step.fields()),
        "changes": [_plain(dataclasses.asdict(change)) for change in step.changes],
        "details": _plain(step.entry.details),
    }


def _plain(value: object) -> object:
    """Dates as ISO text, inside lists and mappings too."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(each) for key, each in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(each) for each in value]
    return value
