"""Small counts are hidden with just enough complements, chosen the way the network's members can predict."""

from __future__ import annotations

import pytest

from domain.common import InvalidField
from domain.disclosure import COMPLEMENTARY, SMALL, AlreadyShown, Equation, Release, protect, protect_release


def table(cells: dict[tuple[str, str], int]) -> tuple[dict, list[Equation]]:
    """A two-way table with its row totals, column totals and grand total."""
    rows = sorted({r for r, _ in cells})
    columns = sorted({c for _, c in cells})
    values: dict = dict(cells)
    equations = []
    for r in rows:
        values[(r, "total")] = sum(cells[(r, c)] for c in columns)
        equations.append(Equation((r, "total"), tuple((r, c) for c in columns)))
    for c in columns:
        values[("landet", c)] = sum(cells[(r, c)] for r in rows)
        equations.append(Equation(("landet", c), tuple((r, c) for r in rows)))
    values[("landet", "total")] = sum(cells.values())
    equations.append(Equation(("landet", "total"), tuple(("landet", c) for c in columns)))
    equations.append(Equation(("landet", "total"), tuple((r, "total") for r in rows)))
    return values, equations


def test_a_column_with_one_small_cell_and_its_total_shown_hides_the_smallest_other_cell_too():
    values = {"drammen": 3, "trondheim": 12, "bergen": 10, "landet": 25}
    equations = [Equation("landet", ("drammen", "trondheim", "bergen"))]

    assert protect(values, equations, threshold=4) == {"drammen": SMALL, "bergen": COMPLEMENTARY}


def test_a_table_of_zeros_and_big_counts_hides_nothing():
    values, equations = table({("a", "helse"): 0, ("a", "nav"): 12, ("b", "helse"): 7, ("b", "nav"): 0})

    assert protect(values, equations, threshold=4) == {}


def test_a_zero_is_shown_and_a_count_at_the_threshold_is_hidden():
    values = {"a": 0, "b": 4, "c": 5, "d": 9}
    equations = [Equation("d", ("b", "c")), Equation("d", ("a", "b", "c"))]

    assert protect(values, equations, threshold=4) == {"b": SMALL, "c": COMPLEMENTARY}


def test_one_small_cell_in_a_table_with_margins_hides_the_cheapest_rectangle():
    values, equations = table(
        {
            ("a", "helse"): 2, ("a", "nav"): 10, ("a", "skole"): 20,
            ("b", "helse"): 9, ("b", "nav"): 7, ("b", "skole"): 30,
            ("c", "helse"): 40, ("c", "nav"): 50, ("c", "skole"): 60,
        }
    )  # fmt: skip

    assert protect(values, equations, threshold=4) == {
        ("a", "helse"): SMALL,
        ("a", "nav"): COMPLEMENTARY,
        ("b", "helse"): COMPLEMENTARY,
        ("b", "nav"): COMPLEMENTARY,
    }


def test_a_two_by_two_table_with_one_small_cell_hides_the_whole_inner_block_and_keeps_the_margins():
    values, equations = table({("a", "helse"): 1, ("a", "nav"): 20, ("b", "helse"): 30, ("b", "nav"): 40})

    assert protect(values, equations, threshold=4) == {
        ("a", "helse"): SMALL,
        ("a", "nav"): COMPLEMENTARY,
        ("b", "helse"): COMPLEMENTARY,
        ("b", "nav"): COMPLEMENTARY,
    }


def test_a_total_hidden_in_one_table_is_protected_against_the_other_table_that_sums_it():
    # Table 1 splits a tiny office's total by service area; table 2 sums the offices' totals to the nation's.
    values = {
        ("helse", "tiny"): 1, ("nav", "tiny"): 2, ("total", "tiny"): 3,
        ("total", "big"): 40, ("total", "landet"): 43,
    }  # fmt: skip
    equations = [
        Equation(("total", "tiny"), (("helse", "tiny"), ("nav", "tiny"))),
        Equation(("total", "landet"), (("total", "tiny"), ("total", "big"))),
    ]

    hidden = protect(values, equations, threshold=4)

    assert hidden == {
        ("helse", "tiny"): SMALL,
        ("nav", "tiny"): SMALL,
        ("total", "tiny"): SMALL,
        ("total", "big"): COMPLEMENTARY,
    }


def test_a_row_total_hidden_in_one_table_is_protected_against_a_second_table_that_shares_it():
    # The office's total is split by service area (helse is small) and by channel; nav also counts nationally.
    # The cheapest protection of helse hides the total, which the channel table would then give away.
    values = {
        "helse": 2, "nav": 24, "total": 26,
        "telefon": 20, "brev": 6,
        "nav i andre kommuner": 30, "nav i landet": 54,
    }  # fmt: skip
    equations = [
        Equation("total", ("helse", "nav")),
        Equation("total", ("telefon", "brev")),
        Equation("nav i landet", ("nav", "nav i andre kommuner")),
    ]

    assert protect(values, equations, threshold=4) == {"helse": SMALL, "total": COMPLEMENTARY, "brev": COMPLEMENTARY}


def test_a_small_count_across_years_is_protected_against_the_total_over_the_years():
    values = {2022: 3, 2023: 40, 2024: 35, "alle år": 78}
    equations = [Equation("alle år", (2022, 2023, 2024))]

    assert protect(values, equations, threshold=4) == {2022: SMALL, 2024: COMPLEMENTARY}


