"""Yearly inquiry references: sequential, zero-padded, never reusing one already taken."""

from __future__ import annotations

from datetime import date

import pytest

from domain.common import Context
from domain.reference import ReferenceSequence

ON = date(2024, 3, 1)


def test_a_new_sequence_issues_the_year_s_numbers_in_order(ctx: Context) -> None:
    sequence = ReferenceSequence.start(ctx, year=2024, on=ON)

    issued = [sequence.issue(ctx, on=ON) for _ in range(3)]

    assert issued == ["2024-0001", "2024-0002", "2024-0003"]
    assert sequence.last == 3


def test_each_year_has_its_own_sequence(ctx: Context) -> None:
    first = ReferenceSequence.start(ctx, year=2024, on=ON)
    second = ReferenceSequence.start(ctx, year=2025, on=date(2025, 1, 2))

    assert first.id == ReferenceSequence.id_for(2024) != second.id == ReferenceSequence.id_for(2025)
    assert second.issue(ctx, on=date(2025, 1, 2)) == "2025-0001"


def test_taken_references_are_skipped_and_the_sequence_goes_on_after_them(ctx: Context) -> None:
    sequence = ReferenceSequence.start(ctx, year=2024, on=ON)
    taken = {"2024-0001", "2024-0002", "2024-0004"}

    issued = [sequence.issue(ctx, on=ON, is_taken=taken.__contains__) for _ in range(3)]

    assert issued == ["2024-0003", "2024-0005", "2024-0006"]


@pytest.mark.parametrize(
    ("number", "reference"), [(1, "2024-0001"), (153, "2024-0153"), (9999, "2024-9999"), (10_000, "2024-10000")]
)
def test_references_are_padded_to_four_digits(ctx: Context, number: int, reference: str) -> None:
    assert ReferenceSequence.start(ctx, year=2024, on=ON).format(number) == reference


def test_each_issued_number_is_a_stamped_event_and_replay_restores_the_last_number(ctx: Context) -> None:
    sequence = ReferenceSequence.start(ctx, year=2024, on=ON)
    sequence.issue(ctx, on=ON)
    sequence.issue(ctx, on=date(2024, 3, 2), is_taken=lambda ref: ref == "2024-0002")

    events = sequence.collect_events()
    assert [type(e).__name__ for e in events] == ["Started", "NumberIssued", "NumberIssued"]
    assert [getattr(e, "number", None) for e in events] == [None, 1, 3]
    stamp = (ctx.user_id, ctx.role, ctx.correlation_id)
    assert all((e.actor_id, e.actor_role, e.correlation_id) == stamp for e in events)
    assert events[-1].on == date(2024, 3, 2) and events[-1].timestamp.utcoffset() is not None

    replayed = None
    for event in events:
        replayed = event.mutate(replayed)
    assert replayed is not None and (replayed.year, replayed.last) == (2024, 3)
    assert replayed.issue(ctx, on=ON) == "2024-0004"
