"""The service layer asks the one table of roles before any command runs, whatever route or command line sent it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from domain.common import ROLES, Context
from services.case_commands import (
    ALLOWED_ROLES,
    AddNote,
    Assign,
    AttachFile,
    CaseCommand,
    DecideComplaint,
    EraseInquiry,
    Forward,
    HoldMeeting,
    MapNationalGroups,
    NotAllowed,
    Recategorise,
    ReceiveInquiry,
    RecordArchiveReceipt,
    RecordLetterSent,
    Reopen,
    Resolve,
    SendComplaint,
    SendInterimReply,
    SetPrivacyStatement,
    require_role,
)
from services.office import HANDLERS, Office, Receipt
from services.platform import Platform
from tests import factories
from web.errors import SUMMARIES, error_pages

LATER = date(2024, 3, 5)

# Each command as a test sends it to an inquiry received on RECEIVED_ON, with what must have happened before it.
Prepare = Callable[[Office, str], None]
SAMPLES: dict[type[Any], tuple[Callable[[str], Any], Prepare | None]] = {
    ReceiveInquiry: (lambda _: factories.receive_command(received_on=LATER), None),
    Assign: (lambda r: Assign(inquiry=r, on=LATER, assignee="Testperson Saksbehandler"), None),
    Recategorise: (lambda r: Recategorise(inquiry=r, on=LATER, service_area="helse", case_types=("no_reply",)), None),
    SendInterimReply: (lambda r: SendInterimReply(inquiry=r, on=LATER), None),
    Forward: (lambda r: Forward(inquiry=r, on=LATER, to_body="nav", reason="Hører under NAV"), None),
    HoldMeeting: (lambda r: HoldMeeting(inquiry=r, on=LATER, participants=("ombud",)), None),
    SendComplaint: (lambda r: SendComplaint(inquiry=r, on=LATER, to="county_governor", about="Vedtaket"), None),
    DecideComplaint: (
        lambda r: DecideComplaint(inquiry=r, on=LATER, outcome="upheld"),
        lambda o, r: o.handle(_caseworker(), SendComplaint(inquiry=r, on=LATER, to="county_governor", about="Vedtak")),
    ),
    AddNote: (lambda r: AddNote(inquiry=r, on=LATER, text="Ringte tilbake"), None),
    Resolve: (lambda r: Resolve(inquiry=r, on=LATER, outcome="assisted"), None),
    Reopen: (
        lambda r: Reopen(inquiry=r, on=LATER, reason="Ny opplysning"),
        lambda o, r: o.handle(_caseworker(), Resolve(inquiry=r, on=LATER, outcome="assisted")),
    ),
    EraseInquiry: (lambda r: EraseInquiry(r, LATER, "krav fra innbygger", outcome="withdrawn"), None),
    MapNationalGroups: (lambda _: MapNationalGroups(version=1, groups={"helse": "annet"}, on=LATER), None),
    SetPrivacyStatement: (lambda _: SetPrivacyStatement(text="Kontorets egen erklæring.", on=LATER), None),
    RecordArchiveReceipt: (lambda r: RecordArchiveReceipt(r, LATER, "2026/1"), None),
    AttachFile: (
        lambda r: AttachFile(inquiry=r, filename="brev.txt", data=b"Fiktivt brev\n", max_bytes=100, per_inquiry=2),
        None,
    ),
    RecordLetterSent: (lambda r: RecordLetterSent(r, LATER, "receipt", b"%PDF-1.7 fiktivt brev"), None),
}
REFUSED = [(command, role) for command, allowed in ALLOWED_ROLES.items() for role in ROLES if role not in allowed]
ALLOWED = [(command, role) for command, allowed in ALLOWED_ROLES.items() for role in allowed]


def _caseworker() -> Context:
    return factories.acting("caseworker")


@pytest.fixture
def office(platform: Platform) -> Office:
    return platform.create_tenant(factories.acting("platform_admin"), slug="testby", name="Testby kommune")


def prepared(office: Office, command: type[Any]) -> Any:
    """The sample command, against an inquiry in the state it needs."""
    sample, prepare = SAMPLES[command]
    reference = factories.receive(office, _caseworker()).reference
    if prepare is not None:
        prepare(office, reference)
    return sample(reference)


def _name(case: tuple[type[Any], str]) -> str:
    return f"{case[0].__name__}-{case[1]}"


def test_the_table_names_every_command_once_and_each_has_one_handler() -> None:
    commands = {
        ReceiveInquiry,
        AttachFile,
        EraseInquiry,
        MapNationalGroups,
        SetPrivacyStatement,
        RecordArchiveReceipt,
        RecordLetterSent,
        *CaseCommand.__subclasses__(),
    }
    assert set(ALLOWED_ROLES) == commands
    assert set(HANDLERS) == commands
    assert set(SAMPLES) == commands
    assert all(set(roles) <= set(ROLES) for roles in ALLOWED_ROLES.values())


def test_auditors_only_read_and_citizens_only_send_an_inquiry_with_its_files() -> None:
    assert not [command for command, roles in ALLOWED_ROLES.items() if "auditor" in roles]
    assert [command for command, roles in ALLOWED_ROLES.items() if "citizen" in roles] == [ReceiveInquiry, AttachFile]


@pytest.mark.parametrize(("command", "role"), REFUSED, ids=[_name(c) for c in REFUSED])
def test_a_role_the_table_leaves_out_is_refused_before_anything_is_written(
    office: Office, command: type[Any], role: str
) -> None:
    sent = prepared(office, command)
    written = office.app.recorder.max_notification_id()
    profile = office.profile()

    with pytest.raises(NotAllowed) as refused:
        office.handle(factories.acting(role), sent)

    assert (refused.value.role, refused.value.command) == (role, command)
    assert office.app.recorder.max_notification_id() == written
    assert office.profile() == profile


@pytest.mark.parametrize(("command", "role"), ALLOWED, ids=[_name(c) for c in ALLOWED])
def test_a_role_the_table_names_runs_the_command(office: Office, command: type[Any], role: str) -> None:
    sent = prepared(office, command)
    written = office.app.recorder.max_notification_id()

    answer = office.handle(factories.acting(role), sent)

    assert office.app.recorder.max_notification_id() > written
    if isinstance(sent, ReceiveInquiry):
        assert isinstance(answer, Receipt)
        assert office.inquiry(answer.reference).received_on == LATER
    elif isinstance(sent, CaseCommand):
        assert answer == office.inquiry(sent.inquiry).version
        assert office.history(sent.inquiry)[-1].actor_role == role
    elif isinstance(sent, EraseInquiry):
        assert office.erased_on(sent.inquiry) == LATER
    elif isinstance(sent, AttachFile):
        assert [str(a.id) for a in office.inquiry(sent.inquiry).attachments] == [str(answer)]
        assert office.history(sent.inquiry)[-1].actor_role == role
    elif isinstance(sent, RecordLetterSent):
        assert answer == hashlib.sha256(sent.document).hexdigest() == office.history(sent.inquiry)[-1].details["sha256"]
        assert office.sent_letter(sent.inquiry, answer) == sent.document
    elif isinstance(sent, SetPrivacyStatement):
        assert office.profile().privacy_statement == "Kontorets egen erklæring."
    elif isinstance(sent, RecordArchiveReceipt):
        assert office.history(sent.inquiry)[-1].details == {"case_number": "2026/1"}
    else:
        assert office.profile().national_groups[1]["helse"] == "annet"


def test_the_check_needs_no_office_and_refuses_a_command_missing_from_the_table() -> None:
    class Unlisted:
        pass

    require_role(factories.acting("tenant_admin"), MapNationalGroups(version=1, groups={}, on=LATER))
    with pytest.raises(NotAllowed):
        require_role(factories.acting("tenant_admin"), Unlisted())


def test_the_web_answers_a_refused_command_with_403_in_norwegian() -> None:
    @get("/")
    async def forgot_its_guard() -> None:
        raise NotAllowed("auditor", SendInterimReply)

    app = Litestar([forgot_its_guard], exception_handlers=error_pages())
    with TestClient(app) as client:
        answer = client.get("/", headers={"Accept": "application/json"})

    assert answer.status_code == 403
    assert answer.json()["detail"] == SUMMARIES[403] == "Du har ikke tilgang til dette."