def test_the_total_is_hidden_when_no_other_cell_of_the_row_helps():
    # b also counts in a column whose other cells are shown: hiding b alone would still give a away.
    values = {"a": 2, "b": 8, "total": 10, "c": 5, "column": 13}
    equations = [Equation("total", ("a", "b")), Equation("column", ("b", "c"))]

    assert protect(values, equations, threshold=4) == {"a": SMALL, "total": COMPLEMENTARY}


def test_two_hidden_counts_tied_by_a_sum_and_a_difference_are_not_protected_by_each_other():
    # a = b + c and b = c + d: with b and c hidden, b + c = 11 and b - c = 5 give both. d must go too.
    values = {"a": 11, "b": 8, "c": 3, "d": 5}
    equations = [Equation("a", ("b", "c")), Equation("b", ("c", "d"))]

    assert protect(values, equations, threshold=4) == {"b": COMPLEMENTARY, "c": SMALL, "d": COMPLEMENTARY}


def test_the_same_input_in_another_order_hides_the_same_keys():
    values, equations = table({("a", "helse"): 2, ("a", "nav"): 10, ("b", "helse"): 9, ("b", "nav"): 7})
    reordered = {key: values[key] for key in reversed(list(values))}

    assert list(protect(reordered, equations[::-1], 4).items()) == list(protect(values, equations, 4).items())


def test_keys_may_hold_sets_and_still_give_the_same_result_in_any_order():
    offices = [frozenset({"drammen", "lier"}), frozenset({"trondheim"}), frozenset({"bergen", "askøy", "øygarden"})]
    values = {("total", offices[0], 2023): 3, ("total", offices[1], 2023): 12, ("total", offices[2], 2023): 10}
    values[("total", "landet", 2023)] = 25
    equations = [Equation(("total", "landet", 2023), tuple(k for k in values if k[1] != "landet"))]
    reordered = {key: values[key] for key in reversed(list(values))}

    hidden = protect(values, equations, 4)

    assert hidden == {("total", offices[0], 2023): SMALL, ("total", offices[2], 2023): COMPLEMENTARY}
    assert list(protect(reordered, equations[::-1], 4).items()) == list(hidden.items())


def test_a_count_in_no_equation_is_hidden_only_if_small():
    assert protect({"a": 2, "b": 40, "c": 0}, [], 4) == {"a": SMALL}


@pytest.mark.parametrize("threshold", [0, -3, 2.5, True, "4"])
def test_a_threshold_below_one_or_not_a_whole_number_is_refused_in_norwegian(threshold):
    with pytest.raises(InvalidField) as refused:
        protect({"a": 1}, [], threshold)

    assert refused.value.field == "threshold"
    assert "heltall" in refused.value.message


def test_a_negative_count_is_refused_naming_its_key():
    with pytest.raises(InvalidField) as refused:
        protect({"drammen": -1}, [], 4)

    assert "drammen" in refused.value.field
    assert refused.value.message == "må være et heltall som ikke er negativt"


def test_an_equation_that_does_not_add_up_is_refused_naming_its_total():
    with pytest.raises(InvalidField) as refused:
        protect({"a": 5, "b": 6, "total": 12}, [Equation("total", ("a", "b"))], 4)

    assert "total" in refused.value.field
    assert refused.value.message == "summen av delene er 11, men totalen er 12"


def test_an_equation_naming_a_key_without_a_value_is_refused():
    with pytest.raises(InvalidField) as refused:
        protect({"a": 5, "total": 5}, [Equation("total", ("a", "b"))], 4)

    assert "total" in refused.value.field
    assert "'b'" in refused.value.message
    assert "ikke har noen verdi" in refused.value.message


def test_something_other_than_an_equation_is_refused():
    with pytest.raises(InvalidField) as refused:
        protect({"a": 5, "total": 5}, [("total", ("a",))], 4)

    assert refused.value.field == "equations"


def _column(counts: dict[str, int]) -> tuple[dict[str, int], list[Equation]]:
    return {**counts, "landet": sum(counts.values())}, [Equation("landet", tuple(counts))]


def test_a_later_release_hides_the_national_total_that_would_give_a_leaving_office_away():
    before, sums = _column({"storby": 8, "mellomby": 5, "lilleby": 2})
    first = frozenset(protect(before, sums, 4))
    assert "lilleby" in first and "landet" not in first
    after, sums_after = _column({"storby": 8, "mellomby": 5})

    second = protect_release([Release(before, sums, first)], after, sums_after, 4)

    assert "landet" in second  # 15 then 13 would give lilleby's 2
    assert "landet" not in protect(after, sums_after, 4)  # on its own, 13 gives nothing away


def test_a_cell_shown_before_is_shown_again_and_a_cell_hidden_before_stays_hidden_while_unchanged():
    before, sums = _column({"a": 30, "b": 2, "c": 40, "d": 50})
    first = frozenset(protect(before, sums, 4))
    now, sums_now = _column({"a": 30, "b": 2, "c": 40, "d": 51})

    second = protect_release([Release(before, sums, first)], now, sums_now, 4)

    assert second & {"a", "b", "c"} == first & {"a", "b", "c"}


def test_a_release_is_refused_when_a_count_to_hide_follows_from_earlier_releases():
    before, sums = _column({"a": 1, "b": 10, "c": 3})
    first = frozenset(protect(before, sums, 4))
    assert first == {"a", "c"}  # a + c = 4 is known, neither alone
    after, sums_after = _column({"a": 1, "c": 3})  # b leaves: the national total would be 4, known already

    with pytest.raises(AlreadyShown):
        protect_release([Release(before, sums, first)], after, sums_after, 4)
