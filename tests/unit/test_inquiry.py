"""The inquiry aggregate: each event from its command, its stamp, its replay, and every broken rule."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

import domain.deadlines
from domain.common import Context, DateInFuture, InvalidField, today_in_norway
from domain.inquiry import (
    DateBeforeEarlierStep,
    Inquiry,
    InquiryResolved,
    NoPendingComplaint,
    NotResolved,
)
from tests import factories
from tests.helpers import INQUIRY_EVENTS
from tests.unit.helpers import assert_made_by, assert_refused_at

RECEIVED_ON = date(2024, 3, 1)
LATER = date(2024, 3, 12)


def in_two_days() -> date:
    # The domain's "today" is Oslo's; late in the evening (UTC) Oslo is already on the next day,
    # so "tomorrow" by the machine clock can still be today there. Two days ahead is future everywhere.
    return date.today() + timedelta(days=2)


def receive(ctx: Context, **overrides: Any) -> Inquiry:
    fields: dict[str, Any] = {
        "received_on": RECEIVED_ON,
        "requester_role": "relative",
        "further_areas": ["nav"],
        "case_types": ["application_help"],
        "summary": "Testperson Prøvesen ber om hjelp med søknad om avlastning.",
        "requester_name": "Testperson Prøvesen",
        "contact": "testperson@example.invalid",
    }
    fields.update(overrides)
    return factories.inquiry(ctx, **fields)


@pytest.fixture
def inquiry(ctx: Context) -> Inquiry:
    """A received inquiry whose Received event is already collected."""
    received = receive(ctx)
    received.collect_events()
    return received


@pytest.fixture
def actor() -> Context:
    """Someone other than the receiver, so a test can see whose stamp an event carries."""
    return Context("leder-1", "tenant_admin", str(uuid.uuid4()))


# -- Context -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_id", "role", "correlation_id", "field"),
    [
        ("", "caseworker", "req-1", "actor"),
        pytest.param(
            "   ",
            "caseworker",
            "req-1",
            "actor",
        ),
        ("rådgiver-1", "superuser", "req-1", "role"),
        ("rådgiver-1", "", "req-1", "role"),
        ("rådgiver-1", "caseworker", "", "correlation_id"),
    ],
    ids=["empty-user", "blank-user", "unknown-role", "empty-role", "empty-correlation"],
)
def test_a_context_refuses_a_missing_actor_or_an_unknown_role(
    user_id: str, role: str, correlation_id: str, field: str
) -> None:
    with pytest.raises(InvalidField) as raised:
        Context(user_id, role, correlation_id)
    assert raised.value.field == field


# -- events from commands ------------------------------------------------------------------


def test_receiving_an_inquiry_records_who_received_it_and_sets_the_starting_state(ctx: Context) -> None:
    inquiry = receive(ctx, requester_name="  ", outside_mandate=True)

    [event] = inquiry.collect_events()
    assert isinstance(event, Inquiry.Received)
    assert_made_by(event, ctx, RECEIVED_ON)
    assert isinstance(event.timestamp, datetime) and event.timestamp.utcoffset() is not None
    assert inquiry.id == Inquiry.id_for("2024-0001")
    assert inquiry.reference == "2024-0001"
    assert inquiry.received_on == RECEIVED_ON
    assert (inquiry.channel, inquiry.requester_role) == ("phone", "relative")
    assert (inquiry.primary_area, inquiry.further_areas, inquiry.case_types) == ("helse", ["nav"], ["application_help"])
    assert inquiry.outside_mandate is True
    assert inquiry.requester_name is None
    assert inquiry.contact == "testperson@example.invalid"
    assert inquiry.assignee is None and inquiry.resolved_on is None and not inquiry.is_resolved
    assert (inquiry.meetings, inquiry.notes, inquiry.forwarded, inquiry.complaints) == (0, 0, [], [])


def _with_complaint(inquiry: Inquiry, ctx: Context) -> None:
    inquiry.send_complaint(ctx, on=RECEIVED_ON, to="county_governor", about="Avslag på avlastning")


def _resolved(inquiry: Inquiry, ctx: Context) -> None:
    inquiry.resolve(ctx, on=RECEIVED_ON, outcome="assisted")


def _nothing(inquiry: Inquiry, ctx: Context) -> None:
    pass


Prepare = Callable[[Inquiry, Context], None]
Command = Callable[[Inquiry, Context, date], None]

# name, what must have happened before, the command, the event it triggers, the state it leaves
EVENTS: list[tuple[str, Prepare, Command, type, Callable[[Inquiry], bool]]] = [
    (
        "assign",
        _nothing,
        lambda i, c, on: i.assign(c, on=on, assignee="Testperson Saksbehandler"),
        Inquiry.Assigned,
        lambda i: i.assignee == "Testperson Saksbehandler",
    ),
    (
        "recategorise",
        _nothing,
        lambda i, c, on: i.recategorise(
            c, on=on, primary_area="nav", further_areas=["barnevern"], case_types=["no_reply"], outside_mandate=True
        ),
        Inquiry.Recategorised,
        lambda i: (
            (i.primary_area, i.further_areas, i.case_types, i.outside_mandate)
            == ("nav", ["barnevern"], ["no_reply"], True)
        ),
    ),
    (
        "interim_reply",
        _nothing,
        lambda i, c, on: i.send_interim_reply(c, on=on),
        Inquiry.InterimReplySent,
        lambda i: i.interim_reply_on == LATER,
    ),
    (
        "forward",
        _nothing,
        lambda i, c, on: i.forward(c, on=on, to_body="patient_ombud", reason="Gjelder spesialisthelsetjenesten"),
        Inquiry.Forwarded,
        lambda i: i.forwarded == ["patient_ombud"],
    ),
    (
        "meeting",
        _nothing,
        lambda i, c, on: i.hold_meeting(c, on=on, participants=["ombud", "requester"]),
        Inquiry.MeetingHeld,
        lambda i: i.meetings == 1,
    ),
    (
        "complaint",
        _nothing,
        lambda i, c, on: i.send_complaint(c, on=on, to="county_governor", about="Avslag på avlastning"),
        Inquiry.ComplaintSent,
        lambda i: (
            i.complaints == [{"sent_on": LATER, "to": "county_governor", "outcome": None, "decided_on": None}]
            and i.pending_complaint is i.complaints[0]
        ),
    ),
    (
        "decision",
        _with_complaint,
        lambda i, c, on: i.decide_complaint(c, on=on, outcome="partly_upheld"),
        Inquiry.ComplaintDecided,
        lambda i: (
            i.complaints[0]["outcome"] == "partly_upheld"
            and i.complaints[0]["decided_on"] == LATER
            and i.pending_complaint is None
        ),
    ),
    (
        "note",
        _nothing,
        lambda i, c, on: i.add_note(c, on=on, text="Ringte Testperson Prøvesen tilbake."),
        Inquiry.NoteAdded,
        lambda i: i.notes == 1,
    ),
    (
        "resolve",
        _nothing,
        lambda i, c, on: i.resolve(c, on=on, outcome="guided"),
        Inquiry.Resolved,
        lambda i: i.is_resolved and i.resolved_on == LATER and i.outcome == "guided",
    ),
    (
        "reopen",
        _resolved,
        lambda i, c, on: i.reopen(c, on=on, reason="Ny opplysning fra Testperson Prøvesen"),
        Inquiry.Reopened,
        lambda i: not i.is_resolved and i.resolved_on is None and i.outcome is None,
    ),
]


@pytest.mark.parametrize(
    ("prepare", "command", "event_class", "state_is_right"), [e[1:] for e in EVENTS], ids=[e[0] for e in EVENTS]
)
def test_each_command_triggers_its_event_stamped_with_actor_date_and_request(
    inquiry: Inquiry,
    ctx: Context,
    actor: Context,
    prepare: Prepare,
    command: Command,
    event_class: type,
    state_is_right: Callable[[Inquiry], bool],
) -> None:
    prepare(inquiry, ctx)
    version = inquiry.version

    command(inquiry, actor, LATER)

    event = inquiry.collect_events()[-1]
    assert type(event) is event_class
    assert event.originator_version == version + 1 == inquiry.version
    assert (event.actor_id, event.actor_role, event.on, event.correlation_id) == (
        "leder-1",
        "tenant_admin",
        LATER,
        actor.correlation_id,
    )
    assert isinstance(event.timestamp, datetime) and event.timestamp.utcoffset() is not None
    assert state_is_right(inquiry)


def test_replaying_every_event_rebuilds_the_same_state(ctx: Context, actor: Context) -> None:
    inquiry = receive(ctx)
    inquiry.assign(ctx, on=date(2024, 3, 2), assignee="Testperson Saksbehandler")
    inquiry.send_interim_reply(ctx, on=date(2024, 3, 3))
    inquiry.recategorise(
        ctx, on=date(2024, 3, 4), primary_area="nav", further_areas=["helse"], case_types=["complaint_help"]
    )
    inquiry.forward(actor, on=date(2024, 3, 5), to_body="county_governor", reason="Klagesak")
    inquiry.hold_meeting(ctx, on=date(2024, 3, 6), participants=["adviser", "service_unit"])
    inquiry.send_complaint(ctx, on=date(2024, 3, 7), to="service_unit", about="Manglende svar")
    inquiry.decide_complaint(actor, on=date(2024, 3, 8), outcome="upheld")
    inquiry.add_note(ctx, on=date(2024, 3, 9), text="Vedtak mottatt.")
    inquiry.resolve(ctx, on=date(2024, 3, 10), outcome="assisted")
    inquiry.reopen(actor, on=date(2024, 3, 11), reason="Testperson Prøvesen ringte igjen")
    inquiry.resolve(ctx, on=date(2024, 3, 12), outcome="referred")
    events = inquiry.collect_events()
    assert {type(e).__name__ for e in events} == set(INQUIRY_EVENTS)

    replayed = None
    for event in events:
        replayed = event.mutate(replayed)

    assert replayed is not None and replayed is not inquiry
    assert vars(replayed) == vars(inquiry)
    assert (replayed.version, replayed.resolved_on, replayed.outcome) == (12, date(2024, 3, 12), "referred")


def test_a_second_interim_reply_keeps_the_date_of_the_first(inquiry: Inquiry, ctx: Context) -> None:
    inquiry.send_interim_reply(ctx, on=date(2024, 3, 3))
    inquiry.send_interim_reply(ctx, on=date(2024, 3, 9))

    assert inquiry.interim_reply_on == date(2024, 3, 3)


def test_a_decision_settles_the_oldest_pending_complaint(inquiry: Inquiry, ctx: Context) -> None:
    inquiry.send_complaint(ctx, on=date(2024, 3, 2), to="service_unit", about="Første klage")
    inquiry.send_complaint(ctx, on=date(2024, 3, 3), to="county_governor", about="Andre klage")

    inquiry.decide_complaint(ctx, on=date(2024, 3, 4), outcome="rejected")

    assert [c["outcome"] for c in inquiry.complaints] == ["rejected", None]
    assert inquiry.pending_complaint is inquiry.complaints[1]


# -- rules: dates and status ---------------------------------------------------------------

# Every command but reopen, with what it needs beforehand.
OPEN_COMMANDS = [(name, prepare, command) for name, prepare, command, _, _ in EVENTS if name != "reopen"]
ALL_COMMANDS = [(name, prepare, command) for name, prepare, command, _, _ in EVENTS]


@pytest.mark.parametrize(("prepare", "command"), [c[1:] for c in OPEN_COMMANDS], ids=[c[0] for c in OPEN_COMMANDS])
def test_a_resolved_inquiry_refuses_every_action_until_reopened(
    inquiry: Inquiry, ctx: Context, prepare: Prepare, command: Command
) -> None:
    prepare(inquiry, ctx)
    inquiry.resolve(ctx, on=date(2024, 3, 2), outcome="assisted")
    version = inquiry.version

    with pytest.raises(InquiryResolved) as raised:
        command(inquiry, ctx, LATER)
    assert raised.value.field is None
    assert inquiry.version == version

    inquiry.reopen(ctx, on=date(2024, 3, 3), reason="Feil avslutning")
    command(inquiry, ctx, LATER)
    assert inquiry.version == version + 2


def test_only_a_resolved_inquiry_can_be_reopened(inquiry: Inquiry, ctx: Context) -> None:
    with pytest.raises(NotResolved) as raised:
        inquiry.reopen(ctx, on=LATER, reason="Testperson Prøvesen ringte igjen")
    assert raised.value.field is None
    assert inquiry.version == 1


@pytest.mark.parametrize(
    ("error", "day"),
    [(DateInFuture, in_two_days), (DateBeforeEarlierStep, lambda: RECEIVED_ON - timedelta(days=1))],
    ids=["in-the-future", "before-it-was-received"],
)
@pytest.mark.parametrize(("prepare", "command"), [c[1:] for c in ALL_COMMANDS], ids=[c[0] for c in ALL_COMMANDS])
def test_every_command_refuses_a_business_date_in_the_future_or_before_the_inquiry_was_received(
    inquiry: Inquiry,
    ctx: Context,
    prepare: Prepare,
    command: Command,
    error: type[InvalidField],
    day: Callable[[], date],
) -> None:
    prepare(inquiry, ctx)

    with pytest.raises(error) as raised:
        command(inquiry, ctx, day())
    assert raised.value.field == "on"


def test_today_in_norway_is_not_in_the_future(ctx: Context) -> None:
    today = today_in_norway()

    inquiry = receive(ctx, received_on=today)
    inquiry.add_note(ctx, on=today, text="Samme dag.")

    assert inquiry.received_on == today and inquiry.notes == 1


def test_tomorrow_in_norway_is_in_the_future(inquiry: Inquiry, ctx: Context) -> None:
    with pytest.raises(DateInFuture):
        inquiry.add_note(ctx, on=today_in_norway() + timedelta(days=1), text="I morgen")


@pytest.mark.parametrize(
    ("utc", "oslo_date"),
    [
        (datetime(2024, 3, 1, 23, 30, tzinfo=UTC), date(2024, 3, 2)),  # CET, UTC+1
        (datetime(2024, 6, 30, 22, 30, tzinfo=UTC), date(2024, 7, 1)),  # CEST, UTC+2
    ],
    ids=["winter", "summer"],
)
def test_business_dates_are_judged_by_the_calendar_in_oslo_not_in_utc(
    monkeypatch: pytest.MonkeyPatch, ctx: Context, utc: datetime, oslo_date: date
) -> None:
    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return utc.astimezone(tz) if tz is not None else utc.replace(tzinfo=None)

    monkeypatch.setattr(domain.deadlines, "datetime", Clock)  # Norway's today lives there

    assert today_in_norway() == oslo_date
    assert receive(ctx, received_on=oslo_date).received_on == oslo_date
    with pytest.raises(DateInFuture):
        receive(ctx, received_on=oslo_date + timedelta(days=1))


def test_an_inquiry_cannot_be_received_in_the_future(ctx: Context) -> None:
    with pytest.raises(DateInFuture) as raised:
        receive(ctx, received_on=in_two_days())
    assert raised.value.field == "received_on"


@pytest.mark.parametrize(
    "received_on",
    [
        "2024-03-01",
        None,
        pytest.param(
            datetime(2024, 3, 1, 12, 0),
        ),
    ],
    ids=["string", "none", "datetime"],
)
def test_a_received_date_that_is_not_a_date_is_refused(ctx: Context, received_on: object) -> None:
    with pytest.raises(InvalidField) as raised:
        receive(ctx, received_on=received_on)
    assert raised.value.field == "received_on"


def test_a_decision_needs_a_pending_complaint(inquiry: Inquiry, ctx: Context) -> None:
    with pytest.raises(NoPendingComplaint):
        inquiry.decide_complaint(ctx, on=LATER, outcome="upheld")

    inquiry.send_complaint(ctx, on=date(2024, 3, 2), to="county_governor", about="Avslag")
    inquiry.decide_complaint(ctx, on=date(2024, 3, 3), outcome="upheld")
    with pytest.raises(NoPendingComplaint) as raised:
        inquiry.decide_complaint(ctx, on=LATER, outcome="rejected")
    assert raised.value.field is None


def test_a_decision_cannot_predate_its_complaint(inquiry: Inquiry, ctx: Context) -> None:
    inquiry.send_complaint(ctx, on=date(2024, 3, 10), to="county_governor", about="Avslag")

    with pytest.raises(DateBeforeEarlierStep) as raised:
        inquiry.decide_complaint(ctx, on=date(2024, 3, 9), outcome="upheld")
    assert raised.value.field == "on"

    inquiry.decide_complaint(ctx, on=date(2024, 3, 10), outcome="upheld")
    assert inquiry.pending_complaint is None


def test_an_inquiry_cannot_be_reopened_before_it_was_resolved(inquiry: Inquiry, ctx: Context) -> None:
    inquiry.resolve(ctx, on=date(2024, 3, 10), outcome="assisted")

    with pytest.raises(DateBeforeEarlierStep) as raised:
        inquiry.reopen(ctx, on=date(2024, 3, 9), reason="For tidlig")
    assert raised.value.field == "on"


# -- rules: input values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (lambda i, c: i.forward(c, on=LATER, to_body="the_king", reason="Feil instans"), "to_body"),
        (lambda i, c: i.resolve(c, on=LATER, outcome="solved"), "outcome"),
        (lambda i, c: i.send_complaint(c, on=LATER, to="the_press", about="Avslag"), "to"),
        (lambda i, c: i.hold_meeting(c, on=LATER, participants=["ombud", "mayor"]), "participants"),
        (lambda i, c: i.recategorise(c, on=LATER, primary_area="nav", outside_mandate="ja"), "outside_mandate"),
        (lambda i, c: i.recategorise(c, on=LATER, primary_area="nav", further_areas="helse"), "further_areas"),
    ],
    ids=[
        "forward-body",
        "resolve-outcome",
        "complaint-recipient",
        "meeting-participant",
        "mandate-flag",
        "areas-not-a-list",
    ],
)
def test_a_command_with_a_value_outside_its_choices_names_the_field(
    inquiry: Inquiry, ctx: Context, command: Callable[[Inquiry, Context], None], field: str
) -> None:
    with pytest.raises(InvalidField) as raised:
        command(inquiry, ctx)
    assert raised.value.field == field
    assert inquiry.version == 1


def test_a_decision_with_an_unknown_outcome_names_the_field(inquiry: Inquiry, ctx: Context) -> None:
    inquiry.send_complaint(ctx, on=LATER, to="county_governor", about="Avslag")

    with pytest.raises(InvalidField) as raised:
        inquiry.decide_complaint(ctx, on=LATER, outcome="maybe")
    assert raised.value.field == "outcome"
    assert inquiry.pending_complaint is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"requester_role": "mayor"}, "requester_role"),
        ({"summary": ""}, "summary"),
        ({"summary": "   \n "}, "summary"),
        ({"summary": "x" * 10_001}, "summary"),
        ({"primary_area": ""}, "primary_area"),
        ({"case_types": [""]}, "case_types"),
        ({"outside_mandate": 1}, "outside_mandate"),
    ],
    ids=[
        "channel",
        "requester-role",
        "empty-summary",
        "blank-summary",
        "long-summary",
        "no-area",
        "blank-case-type",
        "mandate-not-bool",
    ],
)
def test_receiving_refuses_an_invalid_value_and_names_the_field(
    ctx: Context, overrides: dict[str, Any], field: str
) -> None:
    assert_refused_at(field, receive, ctx, **overrides)


@pytest.mark.parametrize(
    ("act", "field"),
    [
        (lambda c: receive(c, summary="Hjelp\x00"), "summary"),
        (lambda c: receive(c, requester_name="Testperson\x00Prøvesen"), "requester_name"),
        (lambda c: receive(c, contact="\x00"), "contact"),
        (lambda c: receive(c).add_note(c, on=LATER, text="Notat\x00"), "text"),
        (lambda c: receive(c).assign(c, on=LATER, assignee="Testperson\x00"), "assignee"),
        (lambda c: receive(c).forward(c, on=LATER, to_body="nav", reason="\x00"), "reason"),
    ],
    ids=["summary", "requester-name", "contact", "note", "assignee", "forward-reason"],
)
def test_text_with_a_nul_character_is_refused(ctx: Context, act: Callable[[Context], None], field: str) -> None:
    with pytest.raises(InvalidField) as raised:
        act(ctx)
    assert raised.value.field == field


@pytest.mark.parametrize("participants", [[], (), [" "]], ids=["empty-list", "empty-tuple", "blank"])
def test_a_meeting_needs_at_least_one_participant(inquiry: Inquiry, ctx: Context, participants: list[str]) -> None:
    with pytest.raises(InvalidField) as raised:
        inquiry.hold_meeting(ctx, on=LATER, participants=participants)
    assert raised.value.field == "participants"
    assert inquiry.meetings == 0


def test_a_meeting_counts_each_participant_role_once(inquiry: Inquiry, ctx: Context) -> None:
    inquiry.hold_meeting(ctx, on=LATER, participants=["ombud", "requester", "ombud"])

    assert inquiry.collect_events()[-1].participants == ["ombud", "requester"]


@pytest.mark.parametrize(
    "reference",
    [
        "",
        "-2024-0001",
        "2024 0001",
        "2024-0001;DROP",
        "x" * 41,
        20240001,
        None,
        pytest.param(
            "2024-0001\n",
        ),
    ],
    ids=["empty", "leading-dash", "space", "semicolon", "too-long", "int", "none", "trailing-newline"],
)
def test_a_badly_formed_reference_is_refused(ctx: Context, reference: object) -> None:
    with pytest.raises(InvalidField) as raised:
        receive(ctx, reference=reference)
    assert raised.value.field == "reference"


@pytest.mark.parametrize("reference", ["2024-0001", "DRM/2023/153", "B-1", "1" * 10 + "-" + "2" * 10])
def test_a_well_formed_reference_names_the_inquiry(ctx: Context, reference: str) -> None:
    assert receive(ctx, reference=reference).id == Inquiry.id_for(reference)


@pytest.mark.parametrize("reference", ["Hjalmar_Zyxwvutsen", "a", "x" * 40])
def test_a_reference_of_words_is_refused_since_it_would_be_kept_for_ever(ctx: Context, reference: str) -> None:
    with pytest.raises(InvalidField, match="saksnummeret må være") as raised:
        receive(ctx, reference=reference)
    assert raised.value.field == "reference"


def test_duplicate_further_areas_collapse_and_the_primary_is_not_repeated(ctx: Context) -> None:
    inquiry = receive(
        ctx,
        primary_area="helse",
        further_areas=["nav", "helse", "barnevern", "nav"],
        case_types=["no_reply", "application_help", "no_reply"],
    )

    assert inquiry.primary_area == "helse"
    assert inquiry.further_areas == ["nav", "barnevern"]
    assert inquiry.case_types == ["no_reply", "application_help"]


def test_recategorising_also_collapses_duplicates_and_drops_the_primary(inquiry: Inquiry, ctx: Context) -> None:
    inquiry.recategorise(
        ctx,
        on=LATER,
        primary_area="nav",
        further_areas=["nav", "helse", "helse"],
        case_types=["illegality", "illegality"],
    )

    assert (inquiry.primary_area, inquiry.further_areas, inquiry.case_types) == ("nav", ["helse"], ["illegality"])


def test_erasing_an_open_inquiry_needs_an_outcome_and_resolves_it_in_the_same_step(
    inquiry: Inquiry, ctx: Context
) -> None:
    inquiry.collect_events()
    for missing in (None, ""):
        with pytest.raises(InvalidField) as refused:
            inquiry.erase(ctx, on=LATER, reason="krav fra innbygger", outcome=missing)
        assert refused.value.field == "outcome"
    with pytest.raises(InvalidField):
        inquiry.erase(ctx, on=LATER, reason="krav fra innbygger", outcome="forgotten")
    with pytest.raises(DateBeforeEarlierStep):
        inquiry.erase(ctx, on=RECEIVED_ON - timedelta(days=1), reason="krav fra innbygger", outcome="withdrawn")
    assert inquiry.collect_events() == [] and not inquiry.is_erased

    inquiry.erase(ctx, on=LATER, reason="krav fra innbygger", outcome="withdrawn")

    assert [type(e) for e in inquiry.collect_events()] == [Inquiry.Resolved, Inquiry.Erased]
    assert (inquiry.resolved_on, inquiry.outcome, inquiry.erased_on) == (LATER, "withdrawn", LATER)


def test_an_inquiry_erased_open_before_the_rule_counts_as_ended_on_its_erasure_in_the_aggregate_and_the_list(
    ctx: Context,
) -> None:
    from projections.inquiries import fold

    inquiry = receive(ctx)
    inquiry.trigger_event(Inquiry.Erased, reason="krav fra innbygger", **ctx.stamp(LATER))  # as stored before
    row = None
    for event in inquiry.collect_events():
        row = fold(row, "t", event)
    assert row is not None and (row["status"], row["resolved_on"], row["outcome"]) == ("resolved", LATER, None)
    assert (inquiry.is_resolved, inquiry.resolved_on, inquiry.outcome) == (True, LATER, None)
