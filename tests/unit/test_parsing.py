"""The edge's parsers: ASCII digits within bounds, two date forms in plausible years, text without control characters."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import parsing
from domain.common import InvalidField, require_text
from tests.unit.helpers import parsed_unless_refused

_NO_SEPARATORS = str.maketrans("", "", parsing.THOUSANDS_SEPARATORS)


@pytest.mark.parametrize(
    "typed",
    [
        "²",
        "٣",
        "１２",
        "1e3",
        "0x10",
        "-1",
        "+1",
        "1.0",
        "1,000",
        "10 00",
        "1  000",
        "1 ٠٠٠",
        "1\t000",
        "\x00",
        "",
        "  ",
    ],
)
def test_a_whole_number_is_written_with_the_ascii_digits_only(typed: str) -> None:
    with pytest.raises(InvalidField) as refused:
        parsing.whole_number("participants", typed)
    assert refused.value.field == "participants"


def test_a_whole_number_outside_its_bounds_is_refused_without_converting_a_million_digits() -> None:
    for typed in ("1" + "0" * 26, "9" * 1_000_000, "2147483648"):
        with pytest.raises(InvalidField, match="fra 0 til 2\u00a0147\u00a0483\u00a0647"):
            parsing.whole_number("population", typed)
    with pytest.raises(InvalidField, match="fra 1 til 100"):
        parsing.whole_number("page", "0", low=1, high=100)
    assert parsing.whole_number("page", " 0042 ", low=1, high=100) == 42


@pytest.mark.parametrize(
    ("typed", "number"),
    [("1 200", 1200), ("5\u00a0700", 5700), ("12\u202f345\u202f678", 12_345_678), (" 1 000 000 ", 1_000_000)],
)
def test_a_whole_number_may_be_written_in_groups_of_three_as_people_write_it(typed: str, number: int) -> None:
    assert parsing.whole_number("participants", typed) == number


def test_a_huge_grouped_number_is_refused_with_its_bounds_written_as_people_read_them() -> None:
    with pytest.raises(InvalidField, match="fra 0 til 2\u00a0147\u00a0483\u00a0647"):
        parsing.whole_number("participants", "9 999 999 999 999 999 999")


def test_a_blank_optional_number_is_not_given() -> None:
    assert parsing.optional_whole_number("participants", " ") is None
    assert parsing.optional_whole_number("participants", "14") == 14


@given(st.text())
def test_any_text_is_either_a_bounded_whole_number_or_refused_at_its_field(typed: str) -> None:
    try:
        number = parsing.whole_number("year", typed, low=2000, high=2100)
    except InvalidField as refused:
        assert refused.field == "year"
    else:
        assert 2000 <= number <= 2100 and typed.strip().translate(_NO_SEPARATORS).isascii()


@given(st.integers(min_value=0, max_value=parsing.INT_MAX))
def test_every_storable_count_is_read_back_as_typed(number: int) -> None:
    assert parsing.whole_number("count", str(number)) == number


def test_a_date_is_written_as_iso_or_as_norwegians_write_it() -> None:
    assert parsing.day("held_on", "2024-02-29") == date(2024, 2, 29)
    assert parsing.day("held_on", "1.3.2024") == date(2024, 3, 1)
    assert parsing.day("held_on", "31.12.2023") == date(2023, 12, 31)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0000-01-01", "året må være fra 1900 til 2100"),
        ("31.12.9999", "året må være fra 1900 til 2100"),
        ("2023-02-29", "finnes ikke i kalenderen"),
        ("2024-²-01", "må være en dato"),
        ("2024-01-01T00:00", "må være en dato"),
        ("20240101", "må være en dato"),
        ("", "må fylles ut"),
    ],
)
def test_an_odd_date_is_refused_with_a_reason(typed: str, message: str) -> None:
    with pytest.raises(InvalidField, match=message):
        parsing.day("received_on", typed)


@given(st.text())
def test_any_text_is_either_a_date_in_a_plausible_year_or_refused(typed: str) -> None:
    parsed = parsed_unless_refused(parsing.day, "on", typed)
    assert parsed is None or parsing.MIN_YEAR <= parsed.year <= parsing.MAX_YEAR


@pytest.mark.parametrize("typed", ["Ola\x00", "a\x1bb", "linje\nlinje", "tab\there", "\ud800"])
def test_one_line_text_refuses_control_characters(typed: str) -> None:
    with pytest.raises(InvalidField, match="kontrolltegn"):
        parsing.text("assignee", typed, max_length=200)


DIRECTION_CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]]


@pytest.mark.parametrize("control", DIRECTION_CONTROLS)
def test_every_direction_control_is_refused_by_every_text_gate_naming_the_field(control: str) -> None:
    """A right-to-left override makes "Hjalmar \u202eneslav" show as another name than is stored."""
    typed = f"Hjalmar {control}neslav{control}"
    for multiline in (False, True):
        with pytest.raises(InvalidField, match="skriveretningen") as refused:
            parsing.text("requester_name", typed, max_length=200, multiline=multiline)
        assert refused.value.field == "requester_name"
    with pytest.raises(InvalidField, match="skriveretningen") as refused:
        require_text("text", typed)
    assert refused.value.field == "text"
    assert parsing.text("requester_name", "Åse Ødegård-Nilsen", max_length=200) == "Åse Ødegård-Nilsen"


def test_several_lines_may_hold_line_breaks_and_tabs_but_never_nul() -> None:
    assert parsing.text("summary", " to\r\nlinjer\tog tab ", max_length=100, multiline=True) == "to\nlinjer\tog tab"
    with pytest.raises(InvalidField, match="kontrolltegn"):
        parsing.text("summary", "to\nlinjer\x00", max_length=100, multiline=True)


def test_text_has_a_length_limit_and_may_be_required() -> None:
    with pytest.raises(InvalidField, match="lengre enn 5 tegn"):
        parsing.text("q", "seks t", max_length=5)
    with pytest.raises(InvalidField, match="må fylles ut"):
        parsing.text("title", "   ", max_length=5, required=True)
    assert parsing.text("q", "  =SUM(1) ", max_length=20) == "=SUM(1)"  # formulas are text; exports neutralise them


def test_a_choice_is_one_of_the_offered_values_exactly() -> None:
    assert parsing.choice("kind", "talk", ("talk", "course")) == "talk"
    for typed in ("Talk", "talk ", "", "\x00"):
        with pytest.raises(InvalidField, match="ikke et av valgene"):
            parsing.choice("kind", typed, ("talk", "course"))


def test_line_breaks_in_several_lines_of_text_are_stored_one_way() -> None:
    assert parsing.text("text", "første\r\nandre\rtredje\n", max_length=100, multiline=True) == "første\nandre\ntredje"
