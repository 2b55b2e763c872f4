"""Yearly inquiry references: sequential, zero-padded, never reusing one already taken."""

from __future__ import annotations

from datetime import date

import pytest

from domain.common import Context, InvalidField
from domain.reference import ReferenceSequence, check_reference

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


@pytest.mark.parametrize("reference", ["2024-0153", "2024-12345", "DRM/2023/153", "SAK-2019-42", "B-1", "2019.7"])
def test_the_products_references_and_an_earlier_systems_numbered_ones_are_accepted(reference: str) -> None:
    assert check_reference(reference) == reference


@pytest.mark.parametrize(
    "reference",
    [
        "Hjalmar_Zyxwvutsen",  # a name would be kept for ever: erasure does not touch references
        "HJALMAR-ZYXWVUTSEN",
        "Ola-1",
        "NORDMANNOLA-1",  # a code of more than 8 letters
        "2024-0153 Ola",
        "0123456789abcdef0123456789abcdef",  # shaped like an inquiry id
        "12345678-1234-1234-1234-123456789012",
        "2024-0001\n",
        "",
        "1" * 41,
        None,
    ],
)
def test_a_reference_with_words_or_shaped_like_an_id_is_refused_naming_the_field(reference: object) -> None:
    with pytest.raises(InvalidField, match="saksnummeret må være") as refused:
        check_reference(reference)
    assert refused.value.field == "reference"
