"""The network's table hides every small count, and no hidden count can be worked out from what is shown."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from projections.network_statistics import SMALL, network_table

CASE_TYPES = ["no_reply", "complaint_help"]


def report(total: int, no_reply: int = 0, complaint_help: int = 0, open_: int = 0, resolved: int = 0) -> dict:
    return {
        "total": total,
        "open_at_year_end": open_,
        "resolved": resolved,
        "by_case_type": {"no_reply": no_reply, "complaint_help": complaint_help},
    }


def test_small_counts_are_hidden_and_zero_and_large_ones_are_shown() -> None:
    table = network_table(
        2024,
        [
            ("A", report(120, no_reply=3, complaint_help=40)),
            ("B", report(80, no_reply=0, complaint_help=7)),
            ("C", report(60, no_reply=12, complaint_help=9)),
        ],
        CASE_TYPES,
    )
    no_reply = table.columns.index("no_reply")
    assert [row[no_reply].hidden for row in table.rows] == [True, False, True]  # 3 hidden, 12 hidden with it, 0 shown
    assert table.totals[no_reply].value == 15 and not table.totals[no_reply].hidden
    assert not any(row[table.columns.index("total")].hidden for row in table.rows)


def test_a_column_with_nothing_left_to_hide_hides_its_total() -> None:
    table = network_table(2024, [("A", report(50, no_reply=2)), ("B", report(60, no_reply=0))], CASE_TYPES)
    no_reply = table.columns.index("no_reply")
    assert table.rows[0][no_reply].hidden and table.totals[no_reply].hidden


counts = st.integers(min_value=0, max_value=60)


@given(st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=12))
def test_no_hidden_count_can_be_worked_out(offices: list[tuple[int, int, int]]) -> None:
    reports = [(f"K{n}", report(t, no_reply=a, complaint_help=b)) for n, (t, a, b) in enumerate(offices)]
    table = network_table(2024, reports, CASE_TYPES)
    for column in range(len(table.columns)):
        cells = [row[column] for row in table.rows]
        assert not any(not cell.hidden and 0 < cell.value < SMALL for cell in cells)
        secret = [cell.value for cell in cells if cell.hidden]
        if secret and not table.totals[column].hidden:
            assert len(secret) >= 2 and sum(secret) >= SMALL
        assert table.totals[column].value == sum(cell.value for cell in cells)
