"""The replay's rules: which version stood at a moment, what a typed day or minute means, and what a step changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import parsing
from domain.common import InvalidField
from domain.inquiry import ERASED
from domain.replay import (
    STATE_FIELDS,
    Change,
    NotYetReceived,
    NotYetRecorded,
    changes,
    last_instant,
    require_version,
    shown,
    version_at,
    version_on,
)
from tests.unit.helpers import parsed_unless_refused

START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@given(st.lists(st.integers(1, 10_000_000), min_size=1, max_size=12), st.data())
def test_a_moment_between_two_recorded_events_picks_the_earlier_one(gaps: list[int], data: st.DataObject) -> None:
    recorded = [START + timedelta(microseconds=sum(gaps[: i + 1])) for i in range(len(gaps))]
    version = data.draw(st.integers(1, len(recorded)))
    after = recorded[version] if version < len(recorded) else recorded[-1] + timedelta(days=365)
    moment = data.draw(st.datetimes(recorded[version - 1].replace(tzinfo=None), after.replace(tzinfo=None)))
    moment = moment.replace(tzinfo=UTC)
    if moment < after:
        assert version_at(recorded, moment, "at") == version
    assert version_at(recorded, recorded[version - 1], "at") == version  # recorded at the moment itself: it stood


def test_before_the_first_event_there_is_nothing_to_show() -> None:
    with pytest.raises(NotYetRecorded) as refused:
        version_at([START, START + timedelta(hours=1)], START - timedelta(microseconds=1), "--at")
    assert refused.value.field == "--at" and "ikke registrert ennå" in refused.value.message


def test_a_bare_day_lasts_until_the_end_of_that_day_in_norway() -> None:
    end = last_instant(date(2024, 7, 1))
    assert end.astimezone(UTC) == datetime(2024, 7, 1, 21, 59, 59, 999_999, tzinfo=UTC)  # summer time: UTC+2
    recorded = [datetime(2024, 7, 1, 21, 59, 59, tzinfo=UTC), datetime(2024, 7, 1, 22, 0, tzinfo=UTC)]
    assert version_at(recorded, end, "at") == 1


def test_a_typed_minute_takes_in_what_was_recorded_within_it() -> None:
    end = last_instant(date(2024, 1, 15), time(10, 30))
    assert end.astimezone(UTC) == datetime(2024, 1, 15, 9, 30, 59, 999_999, tzinfo=UTC)  # winter time: UTC+1
    recorded = [datetime(2024, 1, 15, 9, 30, 42, tzinfo=UTC), datetime(2024, 1, 15, 9, 31, tzinfo=UTC)]
    assert version_at(recorded, end, "at") == 1


@pytest.mark.parametrize("version", [0, 4, -1, True])
def test_a_version_outside_the_history_names_the_field(version: int) -> None:
    with pytest.raises(InvalidField) as refused:
        require_version(version, 3, "versjon")
    assert refused.value.field == "versjon" and "1 til 3" in refused.value.message


def test_the_first_step_lists_what_it_set_and_later_steps_only_what_they_changed() -> None:
    received = {"status": "open", "assignee": None, "further_areas": [], "meetings": 0, "summary": "x"}
    assert changes(None, received) == [
        Change("status", None, "open"),
        Change("summary", None, "x"),
        Change("meetings", None, 0),
    ]  # in the case page's order
    assigned = {**received, "assignee": "Testperson"}
    assert changes(received, assigned) == [Change("assignee", None, "Testperson")]
    assert changes(assigned, assigned) == []
    assert [c.field for c in changes(None, dict.fromkeys(STATE_FIELDS, 1))] == list(STATE_FIELDS)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3", 3),
        (" 12 ", 12),
        ("2024-03-01", (date(2024, 3, 1), None)),
        ("01.03.2024", (date(2024, 3, 1), None)),
        ("2024-03-01T09:05", (date(2024, 3, 1), time(9, 5))),
        ("2024-03-01T9.05", (date(2024, 3, 1), time(9, 5))),
    ],
)
def test_replay_is_to_a_version_a_day_or_a_minute(typed: str, expected: object) -> None:
    assert parsing.version_or_moment("at", typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["0", "٣", "²", "\x00", "", "2024-13-01", "2024-02-30", "2024-03-01T", "2024-03-01T24:00", "2024-03-01T10:60",
     "T10:00", "2024-03-01 10:00", "1" + "0" * 30, "-1", "3.5"],
)  # fmt: skip
def test_anything_else_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidField) as refused:
        parsing.version_or_moment("at", typed)
    assert refused.value.field == "at"
    assert len(typed.strip()) < 2 or typed.strip() not in refused.value.message  # the value is never repeated


@given(st.text(max_size=30))
def test_any_text_is_a_version_a_moment_or_refused(typed: str) -> None:
    parsed = parsed_unless_refused(parsing.version_or_moment, "at", typed)
    assert parsed is None or (isinstance(parsed, int) and parsed >= 1) or isinstance(parsed[0], date)


def test_a_clock_is_hours_and_minutes() -> None:
    assert parsing.clock("tidspunkt", "07:45") == time(7, 45)
    assert parsing.optional_clock("tidspunkt", " ") is None
    for typed in ("7", "07:5", "25:00", "12:60", "١٢:٠٠", "12:00:00"):
        with pytest.raises(InvalidField):
            parsing.clock("tidspunkt", typed)


def test_values_read_as_a_person_reads_them() -> None:
    names = {"helse": "Helse", "county_governor": "Statsforvalteren", "upheld": "Medhold", "ombud": "Ombudet"}
    assert shown("status", None, names) == "–" and shown("status", "resolved", names) == "Avsluttet"
    assert shown("further_areas", ["helse", "skole"], names) == "Helse, skole"
    assert shown("assignee", "ombud", names) == "ombud"  # typed by staff, never taken for a code
    people = {"kari@eksempel.invalid": "Kari Testesen"}
    assert shown("assignee", "kari@eksempel.invalid", names, people) == "Kari Testesen"  # by name, as on every page
    assert shown("assignee", "ukjent@eksempel.invalid", names, people) == "ukjent@eksempel.invalid"
    assert shown("channel", "kari@eksempel.invalid", names, people) == "kari@eksempel.invalid"
    assert shown("received_on", date(2024, 3, 1), names) == "01.03.2024"
    assert shown("outside_mandate", False, names) == "nei" and shown("meetings", 0, names) == "0"
    pending = {"to": "county_governor", "sent_on": date(2024, 3, 1), "outcome": None, "decided_on": None}
    decided = pending | {"outcome": "upheld", "decided_on": date(2024, 4, 2)}
    assert shown("complaints", [decided, pending], names) == (
        "til Statsforvalteren, sendt 01.03.2024, medhold 02.04.2024; "
        "til Statsforvalteren, sendt 01.03.2024, venter på avgjørelse"
    )
    assert shown("requester_name", ERASED, names) == ERASED and shown("contact", None, names) == "–"


def test_by_business_date_a_day_shows_the_steps_dated_by_then_and_stops_at_the_first_dated_later() -> None:
    received, assigned, noted, backdated = date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 10), date(2025, 3, 5)
    dates = [received, assigned, noted, backdated]  # a step registered last, dated before the one before it
    assert version_on(dates, received, "dato") == 1
    assert version_on(dates, date(2025, 3, 9), "dato") == 2  # the backdated step shows from the later step's date
    assert version_on(dates, noted, "dato") == 4
    assert version_on(dates, date(2030, 1, 1), "dato") == 4
    with pytest.raises(NotYetReceived) as before:
        version_on(dates, date(2025, 3, 2), "dato")
    assert (before.value.field, before.value.message) == ("dato", "henvendelsen var ikke mottatt ennå på denne datoen")
