"""An office's use cases and the platform that hands them out, on in-memory persistence."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from domain.common import Context, DomainError, InvalidField
from domain.inquiry import Inquiry, InquiryResolved
from domain.taxonomy import SECTOR_AREAS, SECTOR_AREAS_BEFORE_2024_REORGANISATION
from domain.tenant import Tenant, UnknownCaseType
from services.case_commands import (
    AddNote,
    Assign,
    DecideComplaint,
    Forward,
    HoldMeeting,
    NotAllowed,
    Recategorise,
    Reopen,
    Resolve,
    SendComplaint,
    SendInterimReply,
)
from services.key_epochs import InMemoryEpochStore
from services.keys import MasterKeyError, unwrap
from services.office import ConflictError, DuplicateReference, InquiryNotFound, Office, OutreachNotFound
from services.platform import Platform, TenantExists, UnknownTenant
from tests import factories

ON = date(2024, 3, 1)
LATER = date(2024, 3, 5)
METADATA_KEYS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "actor_id",
    "actor_role",
    "on",
    "correlation_id",
}


@pytest.fixture
def office(platform: Platform, ctx: Context) -> Office:
    return platform.create_tenant(ctx, slug="testby", name="Testby kommune", population=12_345)


def receive(office: Office, ctx: Context, **overrides: Any) -> str:
    person = {
        "summary": "Testperson Prøvesen ber om hjelp med søknad om avlastning.",
        "requester_name": "Testperson Prøvesen",
    }
    return factories.receive(office, ctx, **{"received_on": ON, **person, **overrides}).reference


# -- receiving -----------------------------------------------------------------------------


def test_received_inquiries_get_sequential_references_per_year(office: Office, ctx: Context) -> None:
    references = [
        receive(office, ctx, received_on=date(2024, 3, 1)),
        receive(office, ctx, received_on=date(2024, 12, 31)),
        receive(office, ctx, received_on=date(2025, 1, 1)),
        receive(office, ctx, received_on=date(2024, 5, 1)),
        receive(office, ctx, received_on=date(2025, 2, 1)),
    ]

    assert references == ["2024-0001", "2024-0002", "2025-0001", "2024-0003", "2025-0002"]
    assert office.inquiry("2025-0001").received_on == date(2025, 1, 1)


def test_an_explicit_reference_is_kept_and_the_sequence_skips_it(office: Office, ctx: Context) -> None:
    receipt = factories.receive(
        office,
        ctx,
        reference="2024-0001",
        received_on=ON,
        service_area="nav",
        channel="letter",
        requester_role="guardian",
        summary="Importert sak",
    )

    assert receipt.reference == "2024-0001" and receipt.id == Inquiry.id_for("2024-0001")
    assert office.inquiry("2024-0001").channel == "letter"
    assert receive(office, ctx) == "2024-0002"


def test_a_duplicate_reference_is_refused_and_the_first_inquiry_is_untouched(office: Office, ctx: Context) -> None:
    receive(office, ctx, reference="DRM/2023/153", summary="Den første")

    with pytest.raises(DuplicateReference) as raised:
        receive(office, ctx, reference="DRM/2023/153", summary="Den andre")
    assert raised.value.field == "reference"
    assert isinstance(raised.value, ConflictError)
    assert office.inquiry("DRM/2023/153").summary == "Den første"
    assert len(office.history("DRM/2023/153")) == 1


def test_areas_given_by_name_are_stored_as_codes(office: Office, ctx: Context) -> None:
    reference = receive(
        office,
        ctx,
        service_area="Vann, avløp, renovasjon",
        further_areas=["NAV", "plan og bygg", "vann-avlop-renovasjon"],
    )

    view = office.inquiry(reference)
    assert view.primary_area == "vann-avlop-renovasjon"
    assert view.further_areas == ["nav", "plan-og-bygg"]


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"case_types": ["application_help", "horoscope"]}, UnknownCaseType, "case_types"),
        ({"service_area": "Psykiatri"}, InvalidField, "service_area"),
        ({"further_areas": ["Psykiatri"]}, InvalidField, "service_area"),
        ({"channel": "pigeon"}, InvalidField, "channel"),
        ({"summary": ""}, InvalidField, "summary"),
    ],
    ids=["unknown-case-type", "unknown-area", "unknown-further-area", "channel", "empty-summary"],
)
def test_a_refused_inquiry_saves_nothing_and_leaves_no_gap_in_the_numbers(
    office: Office, ctx: Context, overrides: dict[str, Any], error: type[Exception], field: str
) -> None:
    assert receive(office, ctx) == "2024-0001"

    with pytest.raises(error) as raised:
        receive(office, ctx, **overrides)
    assert raised.value.field == field
    with pytest.raises(InquiryNotFound):
        office.inquiry("2024-0002")

    assert receive(office, ctx) == "2024-0002"


def test_a_receipt_names_the_case_by_id_and_reference(office: Office, ctx: Context) -> None:
    receipt = factories.receive(office, ctx, received_on=ON, channel="web", summary="Hjelp")

    assert office.inquiry(str(receipt.id)) == office.inquiry(receipt.reference)
    assert office.inquiry(str(receipt.id).upper()).reference == receipt.reference


# -- changing ------------------------------------------------------------------------------

Change = Callable[[Office, Context, str, dict[str, Any]], int]

# name, the command (with extra keyword arguments such as expected_version), what the view shows afterwards
COMMANDS: list[tuple[str, Change, Callable[[Any], bool]]] = [
    (
        "assign",
        lambda o, c, r, kw: o.handle(c, Assign(inquiry=r, on=LATER, assignee="Testperson Saksbehandler", **kw)),
        lambda v: v.assignee == "Testperson Saksbehandler",
    ),
    (
        "recategorise",
        lambda o, c, r, kw: o.handle(
            c,
            Recategorise(
                inquiry=r, on=LATER, service_area="Barnevern", further_areas=["Helse"], case_types=["no_reply"], **kw
            ),
        ),
        lambda v: (v.primary_area, v.further_areas, v.case_types) == ("barnevern", ["helse"], ["no_reply"]),
    ),
    (
        "interim_reply",
        lambda o, c, r, kw: o.handle(c, SendInterimReply(inquiry=r, on=LATER, **kw)),
        lambda v: v.interim_reply_on == LATER,
    ),
    (
        "forward",
        lambda o, c, r, kw: o.handle(c, Forward(inquiry=r, on=LATER, to_body="nav", reason="Gjelder NAV stat", **kw)),
        lambda v: v.forwarded == ["nav"],
    ),
    (
        "meeting",
        lambda o, c, r, kw: o.handle(c, HoldMeeting(inquiry=r, on=LATER, participants=["ombud"], **kw)),
        lambda v: v.meetings == 1,
    ),
    (
        "complaint",
        lambda o, c, r, kw: o.handle(c, SendComplaint(inquiry=r, on=LATER, to="service_unit", about="Avslag", **kw)),
        lambda v: v.complaints[0]["to"] == "service_unit",
    ),
    (
        "note",
        lambda o, c, r, kw: o.handle(c, AddNote(inquiry=r, on=LATER, text="Notat", **kw)),
        lambda v: v.notes == 1,
    ),
    (
        "resolve",
        lambda o, c, r, kw: o.handle(c, Resolve(inquiry=r, on=LATER, outcome="assisted", **kw)),
        lambda v: v.status == "resolved" and v.outcome == "assisted",
    ),
]


@pytest.mark.parametrize(("command", "shows"), [c[1:] for c in COMMANDS], ids=[c[0] for c in COMMANDS])
def test_each_command_is_saved_and_returns_the_new_version(
    office: Office, ctx: Context, command: Change, shows: Callable[[Any], bool]
) -> None:
    reference = receive(office, ctx)

    assert command(office, ctx, reference, {"expected_version": 1}) == 2

    view = office.inquiry(reference)
    assert view.version == 2
    assert shows(view)


def test_deciding_and_reopening_go_through_the_office(office: Office, ctx: Context) -> None:
    reference = receive(office, ctx)
    office.handle(ctx, SendComplaint(inquiry=reference, on=date(2024, 3, 2), to="county_governor", about="Avslag"))
    office.handle(ctx, DecideComplaint(inquiry=reference, on=date(2024, 3, 3), outcome="upheld"))
    office.handle(ctx, Resolve(inquiry=reference, on=date(2024, 3, 4), outcome="assisted"))

    assert (
        office.handle(ctx, Reopen(inquiry=reference, on=date(2024, 3, 5), reason="Ny opplysning", expected_version=4))
        == 5
    )

    view = office.inquiry(reference)
    assert view.status == "open"
    assert view.complaints == [
        {"sent_on": date(2024, 3, 2), "to": "county_governor", "outcome": "upheld", "decided_on": date(2024, 3, 3)}
    ]


@pytest.mark.parametrize("command", [c[1] for c in COMMANDS], ids=[c[0] for c in COMMANDS])
def test_a_stale_expected_version_is_refused_and_nothing_is_written(
    office: Office, ctx: Context, command: Change
) -> None:
    reference = receive(office, ctx)
    office.handle(ctx, AddNote(inquiry=reference, on=ON, text="En kollega var først", expected_version=1))
    before = office.history(reference)

    with pytest.raises(ConflictError):
        command(office, ctx, reference, {"expected_version": 1})

    assert office.history(reference) == before
    assert office.inquiry(reference).version == 2


def test_a_domain_rule_broken_through_the_office_writes_nothing(office: Office, ctx: Context) -> None:
    reference = receive(office, ctx)
    office.handle(ctx, Resolve(inquiry=reference, on=ON, outcome="assisted"))

    with pytest.raises(InquiryResolved):
        office.handle(ctx, AddNote(inquiry=reference, on=LATER, text="For sent"))
    assert [h.event for h in office.history(reference)] == ["Received", "Resolved"]


# -- reading -------------------------------------------------------------------------------


def test_history_lists_the_events_in_order_with_their_stamp_and_details(office: Office, ctx: Context) -> None:
    other = Context("ombud-1", "tenant_admin", str(uuid.uuid4()))
    reference = receive(office, ctx, further_areas=["nav"], case_types=["complaint_help"])
    office.handle(other, Assign(inquiry=reference, on=date(2024, 3, 2), assignee="Testperson Saksbehandler"))
    office.handle(ctx, Forward(inquiry=reference, on=date(2024, 3, 3), to_body="patient_ombud", reason="Sykehus"))
    office.handle(other, Resolve(inquiry=reference, on=date(2024, 3, 4), outcome="referred"))

    history = office.history(reference)

    assert [(h.version, h.event, h.on) for h in history] == [
        (1, "Received", ON),
        (2, "Assigned", date(2024, 3, 2)),
        (3, "Forwarded", date(2024, 3, 3)),
        (4, "Resolved", date(2024, 3, 4)),
    ]
    assert [(h.actor_id, h.actor_role, h.correlation_id) for h in history] == [
        (ctx.user_id, "caseworker", ctx.correlation_id),
        ("ombud-1", "tenant_admin", other.correlation_id),
        (ctx.user_id, "caseworker", ctx.correlation_id),
        ("ombud-1", "tenant_admin", other.correlation_id),
    ]
    assert all(isinstance(h.recorded_at, datetime) and h.recorded_at.utcoffset() is not None for h in history)
    assert [h.recorded_at for h in history] == sorted(h.recorded_at for h in history)
    assert history[0].details == {
        "reference": "2024-0001",
        "channel": "phone",
        "requester_role": "user",
        "primary_area": "helse",
        "further_areas": ["nav"],
        "case_types": ["complaint_help"],
        "outside_mandate": False,
        "summary": "Testperson Prøvesen ber om hjelp med søknad om avlastning.",
        "requester_name": "Testperson Prøvesen",
        "contact": None,
    }
    assert [h.details for h in history[1:]] == [
        {"assignee": "Testperson Saksbehandler"},
        {"to_body": "patient_ombud", "reason": "Sykehus"},
        {"outcome": "referred"},
    ]
    assert not any(METADATA_KEYS & h.details.keys() for h in history)


def test_the_case_file_is_the_inquiry_and_its_history_from_one_read(office: Office, ctx: Context) -> None:
    reference = receive(office, ctx)
    office.handle(ctx, Assign(inquiry=reference, on=date(2024, 3, 2), assignee="Testperson Saksbehandler"))
    office.handle(ctx, Resolve(inquiry=reference, on=date(2024, 3, 4), outcome="guided"))

    inquiry, history = office.case_file(reference)

    assert inquiry == office.inquiry(reference) and history == office.history(reference)
    assert inquiry.version == 3 and inquiry.status == "resolved" and len(history) == 3


@pytest.mark.parametrize(
    "name",
    ["2024-0099", "ukjent", str(uuid.uuid4()), str(Tenant.id_for())],
    ids=["unused-reference", "word", "random-uuid", "the-tenant-aggregate"],
)
def test_an_unknown_inquiry_is_not_found(office: Office, ctx: Context, name: str) -> None:
    receive(office, ctx)

    with pytest.raises(InquiryNotFound) as raised:
        office.inquiry(name)
    assert raised.value.field == "inquiry"
    with pytest.raises(InquiryNotFound):
        office.handle(ctx, AddNote(inquiry=name, on=LATER, text="Finnes ikke"))
    with pytest.raises(InquiryNotFound):
        office.history(name)
    with pytest.raises(InquiryNotFound):
        office.case_file(name)


def test_a_reference_shaped_like_an_id_is_refused_so_names_stay_unambiguous(office: Office, ctx: Context) -> None:
    with pytest.raises(InvalidField) as raised:
        receive(office, ctx, reference="0123456789abcdef0123456789abcdef")

    assert raised.value.field == "reference"


# -- taxonomy through the office -----------------------------------------------------------


def test_publishing_a_taxonomy_through_the_office_changes_how_later_inquiries_are_classified(
    platform: Platform, ctx: Context
) -> None:
    office = platform.create_tenant(
        ctx, slug="prove-trondheim", name="Prøve-Trondheim", areas=SECTOR_AREAS_BEFORE_2024_REORGANISATION
    )
    mapping = {"helse-omsorg-og-velferd": "helse-og-omsorg", "oppvekst": "oppvekst-og-utdanning"}

    version = office.publish_taxonomy(
        ctx, on=date(2024, 6, 1), effective_from=date(2024, 6, 13), areas=SECTOR_AREAS, mapping=mapping
    )

    assert version == 2
    profile = office.profile()
    assert [(t.version, t.effective_from) for t in profile.taxonomies] == [
        (1, date(2000, 1, 1)),
        (2, date(2024, 6, 13)),
    ]
    assert profile.taxonomies[1].areas == SECTOR_AREAS
    before = receive(office, ctx, received_on=date(2024, 6, 12), service_area="Helse, omsorg og velferd")
    assert office.inquiry(before).primary_area == "helse-omsorg-og-velferd"
    after = receive(office, ctx, received_on=date(2024, 6, 13), service_area="Sosiale tjenester")
    assert office.inquiry(after).primary_area == "sosiale-tjenester"
    with pytest.raises(InvalidField) as raised:
        receive(office, ctx, received_on=date(2024, 6, 13), service_area="Helse, omsorg og velferd")
    assert raised.value.field == "service_area"


def test_a_refused_taxonomy_is_not_published(office: Office, ctx: Context) -> None:
    with pytest.raises(InvalidField) as raised:
        office.publish_taxonomy(
            ctx, on=date(2024, 6, 1), effective_from=date(2024, 6, 13), areas=SECTOR_AREAS, mapping={}
        )
    assert raised.value.field == "mapping"

    assert [t.version for t in office.profile().taxonomies] == [1]


# -- platform ------------------------------------------------------------------------------


def test_a_new_tenant_has_its_profile_and_is_listed(platform: Platform, ctx: Context, office: Office) -> None:
    assert platform.office("testby") is office
    [profile] = platform.tenants()
    assert (profile.slug, profile.name, profile.population, profile.shares_statistics) == (
        "testby",
        "Testby kommune",
        12_345,
        True,
    )
    assert [t.version for t in profile.taxonomies] == [1]
    assert ("application_help", "Bistand til søknad") in profile.case_types


def test_an_unknown_tenant_is_refused(platform: Platform, office: Office) -> None:
    with pytest.raises(UnknownTenant) as raised:
        platform.office("unknown")
    assert raised.value.field == "tenant"


def test_a_taken_slug_is_refused_and_the_first_tenant_is_untouched(
    platform: Platform, ctx: Context, office: Office
) -> None:
    receive(office, ctx)

    with pytest.raises(TenantExists) as raised:
        platform.create_tenant(ctx, slug="testby", name="Falsk Testby")
    assert raised.value.field == "slug"

    assert platform.office("testby") is office
    assert office.profile().name == "Testby kommune"
    assert office.inquiry("2024-0001").requester_name == "Testperson Prøvesen"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"slug": "Testby"}, "slug"), ({"template": "fylke"}, "template"), ({"population": -1}, "population")],
    ids=["bad-slug", "unknown-template", "negative-population"],
)
def test_a_refused_tenant_is_not_listed(
    platform: Platform, ctx: Context, overrides: dict[str, Any], field: str
) -> None:
    fields: dict[str, Any] = {"slug": "testby", "name": "Testby kommune"}
    fields.update(overrides)

    with pytest.raises(DomainError) as raised:
        platform.create_tenant(ctx, **fields)
    assert raised.value.field == field

    assert platform.tenants() == []
    with pytest.raises(UnknownTenant):
        platform.office(fields["slug"])


def test_tenants_do_not_see_each_other_s_inquiries(platform: Platform, ctx: Context, office: Office) -> None:
    other = platform.create_tenant(ctx, slug="provik", name="Prøvik kommune")
    receive(office, ctx, reference="TESTBY-1")

    assert receive(other, ctx) == "2024-0001"
    assert receive(office, ctx) == "2024-0001"
    with pytest.raises(InquiryNotFound):
        other.inquiry("TESTBY-1")
    with pytest.raises(InquiryNotFound):
        other.inquiry(str(Inquiry.id_for("TESTBY-1")))
    assert office.app is not other.app and office.app.name != other.app.name


def test_a_tenant_key_opens_only_with_its_own_master_key_and_its_own_slug(
    ctx: Context, platform: Platform, directory: Any, master_key: bytes
) -> None:
    platform.create_tenant(ctx, slug="testby", name="Testby kommune")
    platform.create_tenant(ctx, slug="provik", name="Prøvik kommune")
    wrapped = directory.keys["testby"]

    assert len(unwrap(master_key, wrapped, "testby")) == 44  # 32 bytes, base64
    assert unwrap(master_key, wrapped, "testby") != unwrap(master_key, directory.keys["provik"], "provik")
    with pytest.raises(MasterKeyError):
        unwrap(os.urandom(32), wrapped, "testby")
    with pytest.raises(MasterKeyError):
        unwrap(master_key, wrapped, "provik")
    with pytest.raises(MasterKeyError):
        Platform(directory, os.urandom(32), epochs=InMemoryEpochStore()).office("testby")


def test_an_outreach_activity_is_corrected_and_withdrawn_by_case_workers_only_and_in_its_own_office(
    platform: Platform, office: Office, ctx: Context
) -> None:
    fields: dict[str, Any] = {"held_on": ON, "kind": "talk", "title": "Foredrag", "audience": "Alle"}
    activity = office.register_outreach(ctx, **fields, participants=12)
    other = platform.create_tenant(ctx, slug="proveby", name="Prøveby kommune")
    auditor = Context("revisor-1", "auditor", str(uuid.uuid4()))
    inquiry = factories.receive(office, ctx)
    before = office.app.recorder.max_notification_id()
    with pytest.raises(NotAllowed):
        office.withdraw_outreach(auditor, activity)
    with pytest.raises(NotAllowed):
        office.correct_outreach(auditor, activity, **fields)
    for missing in (activity, Inquiry.id_for(inquiry.reference), uuid.uuid4()):
        with pytest.raises(OutreachNotFound):
            (other if missing == activity else office).withdraw_outreach(ctx, missing)
    assert office.app.recorder.max_notification_id() == before
    office.correct_outreach(ctx, activity, **{**fields, "participants": 1200})
    assert office.outreach_activity(activity).participants == 1200
    office.withdraw_outreach(ctx, activity)
    with pytest.raises(OutreachNotFound):
        office.outreach_activity(activity)
