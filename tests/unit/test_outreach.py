"""Outreach activities: registered once held, cancelled at most once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.common import Context, DateInFuture, InvalidField, today_in_norway
from domain.outreach import OutreachActivity
from tests.unit.helpers import HELD_ON, assert_made_by, assert_refused_at, register_outreach


def in_two_days() -> date:
    # Two days, not one: the domain's today is Oslo's, which can be a day ahead of the machine's (UTC).
    return date.today() + timedelta(days=2)


def test_registering_an_activity_records_what_when_and_who(ctx: Context) -> None:
    activity = register_outreach(ctx)

    [event] = activity.collect_events()
    assert isinstance(event, OutreachActivity.Registered)
    assert_made_by(event, ctx, HELD_ON)
    assert event.timestamp.utcoffset() is not None
    assert (activity.held_on, activity.kind, activity.title, activity.audience, activity.participants) == (
        HELD_ON,
        "information_meeting",
        "Informasjonsmøte på Testby helsehus",
        "Pårørende",
        25,
    )
    assert activity.cancelled is False


@pytest.mark.parametrize("participants", [None, 0])
def test_the_number_of_participants_may_be_unknown_or_zero(ctx: Context, participants: int | None) -> None:
    assert register_outreach(ctx, participants=participants).participants == participants


def test_an_activity_held_today_in_norway_can_be_registered(ctx: Context) -> None:
    assert register_outreach(ctx, held_on=today_in_norway()).held_on == today_in_norway()


def test_an_activity_cannot_be_registered_before_it_is_held(ctx: Context) -> None:
    with pytest.raises(DateInFuture) as raised:
        register_outreach(ctx, held_on=in_two_days())
    assert raised.value.field == "held_on"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": "2024-04-18"}, "held_on"),
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "Foredrag\x00"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"audience": "  "}, "audience"),
        ({"participants": -1}, "participants"),
        ({"participants": True}, "participants"),
        ({"participants": "25"}, "participants"),
    ],
    ids=[
        "date-as-text",
        "kind",
        "empty-title",
        "nul-in-title",
        "long-title",
        "blank-audience",
        "negative",
        "bool",
        "text",
    ],
)
def test_registering_refuses_an_invalid_value_and_names_the_field(
    ctx: Context, overrides: dict[str, Any], field: str
) -> None:
    assert_refused_at(field, register_outreach, ctx, **overrides)


def test_cancelling_marks_the_activity_cancelled_and_replay_agrees(ctx: Context) -> None:
    activity = register_outreach(ctx)

    activity.cancel(ctx, on=date(2024, 4, 19), reason="Registrert ved en feil")

    assert activity.cancelled is True
    events = activity.collect_events()
    assert isinstance(events[-1], OutreachActivity.Cancelled)
    assert (events[-1].on, events[-1].reason) == (date(2024, 4, 19), "Registrert ved en feil")
    replayed = None
    for event in events:
        replayed = event.mutate(replayed)
    assert replayed is not None and vars(replayed) == vars(activity)


def test_an_activity_cannot_be_cancelled_twice(ctx: Context) -> None:
    activity = register_outreach(ctx)
    activity.cancel(ctx, on=date(2024, 4, 19), reason="Avlyst")

    with pytest.raises(InvalidField):
        activity.cancel(ctx, on=date(2024, 4, 20), reason="Avlyst igjen")
    assert activity.version == 2


@pytest.mark.parametrize("reason", ["", "   ", "Avlyst\x00"])
def test_a_cancellation_needs_a_reason(ctx: Context, reason: str) -> None:
    activity = register_outreach(ctx)

    with pytest.raises(InvalidField) as raised:
        activity.cancel(ctx, on=date(2024, 4, 19), reason=reason)
    assert raised.value.field == "reason"
    assert activity.cancelled is False


def test_a_cancellation_refuses_a_business_date_in_the_future(ctx: Context) -> None:
    activity = register_outreach(ctx)

    with pytest.raises(DateInFuture) as raised:
        activity.cancel(ctx, on=in_two_days(), reason="Avlyst")
    assert raised.value.field == "on"


def test_a_correction_records_every_field_as_it_should_read_and_an_unchanged_one_records_nothing(ctx: Context) -> None:
    activity = register_outreach(ctx)
    activity.collect_events()
    fields: dict[str, Any] = {
        "held_on": HELD_ON - timedelta(days=1),
        "kind": "talk",
        "title": "Foredrag for Testby eldreråd",
        "audience": "Eldrerådet",
        "participants": 1200,
    }
    activity.correct(ctx, on=today_in_norway(), **fields)
    [event] = activity.collect_events()
    assert isinstance(event, OutreachActivity.Corrected) and event.actor_id == ctx.user_id
    assert (activity.held_on, activity.kind, activity.title, activity.audience, activity.participants) == tuple(
        fields.values()
    )
    activity.correct(ctx, on=today_in_norway(), **fields)
    assert activity.collect_events() == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": in_two_days()}, "held_on"),
        ({"kind": "party"}, "kind"),
        ({"title": "\x00"}, "title"),
        ({"audience": ""}, "audience"),
        ({"participants": 10_000_001}, "participants"),
        ({"participants": -1}, "participants"),
    ],
)
def test_a_correction_holds_the_rules_of_registering(ctx: Context, overrides: dict[str, Any], field: str) -> None:
    activity = register_outreach(ctx)
    fields = {"held_on": HELD_ON, "kind": "talk", "title": "Foredrag", "audience": "Alle", "participants": 3}
    with pytest.raises(InvalidField) as refused:
        activity.correct(ctx, on=today_in_norway(), **{**fields, **overrides})
    assert refused.value.field == field


def test_a_withdrawn_activity_can_be_neither_corrected_nor_cancelled_nor_withdrawn_again(ctx: Context) -> None:
    activity = register_outreach(ctx)
    activity.withdraw(ctx, on=today_in_norway())
    assert activity.withdrawn and isinstance(activity.collect_events()[-1], OutreachActivity.Withdrawn)
    for attempt in (
        lambda: activity.withdraw(ctx, on=today_in_norway()),
        lambda: activity.cancel(ctx, on=today_in_norway(), reason="Avlyst"),
        lambda: activity.correct(
            ctx, on=today_in_norway(), held_on=HELD_ON, kind="talk", title="Foredrag", audience="Alle"
        ),
    ):
        with pytest.raises(InvalidField, match="slettet"):
            attempt()
