"""For any linked network report, no small count is shown and no hidden count can be worked out, by a solver of our own."""

from __future__ import annotations

import random
from collections.abc import Hashable
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.disclosure import COMPLEMENTARY, SMALL, Equation, protect

GROUPS = ("helse", "nav", "skole", "annet")  # by primary area: they sum to the office's total
CASE_TYPES = ("ikke-svar", "klagehjelp", "kvalitet")  # an inquiry may have several: national totals only
MEASURES = ("utenfor-mandat", "videresendt")
OUTCOMES = ("medhold", "delvis", "ikke-medhold")  # they sum to the office's decided complaints


def solvable(values: dict[Hashable, int], equations: list[Equation], hidden: set[Hashable]) -> set[Hashable]:
    """The hidden keys that all the equations together with the shown values give exactly.

    Independent of the module: dense rows over Fractions, Gauss-Jordan column by column; a hidden key is
    given iff some row of the reduced form is its unit vector."""
    columns = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(columns)}
    rows: list[dict[int, Fraction]] = []
    for equation in equations:
        row: dict[int, Fraction] = {}
        for key, sign in [(equation.total, 1), *((part, -1) for part in equation.parts)]:
            if key in index:
                row[index[key]] = row.get(index[key], Fraction(0)) + sign
        row = {c: x for c, x in row.items() if x}
        if row:
            rows.append(row)
    rank = 0
    for c in range(len(columns)):
        found = next((i for i in range(rank, len(rows)) if rows[i].get(c)), None)
        if found is None:
            continue
        rows[rank], rows[found] = rows[found], rows[rank]
        pivot = {k: x / rows[rank][c] for k, x in rows[rank].items()}
        rows[rank] = pivot
        for i, row in enumerate(rows):
            if i != rank and row.get(c):
                factor = row[c]
                for k, x in pivot.items():
                    new = row.get(k, 0) - factor * x
                    if new:
                        row[k] = new
                    else:
                        row.pop(k, None)
        rank += 1
    return {columns[next(iter(row))] for row in rows if len(row) == 1}


@st.composite
def reports(draw: st.DrawFn, max_offices: int = 40, max_years: int = 4) -> tuple[dict, list[Equation]]:
    """Linked tables per year and each office's total over the years, with consistent sums."""
    offices = [f"kommune{i}" for i in range(draw(st.integers(1, max_offices)))]
    years = list(range(2021, 2021 + draw(st.integers(1, max_years))))
    tiny = set(draw(st.lists(st.sampled_from(offices), max_size=len(offices))))  # everything small there
    rng = draw(st.randoms(use_true_random=False))
    zeros = rng.random()

    def count(office: str) -> int:
        if rng.random() < zeros / 2:
            return 0
        if office in tiny or rng.random() < 0.4:
            return rng.randint(1, 6)
        return rng.randint(7, 60)

    values: dict[Hashable, int] = {}
    equations: list[Equation] = []

    def total(key: Hashable, parts: list[Hashable]) -> None:
        values[key] = sum(values[part] for part in parts)
        equations.append(Equation(key, tuple(parts)))

    for year in years:
        for office in offices:
            for name in (*GROUPS, *CASE_TYPES, *MEASURES, *OUTCOMES):
                values[(name, office, year)] = count(office)
            total(("total", office, year), [(g, office, year) for g in GROUPS])
            total(("avgjorte-klager", office, year), [(o, office, year) for o in OUTCOMES])
        for name in (*GROUPS, *CASE_TYPES, *MEASURES, *OUTCOMES, "total", "avgjorte-klager"):
            total((name, "landet", year), [(name, office, year) for office in offices])
        equations.append(Equation(("total", "landet", year), tuple((g, "landet", year) for g in GROUPS)))
        equations.append(Equation(("avgjorte-klager", "landet", year), tuple((o, "landet", year) for o in OUTCOMES)))
    if len(years) > 1:
        for office in (*offices, "landet"):
            total(("total", office, "alle år"), [("total", office, year) for year in years])
    return values, equations


def protected(values: dict, equations: list[Equation], threshold: int) -> dict:
    """What protect hides, once checked: no count from 1 to the threshold is shown, each hidden count is hidden as
    small exactly when it is, and no hidden count can be worked out from what is shown."""
    hidden = protect(values, equations, threshold)
    assert not [key for key, value in values.items() if 1 <= value <= threshold and key not in hidden]
    for key, reason in hidden.items():
        assert reason == (SMALL if 1 <= values[key] <= threshold else COMPLEMENTARY)
    assert solvable(values, equations, set(hidden)) == set()
    return hidden


