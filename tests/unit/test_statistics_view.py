"""The statistics page's arithmetic and wording rules, without a database: versions, gaps, shares and change."""

from __future__ import annotations

from datetime import date

import pytest

from domain.taxonomy import MUNICIPAL_AREAS, Taxonomy
from projections.report.model import key_figures
from projections.report.numbers import percent, signed
from services.office import TenantProfile
from web.charts import line_chart
from web.query import QueryValues
from web.statistics_view import taxonomy_choice, versions_in_year


def profile(*starts: date) -> TenantProfile:
    """A flat office whose taxonomy was republished on each of `starts`."""
    versions = [Taxonomy(1, date(2000, 1, 1), MUNICIPAL_AREAS)]
    versions += [Taxonomy(n, start, MUNICIPAL_AREAS) for n, start in enumerate(starts, start=2)]
    return TenantProfile("proveby", "Prøveby kommune", None, True, versions, [], {})


def test_a_year_spans_the_versions_in_force_during_it() -> None:
    office = profile(date(2024, 6, 13), date(2026, 1, 1))
    assert versions_in_year(office, 2023) == [1]
    assert versions_in_year(office, 2024) == [1, 2]
    assert versions_in_year(office, 2025) == [2]
    assert versions_in_year(office, 2026) == [3]  # from its first day: no mix


def test_a_reorganised_year_defaults_to_its_last_version_and_can_not_go_back() -> None:
    office = profile(date(2024, 6, 13))
    assert taxonomy_choice(QueryValues(), "", office, 2024).version == 2
    assert taxonomy_choice(QueryValues(), "", office, 2023).version is None  # as received
    assert [t.version for t in taxonomy_choice(QueryValues(), "", office, 2023).options] == [1, 2]

    back = taxonomy_choice(QueryValues(), "1", office, 2024)
    assert (back.version, back.unusable, back.given) == (2, 1, False)
    assert taxonomy_choice(QueryValues(), "mottak", office, 2024).version is None


@pytest.mark.parametrize("value", ["\x00", "²", "١", "3", "0", "9" * 40, "1.0", " ", "Mottak"])
def test_a_value_naming_no_version_is_refused_with_a_notice_naming_the_field(value: str) -> None:
    query = QueryValues()
    choice = taxonomy_choice(query, value, profile(date(2024, 6, 13)), 2023)
    assert choice.version is None and not choice.given
    assert [notice.label for notice in query.notices] == ["taksonomi"]


def test_shares_and_changes_are_written_the_bokmal_way() -> None:
    assert percent(0.345) == "34,5\xa0%"
    assert percent(1 / 3) == "33,3\xa0%"
    assert percent(-0.03, digits=0, with_sign=True) == "\u22123\xa0%"
    assert percent(0.0, digits=0, with_sign=True) == "0\xa0%"
    assert (signed(12), signed(-3), signed(2.5), signed(0)) == ("+12", "\u22123", "+2,5", "0")


def test_change_is_against_the_year_before_and_shares_are_of_the_total() -> None:
    titles = {"total": "Henvendelser mottatt", "resolved": "Avsluttet", "median_days_to_resolution": "Median"}
    now = {"total": 8, "resolved": 2, "median_days_to_resolution": 4.5}
    before = {"total": 10, "resolved": 2, "median_days_to_resolution": 6.0}
    total, resolved, median = key_figures(now, before, titles, unfinished=False)
    assert (total.change, total.relative, total.share) == (-2, -0.2, None)
    assert (resolved.change, resolved.share) == (0, 0.25)
    assert (median.change, median.relative) == (-1.5, None)  # days: no percent

    so_far, *_ = key_figures(now, None, titles, unfinished=True)
    assert (so_far.title, so_far.change) == ("Henvendelser mottatt hittil i år", None)


def test_a_year_without_figures_breaks_the_line_and_the_unfinished_year_is_marked() -> None:
    chart = line_chart([2021, 2022, 2023, 2024], {"Helse": [3, None, 2, 1]}, unfinished=2024)
    [line] = chart.lines
    assert [p.value for p in line.points] == [3, 2, 1]
    assert len(line.paths) == 1 and line.paths[0].count(",") == 2  # 2023–2024 only; 2021 stands alone
    assert [p.unfinished for p in line.points] == [False, False, True]
    assert chart.unfinished is not None and chart.unfinished[0] < line.points[-1].x <= chart.unfinished[1]
