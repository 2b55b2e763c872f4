"""Human-readable inquiry references (2024-0153), numbered per year without gaps or duplicates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.common import Context, StampedEvent

_NAMESPACE = uuid5(NAMESPACE_URL, "https://ombud.invalid/reference-sequence")


class ReferenceSequence(Aggregate):
    """The numbers issued in one year. Saved with the new inquiry, so two receivers cannot get one number."""

    @staticmethod
    def id_for(year: int) -> UUID:
        return uuid5(_NAMESPACE, str(year))

    class Started(Aggregate.Created, StampedEvent):
        year: int

        def apply(self, sequence: ReferenceSequence) -> None:
            sequence.year = self.year
            sequence.last = 0

    class NumberIssued(StampedEvent):
        number: int

        def apply(self, sequence: ReferenceSequence) -> None:
            sequence.last = self.number

    @classmethod
    def start(cls, ctx: Context, *, year: int, on: date) -> ReferenceSequence:
        return cls._create(cls.Started, id=cls.id_for(year), year=year, **ctx.stamp(on))

    def __init__(self) -> None:
        """State is set by the events' `apply` methods."""

    def issue(self, ctx: Context, *, on: date, is_taken: Callable[[str], bool] = lambda _: False) -> str:
        """The next free reference of the year, skipping any already taken (by imported inquiries)."""
        number = self.last + 1
        while is_taken(self.format(number)):
            number += 1
        self.trigger_event(self.NumberIssued, number=number, **ctx.stamp(on))
        return self.format(number)

    def format(self, number: int) -> str:
        return f"{self.year}-{number:04d}"
