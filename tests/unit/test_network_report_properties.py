"""The network report as a reader gets it: no count from 1 to the threshold, and no hidden count follows from the sums.

The equations are rebuilt from the published report alone (each office's groups sum to its inquiries, its complaint
outcomes to its decided complaints, the offices to the national figure of every cell), so the check covers what the
report links, not what the assembly says it links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.disclosure import Equation
from domain.inquiry import COMPLAINT_OUTCOMES
from domain.national_groups import GROUP_CODES
from projections.network_report import Office, build_report
from tests.unit.test_disclosure_properties import solvable

FLAGS = ("outside_mandate", "forwarded", "complaints_sent", "interim_replies", "resolved")
CASE_TYPES = ("application_help", "no_reply", "service_quality")
COUNT = st.one_of(st.integers(0, 6), st.integers(0, 60))  # many small counts and zeros, some large


@st.composite
def networks(draw: st.DrawFn) -> tuple[list[Office], dict[tuple[str, int], Counter], list[int], int]:
    offices = [
        Office(f"kommune-{i}", f"Prøvekommune {i}", draw(st.one_of(st.none(), st.integers(500, 700_000))))
        for i in range(draw(st.integers(1, 12)))
    ]
    years = list(range(2020, 2020 + draw(st.integers(1, 3))))
    figures: dict[tuple[str, int], Counter] = {}
    for office in offices:
        for year in years:
            groups = {code: draw(COUNT) for code in draw(st.sets(st.sampled_from(GROUP_CODES), max_size=4))}
            total = sum(groups.values())
            if not total:
                continue
            counts: Counter = Counter({("total", ""): total})
            counts.update({("group", code): n for code, n in groups.items()})
            for code in CASE_TYPES:
                counts["case_type", code] = draw(st.integers(0, total))
            resolved = draw(st.integers(0, total))
            for flag in FLAGS:
                counts[flag, ""] = resolved if flag == "resolved" else draw(st.integers(0, total))
            for outcome in COMPLAINT_OUTCOMES:
                counts["complaint_outcome", outcome] = draw(st.integers(0, 3))
            if resolved:
                counts["days_to_resolution", str(draw(st.integers(0, 400)))] = resolved
            figures[office.slug, year] = +counts
    return offices, figures, years, draw(st.integers(1, 6))


def published(report: dict[str, Any]) -> tuple[dict[Hashable, int | None], list[Equation], dict[Hashable, Any]]:
    """Every count cell by a key of the reader's own, the sums the report lets a reader write, and each rate/median."""
    values: dict[Hashable, int | None] = {}
    derived: dict[Hashable, Any] = {}
    equations: list[Equation] = []
    for entry in report["by_year"]:
        year = entry["year"]
        rows = {"*": entry["national"], **{office["slug"]: office for office in entry["offices"]}}
        for slug, row in rows.items():
            values[year, slug, "inquiries"] = _count(row["inquiries"])
            values[year, slug, "decided"] = _count(row["complaints_decided"])
            for table in ("by_national_group", "by_case_type", "complaint_outcomes"):
                for code, cell in row[table].items():
                    values[year, slug, table, code] = _count(cell)
            for flag in FLAGS:
                values[year, slug, flag] = _count(row[flag])
            derived[year, slug, "rate"] = (_count(row["inquiries"]), _count(row["inquiries_per_10000_inhabitants"]))
            derived[year, slug, "median"] = (_count(row["resolved"]), _count(row["median_days_to_resolution"]))
            equations.append(
                Equation(
                    (year, slug, "inquiries"),
                    tuple((year, slug, "by_national_group", code) for code in row["by_national_group"]),
                )
            )
            equations.append(
                Equation(
                    (year, slug, "decided"),
                    tuple((year, slug, "complaint_outcomes", code) for code in row["complaint_outcomes"]),
                )
            )
        offices = [slug for slug in rows if slug != "*"]
        for key in [key for key in values if key[0] == year and key[1] == "*"]:
            equations.append(Equation(key, tuple((year, slug, *key[2:]) for slug in offices)))
    return values, equations, derived


def _count(cell: Any) -> Any:
    return None if cell == ":" else cell


@settings(max_examples=150, deadline=None)
@given(networks())
def test_no_published_count_is_small_and_no_hidden_count_follows_from_the_published_sums(network) -> None:
    offices, figures, years, threshold = network
    report = build_report(offices, figures, years, threshold)
    values, equations, derived = published(report)

    assert report["threshold"] == threshold
    assert not [key for key, value in values.items() if value is not None and 1 <= value <= threshold]
    hidden = {key for key, value in values.items() if value is None}
    shown = {key: value for key, value in values.items() if value is not None}
    assert not solvable(shown, equations, hidden)
    for count, figure in derived.values():
        assert count is not None or figure is None  # a rate or a median never rests on a hidden count


@settings(max_examples=60, deadline=None)
@given(networks())
def test_the_trend_publishes_the_very_cells_of_each_years_tables(network) -> None:
    offices, figures, years, threshold = network
    report = build_report(offices, figures, years, threshold)
    trend = report["trend"]
    for index, entry in enumerate(report["by_year"]):
        assert trend["national"]["inquiries"][index] == entry["national"]["inquiries"]
        for code in GROUP_CODES:
            assert trend["national"]["by_national_group"][code][index] == entry["national"]["by_national_group"][code]
        by_slug = {office["slug"]: office for office in entry["offices"]}
        for office in trend["offices"]:
            if office["slug"] in by_slug:
                assert office["inquiries"][index] == by_slug[office["slug"]]["inquiries"]
