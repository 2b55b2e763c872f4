"""An attacker with an exact integer-programming solver reads every release the network published, offices leaving
and joining between them, and fixes no hidden cell.

The attacker holds every document (each year's releases and the range reports assembled from them), knows each
table's sums, that counts are non-negative integers, and, worst case, which cells kept their value from one release
to the next (an office's row when another leaves): such a cell is one unknown across those releases. A hidden cell
is recovered when its minimum and maximum subject to all of that are equal (scipy.optimize.milp).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from domain.disclosure import COMPLEMENTARY, SMALL, AlreadyShown, Release
from projections.network_releases import digest_of, release_year
from projections.network_report import HIDDEN, NATIONAL, Office, assemble, build_year, year_tables
from projections.network_report_files import as_csv, as_json, as_xlsx

GROUPS = ("helse-og-omsorg", "sosiale-tjenester-og-nav", "skole-og-barnehage", "annet")
YEARS = (2021, 2022)
LARGE = 10**6  # no count in the tests comes near: a maximum at it means "unbounded"

Cell = tuple[str, str, str]  # (slug or "*", measure, key) as the attacker names what a document shows


def cells_of(entry: dict[str, Any]) -> dict[Cell, Any]:
    """Every count a published year shows, by the attacker's names (rates and medians are not counts)."""
    found: dict[Cell, Any] = {}
    for slug, row in ((NATIONAL, entry["national"]), *((o["slug"], o) for o in entry["offices"])):
        found[slug, "total", ""] = row["inquiries"]
        found[slug, "complaints_decided", ""] = row["complaints_decided"]
        for table, measure in (
            ("by_national_group", "group"),
            ("by_case_type", "case_type"),
            ("complaint_outcomes", "complaint_outcome"),
        ):
            for code, value in row[table].items():
                found[slug, measure, code] = value
        for flag in ("outside_mandate", "forwarded", "complaints_sent", "interim_replies", "resolved"):
            found[slug, flag, ""] = row[flag]
    return found


def sums_of(cells: Iterable[Cell]) -> list[tuple[Cell, list[Cell]]]:
    """The sums a reader can write from a year's document: national = offices, groups = inquiries, outcomes = decided."""
    cells = list(cells)
    slugs = sorted({slug for slug, _, _ in cells if slug != NATIONAL})
    sums = [((NATIONAL, m, k), [(s, m, k) for s in slugs]) for slug, m, k in cells if slug == NATIONAL]
    for slug in (NATIONAL, *slugs):
        sums.append(((slug, "total", ""), [c for c in cells if c[0] == slug and c[1] == "group"]))
        sums.append(
            ((slug, "complaints_decided", ""), [c for c in cells if c[0] == slug and c[1] == "complaint_outcome"])
        )
    return sums


def recovered(documents: list[dict[str, Any]], truth: dict[tuple[int, int], dict[Cell, int]]) -> list[Any]:
    """The hidden cells whose minimum equals their maximum, over every release of every year in the documents.

    `truth`: per (year, release) every cell's true count: used only to know which cells kept their value since the
    latest release they were in (the worst case), and as one feasible point."""
    shown: dict[tuple[int, int], dict[Cell, Any]] = {}
    for document in documents:
        for entry in document["by_year"]:
            if entry["release"] is not None:
                shown[entry["year"], entry["release"]["number"]] = cells_of(entry)
    found = []
    for year in sorted({year for year, _ in shown}):
        found += _attack_year([(n, shown[y, n], truth[y, n]) for y, n in sorted(shown) if y == year])
    return found


