"""Outreach (utadrettet virksomhet): information meetings, talks and courses the office gives."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate

from domain.common import (
    Context,
    InvalidField,
    StampedEvent,
    require_choice,
    require_count,
    require_not_future,
    require_text,
)

KINDS = ("information_meeting", "talk", "course", "stand", "media", "other")
# Even a broadcast reaches fewer than this: a larger number is a typing error, not an audience.
MAX_PARTICIPANTS = 10_000_000


class OutreachActivity(Aggregate):
    """One activity; counted per year in the annual report."""

    # The state the events' `apply` methods set, declared for the type checker only: annotations in the class body
    # would make the library turn the aggregate into a dataclass with these fields as constructor arguments.
    if TYPE_CHECKING:
        held_on: date
        kind: str
        title: str
        audience: str
        participants: int | None
        cancelled: bool
        withdrawn: bool

    class Registered(Aggregate.Created, StampedEvent):
        kind: str
        title: str
        audience: str
        participants: int | None

        def apply(self, activity: OutreachActivity) -> None:
            activity.describe(self.on, self.kind, self.title, self.audience, self.participants)
            activity.cancelled = False
            activity.withdrawn = False

    class Cancelled(StampedEvent):
        reason: str

        def apply(self, activity: OutreachActivity) -> None:
            activity.cancelled = True

    class Corrected(StampedEvent):
        """What was registered, as it should have been: every field, so the read side replaces the row."""

        held_on: date
        kind: str
        title: str
        audience: str
        participants: int | None

        def apply(self, activity: OutreachActivity) -> None:
            activity.describe(self.held_on, self.kind, self.title, self.audience, self.participants)

    def describe(self, held_on: date, kind: str, title: str, audience: str, participants: int | None) -> None:
        """Sets what the activity was, as registered or corrected (only the events' `apply` calls this)."""
        self.held_on = held_on
        self.kind = kind
        self.title = title
        self.audience = audience
        self.participants = participants

    class Withdrawn(StampedEvent):
        """Registered by mistake (a double, or never held): out of every list and count; the events stay."""

        def apply(self, activity: OutreachActivity) -> None:
            activity.withdrawn = True

    @classmethod
    def register(
        cls, ctx: Context, *, held_on: date, kind: str, title: str, audience: str, participants: int | None = None
    ) -> OutreachActivity:
        require_not_future("held_on", held_on)
        if participants is not None:
            require_count("participants", participants, maximum=MAX_PARTICIPANTS)
        return cls._create(
            cls.Registered,
            kind=require_choice("kind", kind, KINDS),
            title=require_text("title", title, max_length=200),
            audience=require_text("audience", audience, max_length=200),
            participants=participants,
            **ctx.stamp(held_on),
        )

    def __init__(self) -> None:
        """State is set by the events' `apply` methods."""

    def correct(
        self,
        ctx: Context,
        *,
        on: date,
        held_on: date,
        kind: str,
        title: str,
        audience: str,
        participants: int | None = None,
    ) -> None:
        """Every field as it should read; a correction that changes nothing records nothing."""
        self._require_not_withdrawn()
        require_not_future("on", on)
        require_not_future("held_on", held_on)
        if participants is not None:
            require_count("participants", participants, maximum=MAX_PARTICIPANTS)
        fields = {
            "held_on": held_on,
            "kind": require_choice("kind", kind, KINDS),
            "title": require_text("title", title, max_length=200),
            "audience": require_text("audience", audience, max_length=200),
            "participants": participants,
        }
        if (self.held_on, self.kind, self.title, self.audience, self.participants) == tuple(fields.values()):
            return
        self.trigger_event(self.Corrected, **fields, **ctx.stamp(on))

    def withdraw(self, ctx: Context, *, on: date) -> None:
        self._require_not_withdrawn()
        require_not_future("on", on)
        self.trigger_event(self.Withdrawn, **ctx.stamp(on))

    def _require_not_withdrawn(self) -> None:
        if self.withdrawn:
            raise InvalidField(None, "aktiviteten er slettet")

    def cancel(self, ctx: Context, *, on: date, reason: str) -> None:
        self._require_not_withdrawn()
        if self.cancelled:
            raise InvalidField(None, "aktiviteten er allerede avlyst")
        require_not_future("on", on)
        self.trigger_event(self.Cancelled, reason=require_text("reason", reason, max_length=2000), **ctx.stamp(on))
