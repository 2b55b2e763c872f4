"""Random histories on the real event store: the replay at version v is what a twin inquiry given only the first v
commands holds now, each step's changes are exactly what differs between the twin's states, and a moment between two
recorded events shows the earlier one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.common import Context
from domain.inquiry import ERASED, PERSONAL_FIELDS, Inquiry
from domain.replay import STATE_FIELDS, NotYetRecorded
from services.case_commands import Forward, Recategorise
from services.office import EraseInquiry, InquiryView, Office
from services.platform import Platform
from services.replay import replay
from services.retention import LiftLegalHold, PlaceLegalHold, Retention
from tests import factories
from tests.integration.test_statistics_properties import AREAS, CASE_TYPES, TODAY, Story, stories, take_step

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PERSONAL = PERSONAL_FIELDS[Inquiry.Received]
Command = Callable[[Office, Context, str], Any]


@dataclass(frozen=True)
class Case:
    """The inquiry as received, and every later command in order."""

    story: Story
    requester_name: str | None
    commands: tuple[Command, ...]

    @property
    def erased(self) -> bool:
        return bool(self.commands) and getattr(self.commands[-1], "erases", False)


def _erase(office: Office, ctx: Context, reference: str) -> None:
    office.handle(factories.as_admin(ctx), EraseInquiry(reference, TODAY, "krav fra innbygger", outcome="withdrawn"))


_erase.erases = True  # type: ignore[attr-defined]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """The statistics test's stories (assign, interim reply, forward, meeting, complaint and decision, note, resolve,
    reopen), with a recategorisation at receipt, a legal hold placed and lifted, and an erasure at the end mixed in."""
    story = draw(stories())
    commands: list[Command] = [lambda o, c, r, s=s: take_step(o, c, r, s) for s in story.steps]
    if draw(st.booleans()):
        area, types = draw(st.sampled_from(AREAS)), draw(st.lists(st.sampled_from(CASE_TYPES), max_size=2))
        commands.insert(
            0,
            lambda o, c, r: o.handle(
                c,
                Recategorise(
                    inquiry=r, on=story.received_on, service_area=area, case_types=types, outside_mandate=True
                ),
            ),
        )
    last_day = story.steps[-1].on if story.steps else story.received_on
    if draw(st.booleans()):
        commands.append(lambda o, c, r: Retention(o).place_hold(c, PlaceLegalHold(r, last_day, "tvist")))
        if draw(st.booleans()):
            commands.append(lambda o, c, r: Retention(o).lift_hold(c, LiftLegalHold(r, last_day)))
    if draw(st.booleans()):
        commands.append(_erase)  # erasure on request goes ahead whether or not a hold is in place
    name = draw(st.sampled_from([None, "Fiktiv Prøvesen"]))
    return Case(story, name, tuple(commands))


def receive(office: Office, ctx: Context, case: Case) -> str:
    personal = {"requester_name": case.requester_name, "contact": "fiktiv.provesen@example.invalid"}
    return case.story.receive(office, ctx, summary="Fiktiv Prøvesen spør om tjenesten", **personal)


def comparable(view: InquiryView, *, erased_now: bool) -> dict[str, Any]:
    """The fields that must agree; personal fields as the replay shows them, i.e. erased if the inquiry is now."""
    state = {field: getattr(view, field) for field in STATE_FIELDS}
    if erased_now:
        state |= {field: ERASED for field in PERSONAL if state[field] is not None}
    return state


@pytest.fixture
def office(platform: Platform, admin: Context, new_slug: Callable[[], str]) -> Office:
    return platform.create_tenant(admin, slug=new_slug(), name="Prøveby kommune")


@pytest.fixture
def other_office(platform: Platform, admin: Context, new_slug: Callable[[], str]) -> Office:
    return platform.create_tenant(admin, slug=new_slug(), name="Annenby kommune")


def test_the_state_replayed_at_each_version_is_what_a_twin_given_that_many_commands_holds(
    office: Office, other_office: Office, caseworker: Context
) -> None:
    @PROPERTY
    @given(cases())
    def check(case: Case) -> None:
        original = receive(office, caseworker, case)
        for command in case.commands:
            command(office, caseworker, original)
        history = replay(office, original)
        assert history.reference == original

        twin = receive(other_office, caseworker, case)  # another tenant: nothing of the original can reach it
        previous: dict[str, Any] | None = None
        reached = 0
        for command in (None, *case.commands):  # one event a command; erasing an open inquiry resolves it too
            if command is not None:
                command(other_office, caseworker, twin)
            now = comparable(other_office.inquiry(twin), erased_now=case.erased)
            version = other_office.inquiry(twin).version
            step = history.at_version(version, field="at")
            assert step.version == version == step.state.version
            assert step.fields() == now
            erasing = getattr(command, "erases", False)
            role = "tenant_admin" if erasing else caseworker.role  # erasure is the administrator's (ALLOWED_ROLES)
            for each in history.steps[reached:version]:
                assert (each.entry.actor_id, each.entry.actor_role) == (caseworker.user_id, role)
            if version == reached + 1:
                before = previous or {}
                assert {c.field for c in step.changes} == {f for f in STATE_FIELDS if differs(before.get(f), now[f])}
                assert all(c.after == now[c.field] and c.before == before.get(c.field) for c in step.changes)
            else:  # the erasure of an open inquiry: resolved, then erased, in one save
                assert erasing and [s.entry.event for s in history.steps[reached:version]] == ["Resolved", "Erased"]
            previous, reached = now, version
        assert history.latest == reached

    check()


def differs(before: Any, after: Any) -> bool:
    """Nothing (before receipt), an empty list and empty text are alike: going from one to another is no change."""
    return (None if before in ("", []) else before) != (None if after in ("", []) else after)


def test_a_moment_between_two_recorded_events_shows_the_earlier_one(office: Office, caseworker: Context) -> None:
    @PROPERTY
    @given(cases(), st.data())
    def check(case: Case, data: st.DataObject) -> None:
        reference = receive(office, caseworker, case)
        for command in case.commands:
            command(office, caseworker, reference)
        history = replay(office, reference)
        recorded = [step.recorded_at for step in history.steps]
        assert recorded == sorted(recorded)
        version = data.draw(st.integers(1, history.latest))
        start = recorded[version - 1]
        end = recorded[version] if version < history.latest else start + timedelta(days=30)
        if end > start:  # a whole number of microseconds short of the next event (a float fraction may round up to it)
            gap = (end - start) // timedelta(microseconds=1)
            share = data.draw(st.integers(0, 999_999))  # bounds fixed in advance: hypothesis replays draws exactly
            moment = start + timedelta(microseconds=gap * share // 1_000_000)
            assert history.at(moment, field="at").version == version
        assert history.at(start, field="at").version == version
        with pytest.raises(NotYetRecorded):
            history.at(recorded[0] - timedelta(microseconds=1), field="at")

    check()


def test_replayed_states_do_not_share_lists_with_later_ones(office: Office, caseworker: Context) -> None:
    """A later forward appends to the aggregate's list: the earlier state must keep its own copy."""
    story = Story(TODAY - timedelta(days=3), "phone", "user", AREAS[0], (), (), False, ())
    case = Case(story, None, ())
    reference = receive(office, caseworker, case)
    for body in ("nav", "county_governor"):
        office.handle(
            caseworker,
            Forward(inquiry=reference, on=case.story.received_on, to_body=body, reason="Gjelder et annet organ"),
        )
    history = replay(office, reference)
    assert [step.state.forwarded for step in history.steps] == [[], ["nav"], ["nav", "county_governor"]]