def _attack_year(releases: list[tuple[int, dict[Cell, Any], dict[Cell, int]]]) -> list[Any]:
    import numpy as np  # here, not at collection: numpy and scipy.optimize take seconds to import
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    index: dict[Any, int] = {}
    value: list[int] = []
    latest: dict[Cell, tuple[int, Any]] = {}
    known: dict[int, int] = {}
    rows: list[dict[int, int]] = []
    for number, published, true in releases:
        unknown = {}
        for cell, n in true.items():
            before = latest.get(cell)
            name = before[1] if before is not None and before[0] == n else (number, cell)
            latest[cell] = (n, name)
            if name not in index:
                index[name] = len(value)
                value.append(n)
            unknown[cell] = index[name]
            if published[cell] != HIDDEN:
                assert published[cell] == n
                known[index[name]] = n
        for total, parts in sums_of(published):
            row: Counter[int] = Counter({unknown[total]: 1})
            row.subtract(unknown[part] for part in parts)
            rows.append({i: a for i, a in row.items() if a})
    size = len(value)
    lower = np.zeros(size)
    upper = np.full(size, float(LARGE))
    for i, n in known.items():
        lower[i] = upper[i] = n
    matrix = lil_matrix((len(rows), size))
    for r, row in enumerate(rows):
        for i, a in row.items():
            matrix[r, i] = a
    constraint = LinearConstraint(matrix.tocsr(), np.zeros(len(rows)), np.zeros(len(rows)))
    truth = np.array(value, dtype=float)
    moves = set()  # unknowns some feasible point other than the truth gives another value

    def solve(i: int, sign: int) -> None:
        objective = np.zeros(size)
        objective[i] = sign
        result = milp(objective, constraints=constraint, integrality=np.ones(size), bounds=Bounds(lower, upper))
        assert result.status == 0, result.message
        moves.update(int(j) for j in np.nonzero(np.abs(result.x - truth) > 0.5)[0])

    fixed = []
    names = {i: name for name, i in index.items()}
    for i in range(size):
        if i in known or i in moves:
            continue
        solve(i, -1)
        if i not in moves:
            solve(i, 1)
        if i not in moves:
            fixed.append(names[i])
    return fixed


# -- the network's history: offices with figures, leaving, joining, changing, and releases ----------------------------


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Office], dict[tuple[str, int], Counter], list[tuple], int]:
    count = draw(st.integers(2, 5))
    offices = [Office(f"kommune-{i}", f"Prøvekommune {i}", 10_000) for i in range(count)]
    figures = {}
    for office in offices:
        for year in YEARS:
            if draw(st.integers(0, 5)) == 0:
                continue  # no inquiries that year
            figures[office.slug, year] = _figures(draw, draw(st.lists(st.integers(0, 12), min_size=4, max_size=4)))
    steps = draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("release"), st.sampled_from(YEARS)),
                st.tuples(st.sampled_from(["leave", "join"]), st.sampled_from([o.slug for o in offices])),
                st.tuples(
                    st.just("change"),
                    st.sampled_from([o.slug for o in offices]),
                    st.sampled_from(YEARS),
                    st.integers(0, 3),
                    st.integers(-3, 3),
                ),
            ),
            min_size=3,
            max_size=10,
        )
    )
    return offices, figures, steps, draw(st.integers(2, 4))


def _figures(draw: st.DrawFn, groups: list[int]) -> Counter:
    total = sum(groups)
    counts: Counter = Counter({("total", ""): total})
    counts.update({("group", code): n for code, n in zip(GROUPS, groups, strict=True)})
    counts["case_type", "no_reply"] = draw(st.integers(0, total))
    counts["forwarded", ""] = draw(st.integers(0, total))
    counts["complaint_outcome", "upheld"] = draw(st.integers(0, 3))
    counts["complaint_outcome", "rejected"] = draw(st.integers(0, 6))
    return +counts


class Network:
    """The releases of each year as projections.network_releases makes them, without the database."""

    def __init__(self, offices: list[Office], threshold: int) -> None:
        self.offices = offices
        self.threshold = threshold
        self.sharing = {office.slug for office in offices}
        self.releases: dict[int, list[tuple[str, Release, dict[str, Any]]]] = {year: [] for year in YEARS}
        self.documents: list[dict[str, Any]] = []
        self.truth: dict[tuple[int, int], dict[Cell, int]] = {}

    def release(self, year: int, figures: dict[tuple[str, int], Counter]) -> None:
        sharing = [office for office in self.offices if office.slug in self.sharing]
        tables = year_tables(year, sharing, {k: v for k, v in figures.items() if k[0] in self.sharing}, {})
        digest = digest_of(tables, self.threshold)
        earlier = self.releases[year]
        if (earlier and earlier[-1][0] == digest) or (not earlier and not tables.offices):
            return
        try:
            entry, release = release_year(tables, [r for _, r, _ in earlier], self.threshold)
        except AlreadyShown:
            return  # refused, as projections.network_releases does: the latest release stays
        entry["release"] = {"number": len(earlier) + 1, "released": "2023-01-02"}
        earlier.append((digest, release, entry))
        self.truth[year, len(earlier)] = dict(release.values)
        self.documents.append(json.loads(as_json(assemble([entry], self.threshold))))  # the year's file
        latest = [self.releases[y][-1][2] for y in YEARS if self.releases[y]]
        self.documents.append(json.loads(as_json(assemble(latest, self.threshold))))  # the range's file


