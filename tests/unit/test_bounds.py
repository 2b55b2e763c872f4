"""Every number and date the domain accepts fits what the read side stores: edges pass, one past is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from domain.common import (
    FIRST_BUSINESS_DAY,
    LAST_BUSINESS_DAY,
    MAX_INTEGER,
    Context,
    InvalidField,
    OutOfRange,
    require_business_date,
    require_count,
    require_year,
)
from domain.inquiry import MAX_MEETINGS
from domain.outreach import MAX_PARTICIPANTS
from domain.taxonomy import MUNICIPAL_AREAS, ServiceArea
from domain.tenant import MAX_POPULATION
from tests import factories
from tests.unit.helpers import register_outreach, register_tenant

DAY_BEFORE_FIRST = FIRST_BUSINESS_DAY - timedelta(days=1)


def test_the_largest_count_is_what_a_postgresql_integer_holds() -> None:
    assert MAX_INTEGER == 2**31 - 1
    assert require_count("n", MAX_INTEGER) == MAX_INTEGER
    assert require_count("n", 0) == 0
    with pytest.raises(OutOfRange) as raised:
        require_count("n", MAX_INTEGER + 1)
    assert raised.value.field == "n"


def test_a_larger_maximum_than_the_read_side_holds_is_capped_at_it() -> None:
    with pytest.raises(OutOfRange):
        require_count("n", MAX_INTEGER + 1, maximum=10**30)


@pytest.mark.parametrize("value", [-1, True, 1.0, "5", None], ids=["negative", "bool", "float", "text", "none"])
def test_a_count_is_a_whole_number_that_is_not_negative(value: object) -> None:
    with pytest.raises(InvalidField) as raised:
        require_count("antall", value)
    assert raised.value.field == "antall" and "heltall" in raised.value.message


def test_the_refusal_names_the_field_and_the_bound_in_bokmal() -> None:
    with pytest.raises(OutOfRange) as raised:
        require_count("participants", 1_000_001, maximum=1_000_000)
    assert raised.value.field == "participants"
    assert raised.value.message == "kan ikke være større enn 1\u00a0000\u00a0000"


@pytest.mark.parametrize("day", [FIRST_BUSINESS_DAY, LAST_BUSINESS_DAY])
def test_business_dates_at_the_edges_of_the_window_are_accepted(day: date) -> None:
    assert require_business_date("on", day) == day


@pytest.mark.parametrize("day", [DAY_BEFORE_FIRST, LAST_BUSINESS_DAY + timedelta(days=1), date.min, date.max])
def test_a_business_date_outside_the_window_is_refused_naming_the_field(day: date) -> None:
    with pytest.raises(OutOfRange) as raised:
        require_business_date("received_on", day)
    assert raised.value.field == "received_on" and "må ligge mellom 01.01.2000 og 31.12.2100" in raised.value.message


def test_the_statistics_years_are_the_business_dates_years() -> None:
    assert require_year("year", FIRST_BUSINESS_DAY.year) == 2000
    assert require_year("year", LAST_BUSINESS_DAY.year) == 2100
    for year in (1999, 2101, 10**20, True):
        with pytest.raises(OutOfRange):
            require_year("year", year)


def refused_field(register: Callable[..., object], ctx: Context, **fields: object) -> str:
    """The field named by the refusal of registering with these fields."""
    with pytest.raises(OutOfRange) as raised:
        register(ctx, **fields)
    return raised.value.field


# -- outreach ----------------------------------------------------------------------------------


def test_outreach_takes_up_to_its_maximum_of_participants(ctx: Context) -> None:
    assert register_outreach(ctx, participants=MAX_PARTICIPANTS).participants == MAX_PARTICIPANTS


@pytest.mark.parametrize("participants", [MAX_PARTICIPANTS + 1, 10**20], ids=["one-past", "ten-to-the-twentieth"])
def test_outreach_refuses_more_participants_than_its_maximum(ctx: Context, participants: int) -> None:
    assert refused_field(register_outreach, ctx, participants=participants) == "participants"


def test_outreach_before_the_first_business_day_is_refused(ctx: Context) -> None:
    assert register_outreach(ctx, held_on=FIRST_BUSINESS_DAY).held_on == FIRST_BUSINESS_DAY
    assert refused_field(register_outreach, ctx, held_on=DAY_BEFORE_FIRST) == "held_on"


# -- tenant ------------------------------------------------------------------------------------


def test_a_kommune_may_have_up_to_its_maximum_population(ctx: Context) -> None:
    assert register_tenant(ctx, population=MAX_POPULATION).population == MAX_POPULATION


@pytest.mark.parametrize("population", [MAX_POPULATION + 1, 10**26], ids=["one-past", "ten-to-the-twenty-sixth"])
def test_a_population_past_the_maximum_is_refused_at_registration_and_change(ctx: Context, population: int) -> None:
    assert refused_field(register_tenant, ctx, population=population) == "population"
    tenant = register_tenant(ctx)
    with pytest.raises(OutOfRange):
        tenant.change_profile(ctx, on=date(2024, 2, 1), name="Testby", population=population, shares_statistics=True)


@pytest.mark.parametrize(("field", "day"), [("on", DAY_BEFORE_FIRST), ("taxonomy_from", DAY_BEFORE_FIRST)])
def test_a_kommune_registered_on_a_date_outside_the_window_is_refused(ctx: Context, field: str, day: date) -> None:
    assert refused_field(register_tenant, ctx, **{field: day}) == field


def test_a_taxonomy_may_take_effect_on_the_last_business_day_but_not_after(ctx: Context) -> None:
    areas = (ServiceArea("helse", "Helse"),)
    mapping = {a.code: "helse" for a in MUNICIPAL_AREAS if a.code != "helse"}
    tenant = register_tenant(ctx)
    with pytest.raises(OutOfRange) as raised:
        tenant.publish_taxonomy(
            ctx, on=date(2024, 2, 1), effective_from=LAST_BUSINESS_DAY + timedelta(days=1), areas=areas, mapping=mapping
        )
    assert raised.value.field == "effective_from"
    tenant.publish_taxonomy(ctx, on=date(2024, 2, 1), effective_from=LAST_BUSINESS_DAY, areas=areas, mapping=mapping)
    assert tenant.taxonomy_on(LAST_BUSINESS_DAY).version == 2


# -- inquiry -----------------------------------------------------------------------------------


def test_an_inquiry_received_before_the_first_business_day_is_refused(ctx: Context) -> None:
    assert factories.inquiry(ctx, received_on=FIRST_BUSINESS_DAY).received_on == FIRST_BUSINESS_DAY
    assert refused_field(factories.inquiry, ctx, received_on=DAY_BEFORE_FIRST) == "received_on"


def test_an_inquiry_holds_up_to_its_maximum_of_meetings_and_not_one_more(ctx: Context) -> None:
    inquiry = factories.inquiry(ctx)
    for _ in range(MAX_MEETINGS):
        inquiry.hold_meeting(ctx, on=date(2024, 3, 2), participants=["ombud"])
    assert inquiry.meetings == MAX_MEETINGS
    with pytest.raises(OutOfRange) as raised:
        inquiry.hold_meeting(ctx, on=date(2024, 3, 2), participants=["ombud"])
    assert raised.value.field == "meetings"
    assert len(inquiry.collect_events()) == 1 + MAX_MEETINGS