def assert_every_complement_is_needed(values: dict, equations: list[Equation], hidden: dict) -> None:
    """Showing any one complementary cell again would let a hidden count be worked out."""
    for key, reason in hidden.items():
        if reason == COMPLEMENTARY:
            assert solvable(values, equations, set(hidden) - {key}), f"{key} is hidden for nothing"


@settings(max_examples=40, deadline=None)
@given(report=reports(), threshold=st.integers(1, 6))
def test_no_shown_count_is_small_and_no_hidden_count_can_be_worked_out(report, threshold):
    values, equations = report
    protected(values, equations, threshold)


@settings(max_examples=25, deadline=None)
@given(report=reports(max_offices=15, max_years=3), threshold=st.integers(1, 6), order=st.randoms())
def test_the_same_report_in_any_order_hides_the_same_counts(report, threshold, order):
    values, equations = report
    keys = list(values)
    order.shuffle(keys)
    shuffled = [Equation(e.total, tuple(order.sample(e.parts, len(e.parts)))) for e in equations]
    order.shuffle(shuffled)
    assert list(protect({key: values[key] for key in keys}, shuffled, threshold).items()) == list(
        protect(values, equations, threshold).items()
    )


@settings(max_examples=20, deadline=None)
@given(report=reports(max_offices=8, max_years=2), threshold=st.integers(1, 6))
def test_every_complement_is_needed(report, threshold):
    values, equations = report
    hidden = protect(values, equations, threshold)
    assert_every_complement_is_needed(values, equations, hidden)


def test_the_tests_own_solver_works_out_what_primary_suppression_alone_gives_away():
    values = {"helse": 2, "nav": 17, "skole": 30, "total": 49}
    equations = [Equation("total", ("helse", "nav", "skole"))]
    assert solvable(values, equations, {"helse"}) == {"helse"}
    assert solvable(values, equations, {"helse", "nav"}) == set()


@settings(max_examples=30, deadline=None)
@given(report=reports(max_offices=6, max_years=2), seed=st.integers(0, 10**6))
def test_the_tests_own_solver_agrees_with_brute_force_on_small_reports(report, seed):
    # A hidden key is given iff every change of the hidden values that keeps all sums leaves it alone.
    values, equations = report
    rng = random.Random(seed)
    near = {key for e in rng.sample(equations, min(3, len(equations))) for key in (e.total, *e.parts)}
    hidden = set(rng.sample(sorted(near, key=repr), min(6, len(near))))
    assert solvable(values, equations, hidden) == hidden - _moved(equations, sorted(hidden, key=repr))


def _moved(equations: list[Equation], hidden: list[Hashable]) -> set[Hashable]:
    """Keys that some change of the hidden values by -2..2 each, keeping every sum, moves."""
    relevant = [e for e in equations if {e.total, *e.parts} & set(hidden)]
    moved: set[Hashable] = set()
    for mask in range(1, 5 ** len(hidden)):
        change, m = {}, mask
        for key in hidden:
            change[key], m = (m % 5) - 2, m // 5
        if all(change.get(e.total, 0) == sum(change.get(part, 0) for part in e.parts) for e in relevant):
            moved |= {key for key, x in change.items() if x}
    return moved


@st.composite
def systems(draw: st.DrawFn) -> tuple[dict, list[Equation]]:
    """Any consistent sums, not only tables: parts may repeat, a total may be a part elsewhere, and totals are
    also written with a part replaced by its own parts (so cycles of any length and sign occur)."""
    rng = draw(st.randoms(use_true_random=False))
    values: dict[Hashable, int] = {}
    definitions: dict[Hashable, list[Hashable]] = {}
    for i in range(draw(st.integers(1, 12))):
        values[f"x{i}"] = rng.choice([0, 0, rng.randint(1, 6), rng.randint(1, 6), rng.randint(7, 40)])
    for i in range(draw(st.integers(1, 14))):
        parts = [rng.choice(list(values)) for _ in range(rng.randint(1, 4))]
        values[f"t{i}"] = sum(values[part] for part in parts)
        definitions[f"t{i}"] = parts
    equations = [Equation(total, tuple(parts)) for total, parts in definitions.items()]
    for total, parts in definitions.items():
        for j, part in enumerate(parts):
            if part in definitions and rng.random() < 0.5:
                equations.append(Equation(total, (*parts[:j], *definitions[part], *parts[j + 1 :])))
    return values, equations


@settings(max_examples=150, deadline=None)
@given(system=systems(), threshold=st.integers(1, 6))
def test_no_hidden_value_can_be_worked_out_from_any_system_of_sums(system, threshold):
    values, equations = system
    hidden = protected(values, equations, threshold)
    assert_every_complement_is_needed(values, equations, hidden)
