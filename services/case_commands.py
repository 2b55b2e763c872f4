"""The ten things a caseworker does to an inquiry, as typed commands that the web forms and the command line both build."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar


@dataclass(frozen=True, kw_only=True)
class CaseCommand:
    """What every case action carries: which inquiry, its business date, and the version the user saw."""

    span: ClassVar[str]  # the telemetry name of the command
    inquiry: str
    on: date
    expected_version: int | None = None

    @classmethod
    def build(cls, inquiry: str, on: date, expected_version: int | None, given: Mapping[str, Any]) -> CaseCommand:
        """The command from a form's or the command line's fields: text as typed, lists of ticked values, flags."""
        return cls(
            inquiry=inquiry,
            on=on,
            expected_version=expected_version,
            **{name: _value(kind, given.get(name)) for name, kind in cls.fields().items()},
        )

    @classmethod
    def fields(cls) -> dict[str, str]:
        """The command's own fields beyond the common three, with their type's name."""
        common = {field.name for field in dataclasses.fields(CaseCommand)}
        return {field.name: str(field.type) for field in dataclasses.fields(cls) if field.name not in common}


def _value(kind: str, given: Any) -> Any:
    if kind == "bool":
        return bool(given)
    if kind.startswith("tuple"):
        return tuple(given or ())
    return "" if given is None else given


@dataclass(frozen=True, kw_only=True)
class Assign(CaseCommand):
    span = "assign"
    assignee: str


@dataclass(frozen=True, kw_only=True)
class Recategorise(CaseCommand):
    span = "recategorise"
    service_area: str
    further_areas: tuple[str, ...] = ()
    case_types: tuple[str, ...] = ()
    outside_mandate: bool = False


@dataclass(frozen=True, kw_only=True)
class SendInterimReply(CaseCommand):
    span = "interim_reply"


@dataclass(frozen=True, kw_only=True)
class Forward(CaseCommand):
    span = "forward"
    to_body: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class HoldMeeting(CaseCommand):
    span = "meeting"
    participants: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SendComplaint(CaseCommand):
    span = "complaint"
    to: str
    about: str


@dataclass(frozen=True, kw_only=True)
class DecideComplaint(CaseCommand):
    span = "decision"
    outcome: str


@dataclass(frozen=True, kw_only=True)
class AddNote(CaseCommand):
    span = "note"
    text: str


@dataclass(frozen=True, kw_only=True)
class Resolve(CaseCommand):
    span = "resolve"
    outcome: str


@dataclass(frozen=True, kw_only=True)
class Reopen(CaseCommand):
    span = "reopen"
    reason: str
