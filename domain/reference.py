"""Human-readable inquiry references (2024-0153), numbered per year without gaps or duplicates, and what a reference
given from outside (an import, the command line) may look like."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.common import Context, InvalidField, StampedEvent

_NAMESPACE = uuid5(NAMESPACE_URL, "https://ombud.invalid/reference-sequence")
# A reference is kept for ever, in every event, list and report, and erasure does not touch it: so it holds numbers
# and at most an office's code, never words. The product's own (2024-0153), or an earlier system's: an optional code
# of at most 8 capital letters A–Z, then up to four groups of digits joined by / - or . (DRM/2023/153, SAK-2019-42).
# Such a reference can never be read as an inquiry id (a UUID) either.
_REFERENCE = re.compile(r"(?:[A-Z]{1,8}[-/.])?[0-9]{1,10}(?:[-/.][0-9]{1,10}){0,3}")
MAX_REFERENCE = 40
REFERENCE_HINT = "tall som 2024-0153, eventuelt etter en kode på høyst 8 store bokstaver (for eksempel DRM/2023/153)"


def check_reference(reference: object) -> str:
    """A reference as given from outside, or InvalidField naming the field; never a name or other words."""
    if not isinstance(reference, str) or len(reference) > MAX_REFERENCE or not _REFERENCE.fullmatch(reference):
        raise InvalidField("reference", f"saksnummeret må være {REFERENCE_HINT}")
    return reference


class ReferenceSequence(Aggregate):
    """The numbers issued in one year. Saved with the new inquiry, so two receivers cannot get one number."""

    # The state the events' `apply` methods set, declared for the type checker only: annotations in the class body
    # would make the library turn the aggregate into a dataclass with these fields as constructor arguments.
    if TYPE_CHECKING:
        year: int
        last: int

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