def play(offices, figures, steps, threshold) -> Network:
    network = Network(offices, threshold)
    figures = {key: Counter(value) for key, value in figures.items()}
    for step in steps:
        if step[0] == "release":
            network.release(step[1], figures)
        elif step[0] == "leave":
            network.sharing.discard(step[1])
        elif step[0] == "join":
            network.sharing.add(step[1])
        else:
            _, slug, year, group, delta = step
            counts = figures.setdefault((slug, year), Counter())
            delta = max(delta, -counts["group", GROUPS[group]])
            counts["group", GROUPS[group]] += delta
            counts["total", ""] += delta
            figures[slug, year] = +counts
    for year in YEARS:
        network.release(year, figures)  # and the latest figures of every year at the end
    return network


@settings(max_examples=30, deadline=None)
@given(histories())
def test_no_hidden_cell_is_recovered_from_any_sequence_of_releases(history) -> None:
    network = play(*history)
    assert recovered(network.documents, network.truth) == []


# -- the attacks that worked before -----------------------------------------------------------------------------------

HEALTH = "helse-og-omsorg"


def _office_figures(health: int, nav: int) -> Counter:
    return +Counter(
        {("total", ""): health + nav, ("group", HEALTH): health, ("group", "sosiale-tjenester-og-nav"): nav}
    )


def three_offices() -> tuple[list[Office], dict[tuple[str, int], Counter]]:
    offices = [Office(slug, slug.title(), 10_000) for slug in ("storby", "mellomby", "lilleby")]
    figures = {
        ("storby", 2021): _office_figures(8, 30),
        ("mellomby", 2021): _office_figures(5, 20),
        ("lilleby", 2021): _office_figures(2, 9),
    }
    return offices, figures


def test_the_attack_works_on_live_reports_before_and_after_an_office_leaves() -> None:
    # The report as it was: worked out afresh from whoever shares, each version on its own.
    offices, figures = three_offices()
    before = build_year(2021, offices, figures, {}, 4)
    after = build_year(2021, offices[:2], figures, {}, 4)
    assert (
        before["national"]["by_national_group"][HEALTH] == 15 and after["national"]["by_national_group"][HEALTH] == 13
    )
    before["release"], after["release"] = {"number": 1}, {"number": 2}
    truth = {
        (2021, 1): cells_of_truth(year_tables(2021, offices, figures, {}).values),
        (2021, 2): cells_of_truth(year_tables(2021, offices[:2], figures, {}).values),
    }
    assert ("lilleby", "group", HEALTH) in {cell for _, cell in recovered([{"by_year": [before, after]}], truth)}


def test_the_15_to_13_attack_recovers_nothing_from_the_releases() -> None:
    offices, figures = three_offices()
    network = Network(offices, 4)
    network.release(2021, figures)
    network.sharing.discard("lilleby")
    network.release(2021, figures)
    first, second = (entry for _, _, entry in network.releases[2021])
    assert first["offices"][-1]["by_national_group"][HEALTH] == HIDDEN  # lilleby's 2
    assert first["national"]["by_national_group"][HEALTH] == 15
    assert second["national"]["by_national_group"][HEALTH] == HIDDEN  # 13 would give lilleby's 2 away
    assert "lilleby" not in json.dumps(second)
    assert recovered(network.documents, network.truth) == []


def cells_of_truth(values: dict[tuple[str, str, str], int]) -> dict[Cell, int]:
    return dict(values)


@pytest.mark.parametrize("kind", ["json", "csv", "xlsx"])
def test_no_output_says_why_a_cell_is_hidden(kind: str) -> None:
    offices, figures = three_offices()
    network = Network(offices, 4)
    network.release(2021, figures)
    report = assemble([network.releases[2021][-1][2]], 4)
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(as_xlsx(report)))
        text = " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row)
    else:
        text = (as_json if kind == "json" else as_csv)(report).decode("utf-8-sig")
    assert ":" in text
    for word in ("reason", SMALL, COMPLEMENTARY, "få", "komplementær", "skjult fordi"):
        assert word not in text, word
