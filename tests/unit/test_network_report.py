"""The network report publishes no count from 1 to the threshold, nor a rate or median resting on a hidden count."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.common import InvalidField
from infra.settings import Settings, SettingsError
from projections.annual_report import _percentile
from projections.network_report import NATIONAL, Office, build_report, median, require_finished_years

YEAR = 2024


def counts(total: int, groups: dict[str, int], resolved_days: dict[int, int] | None = None, **flags: int) -> Counter:
    assert sum(groups.values()) == total
    found: Counter = Counter({("total", ""): total})
    found.update({("group", code): n for code, n in groups.items()})
    found.update({(flag, ""): n for flag, n in flags.items()})
    for days, n in (resolved_days or {}).items():
        found["days_to_resolution", str(days)] = n
    found["resolved", ""] = sum((resolved_days or {}).values())
    found.update({("case_type", "no_reply"): total})
    return found


OFFICES = [Office("stor", "Storby kommune", 200_000), Office("liten", "Lilleby kommune", 3_000)]


def published_counts(report: dict[str, Any]) -> list[int]:
    """Every count in the report (not rates, medians or populations)."""
    found = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, int) and key not in ("inquiries_per_10000_inhabitants", "median_days_to_resolution"):
            found.append(value)
        elif isinstance(value, dict):
            for inner_key, inner in value.items():
                walk(inner, inner_key)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)

    walk(report["by_year"])
    walk(report["trend"])
    return found


def test_a_small_office_s_small_cells_are_a_colon_alone_and_no_count_from_1_to_the_threshold_is_shown() -> None:
    figures = {
        ("stor", YEAR): counts(120, {"helse-og-omsorg": 100, "barnevern": 20}, {10: 60, 20: 40}, forwarded=30),
        ("liten", YEAR): counts(6, {"helse-og-omsorg": 3, "barnevern": 3}, {5: 2}, forwarded=2),
    }
    report = build_report(OFFICES, figures, [YEAR], threshold=4)
    year = report["by_year"][0]
    small = next(office for office in year["offices"] if office["slug"] == "liten")
    assert small["by_national_group"]["helse-og-omsorg"] == ":"
    assert small["forwarded"] == ":"
    assert small["inquiries"] == 6
    assert year["national"]["inquiries"] == 126
    assert not [n for n in published_counts(report) if 1 <= n <= 4]
    assert report["threshold"] == 4 and report["years"] == [YEAR]
    assert [group["name"] for group in report["groups"]][:2] == ["Helse og omsorg", "Sosiale tjenester og NAV"]


def test_rates_and_medians_are_suppressed_with_the_counts_they_rest_on() -> None:
    offices = [*OFFICES, Office("midt", "Midtby kommune", 50_000)]
    figures = {
        ("stor", YEAR): counts(120, {"helse-og-omsorg": 120}, {10: 60, 20: 40}),
        ("midt", YEAR): counts(80, {"helse-og-omsorg": 80}, {7: 50, 9: 30}),
        ("liten", YEAR): counts(3, {"helse-og-omsorg": 3}, {5: 3}),
    }
    year = build_report(offices, figures, [YEAR], threshold=4)["by_year"][0]
    small = next(office for office in year["offices"] if office["slug"] == "liten")
    assert small["inquiries_per_10000_inhabitants"] == ":"
    assert small["median_days_to_resolution"] == ":"
    for office in year["offices"]:
        count, rate = office["inquiries"], office["inquiries_per_10000_inhabitants"]
        if count == ":":
            assert rate == ":"
        else:
            assert rate == round(count * 10_000 / office["population"], 1)
        if office["resolved"] == ":":
            assert office["median_days_to_resolution"] == ":"
    shown = [office for office in year["offices"] if office["inquiries"] != ":"]
    assert shown  # one of the two large offices is hidden with the small one, the other is shown
    assert {office["median_days_to_resolution"] for office in shown} <= {10.0, 7.0}


def test_a_median_resting_on_few_resolved_inquiries_is_suppressed_even_when_the_total_is_large() -> None:
    figures = {("stor", YEAR): counts(120, {"helse-og-omsorg": 120}, {10: 4})}
    year = build_report(OFFICES, figures, [YEAR], threshold=4)["by_year"][0]
    assert year["offices"][0]["median_days_to_resolution"] == ":"


def test_a_complementary_suppression_of_the_disclosure_control_carries_to_the_cell_and_its_rate() -> None:
    def hide_stor_total(values: dict, equations: list, threshold: int) -> dict:
        return {("stor", "total", ""): "complementary", ("stor", "resolved", ""): "complementary"}

    figures = {("stor", YEAR): counts(120, {"helse-og-omsorg": 120}, {10: 60})}
    year = build_report(OFFICES, figures, [YEAR], threshold=4, protect=hide_stor_total)["by_year"][0]
    office = year["offices"][0]
    assert office["inquiries"] == ":"
    assert office["inquiries_per_10000_inhabitants"] == ":"
    assert office["median_days_to_resolution"] == ":"


def test_the_equations_link_office_rows_national_columns_groups_and_complaint_outcomes() -> None:
    seen: dict[str, Any] = {}

    def record(values: dict, equations: list, threshold: int) -> dict:
        seen.update(values=values, equations=equations)
        return {}

    figures = {("stor", YEAR): counts(120, {"helse-og-omsorg": 120}), ("liten", YEAR): counts(6, {"barnevern": 6})}
    build_report(OFFICES, figures, [YEAR], threshold=4, protect=record)
    totals = {equation.total for equation in seen["equations"]}
    assert ("stor", "total", "") in totals and (NATIONAL, "total", "") in totals
    assert (NATIONAL, "group", "barnevern") in totals and ("liten", "complaints_decided", "") in totals
    for equation in seen["equations"]:
        assert seen["values"][equation.total] == sum(seen["values"][part] for part in equation.parts)


def test_offices_without_figures_in_a_year_are_left_out_of_that_year_and_the_trend_spans_the_years() -> None:
    figures = {
        ("stor", 2023): counts(100, {"helse-og-omsorg": 100}),
        ("stor", 2024): counts(120, {"helse-og-omsorg": 120}),
        ("liten", 2024): counts(10, {"barnevern": 10}),
    }
    report = build_report(OFFICES, figures, [2023, 2024], threshold=4)
    assert [len(year["offices"]) for year in report["by_year"]] == [1, 2]
    assert report["trend"]["national"]["inquiries"] == [100, 130]
    small = next(office for office in report["trend"]["offices"] if office["slug"] == "liten")
    assert small["inquiries"] == [None, 10]


def test_only_the_offices_handed_in_appear_in_the_report() -> None:
    figures = {("stor", YEAR): counts(100, {"helse-og-omsorg": 100}), ("lukket", YEAR): counts(50, {"bolig": 50})}
    report = build_report(OFFICES, figures, [YEAR], threshold=4)
    assert "lukket" not in repr(report)
    assert report["by_year"][0]["national"]["inquiries"] == 100


@pytest.mark.parametrize(("first", "last"), [(2025, 2025), (2020, 2026), (2024, 2023)])
def test_only_finished_years_can_be_asked_for(first: int, last: int) -> None:
    with pytest.raises(InvalidField):
        require_finished_years(first, last, today=date(2025, 1, 1))


def test_the_year_before_is_finished_on_new_years_day() -> None:
    require_finished_years(2020, 2024, today=date(2025, 1, 1))


@given(st.dictionaries(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=30), max_size=40))
def test_the_median_is_the_annual_report_s(histogram: dict[int, int]) -> None:
    days = sorted(histogram)
    assert median(days, [histogram[d] for d in days]) == _percentile(
        Counter({str(d): n for d, n in histogram.items()}), 0.5
    )


def test_the_threshold_setting_defaults_to_4_and_takes_a_whole_number_from_1() -> None:
    assert Settings.from_environment({}).network_threshold == 4
    assert Settings.from_environment({"OMBUD_NETWORK_THRESHOLD": "9"}).network_threshold == 9


@pytest.mark.parametrize("raw", ["0", "-1", "tre", "4.5", "²"])
def test_a_threshold_that_is_no_whole_number_from_1_is_refused_naming_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError, match="OMBUD_NETWORK_THRESHOLD: må være et heltall fra og med 1"):
        Settings.from_environment({"OMBUD_NETWORK_THRESHOLD": raw})


@pytest.mark.parametrize("value", [0, 5, 1234, 1234567, 3.5, 1234.5, 12.0, 0.1, 98.7])
def test_the_network_page_writes_numbers_as_babel_does_in_bokmal(value: float) -> None:
    from babel.numbers import format_decimal
    from markupsafe import Markup

    from web.network import shown_cell

    assert shown_cell(value, Markup(":")) == format_decimal(value, locale="nb")
