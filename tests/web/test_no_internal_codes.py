"""No page, fragment or export a person reads shows an internal code: every role, channel, outcome … is in Norwegian."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date

import pytest
from docx import Document
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from domain import names
from domain.account import TENANT_ROLES
from domain.common import ROLES, Context
from domain.inquiry import (
    CHANNELS,
    COMPLAINT_OUTCOMES,
    COMPLAINT_RECIPIENTS,
    FORWARD_BODIES,
    MEETING_PARTICIPANTS,
    REQUESTER_ROLES,
    RESOLUTION_OUTCOMES,
)
from domain.outreach import KINDS
from projections.worker import ProjectionWorker
from services.accounts import SetDisplayName
from services.case_commands import (
    Assign,
    DecideComplaint,
    Forward,
    HoldMeeting,
    Resolve,
    SendComplaint,
    SendInterimReply,
)
from services.letters import FILE_NAMES
from services.office import Office
from services.platform import Platform
from tests import factories
from tests.web.helpers import TextRead

TAXONOMY_BASES = ("in_force_at_receipt", "reprojected")  # projections/annual_report.py
ENUMERATIONS = (
    ROLES,
    CHANNELS,
    REQUESTER_ROLES,
    MEETING_PARTICIPANTS,
    FORWARD_BODIES,
    COMPLAINT_RECIPIENTS,
    COMPLAINT_OUTCOMES,
    RESOLUTION_OUTCOMES,
    KINDS,
    TAXONOMY_BASES,
)
# Codes that are bokmål words as they stand, so a reader may meet the word in a sentence: «ombud», «stand»,
# «media», and «nav» (written NAV). Their Norwegian names are checked below instead.
ALSO_BOKMAL = {"ombud", "stand", "media", "nav"}
CODES = sorted({code for codes in ENUMERATIONS for code in codes} - ALSO_BOKMAL)
# A code as a word of its own: not inside a longer word, an address, a path or a file name.
FOUND = re.compile(r"(?<![\w@./-])(" + "|".join(map(re.escape, CODES)) + r")(?![\w@/-])")
YEAR = 2025
CASEWORKER_NAME = "Kari Prøvesen"
PARTICIPANT_CHOICES = set(MEETING_PARTICIPANTS)


def html_text(html: str) -> str:
    parser = TextRead()
    parser.feed(html)
    return "\n".join(parser.found)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value)


def csv_text(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    return "\n".join(";".join(row) for row in rows)


def codes_in(text: str) -> list[str]:
    return sorted({match.group(1) for match in FOUND.finditer(text)})


@pytest.fixture
def seeded(
    platform: Platform, office: Office, other_office: Office, make_account, worker: ProjectionWorker
) -> dict[str, object]:
    """A tenant whose inquiries and outreach use every code once at least, worked by named staff; a second tenant."""
    staff = {role: make_account(role, office.slug) for role in TENANT_ROLES}
    setup = Context("oppsett", "system", str(uuid.uuid4()))
    platform.set_display_name(setup, SetDisplayName(str(staff["caseworker"].id), office.slug, CASEWORKER_NAME))
    ctx = Context(str(staff["caseworker"].id), "caseworker", str(uuid.uuid4()))
    citizen = Context("nettskjema", "citizen", str(uuid.uuid4()))
    references = []
    for number, channel in enumerate(CHANNELS):
        who = citizen if channel == "web" else ctx
        references.append(
            factories.case(
                office,
                who,
                received_on=date(YEAR, 2, 1 + number),
                channel=channel,
                requester_role=REQUESTER_ROLES[number % len(REQUESTER_ROLES)],
                summary="Fiktiv testsak",
                requester_name="Ola Testesen",
            )
        )
    for number, reference in enumerate(references):
        day = date(YEAR, 3, 1 + number)
        for command in (
            Assign(inquiry=reference, on=day, assignee=staff["caseworker"].email),
            SendInterimReply(inquiry=reference, on=day),
            Forward(inquiry=reference, on=day, to_body=FORWARD_BODIES[number % len(FORWARD_BODIES)], reason="Fiktiv"),
            HoldMeeting(inquiry=reference, on=day, participants=MEETING_PARTICIPANTS),
            SendComplaint(
                inquiry=reference, on=day, to=COMPLAINT_RECIPIENTS[number % len(COMPLAINT_RECIPIENTS)], about="Fiktiv"
            ),
            DecideComplaint(inquiry=reference, on=day, outcome=COMPLAINT_OUTCOMES[number % len(COMPLAINT_OUTCOMES)]),
        ):
            office.handle(ctx, command)
        if number < len(RESOLUTION_OUTCOMES):
            office.handle(
                ctx, Resolve(inquiry=reference, on=date(YEAR, 4, 1 + number), outcome=RESOLUTION_OUTCOMES[number])
            )
    for number, kind in enumerate(KINDS):
        office.register_outreach(
            ctx, held_on=date(YEAR, 5, 1 + number), kind=kind, title=f"Fiktiv aktivitet {number}", audience="Testere"
        )
    factories.receive(
        other_office,
        Context("annen", "caseworker", str(uuid.uuid4())),
        received_on=date(YEAR, 2, 1),
        summary="Den andre kommunens sak",
        requester_name="Annen Testesen",
    )
    worker.catch_up(office.slug)
    worker.catch_up(other_office.slug)
    return {"staff": staff, "references": references}


async def _read(client: AsyncTestClient, path: str, **headers: str) -> str | None:
    """The text a person reads at `path`, or None where the role may not go."""
    response = await client.get(path, headers=headers)
    if response.status_code in (403, 404):
        return None
    assert response.status_code == 200, (path, response.status_code)
    kind = response.headers.get("content-type", "")
    if path.endswith(".docx"):
        return docx_text(response.content)
    if path.endswith(".xlsx"):
        return xlsx_text(response.content)
    if path.endswith(".csv"):
        return csv_text(response.text)
    assert "html" in kind, (path, kind)
    return html_text(response.text)


def _paths(slug: str, references: list[str]) -> list[str]:
    first = references[0]
    pages = [
        f"/{slug}/oversikt",
        f"/{slug}/henvendelser",
        f"/{slug}/henvendelser?status=open",
        f"/{slug}/henvendelser/ny",
        f"/{slug}/statistikk",
        f"/{slug}/statistikk?year={YEAR}",
        f"/{slug}/statistikk/arsrapport-{YEAR}.docx",
        f"/{slug}/statistikk/arsrapport-{YEAR}.xlsx",
        f"/{slug}/statistikk/arsrapport-{YEAR}.csv",
        f"/{slug}/utadrettet?year={YEAR}",
        f"/{slug}/tilgangslogg",
        f"/{slug}/admin",
        f"/{slug}/admin/kassasjon",
        f"/{slug}/admin/nasjonale-grupper",
        f"/{slug}/henvendelser/{first}/slett",
        f"/{slug}/henvendelser/{first}/innsyn.docx",
        f"/{slug}/admin/brev",
        *(f"/{slug}/henvendelser/{first}/brev/{name}.docx" for name in FILE_NAMES.values()),
        *(f"/{slug}/henvendelser/{reference}" for reference in references),
        *(f"/{slug}/henvendelser/{first}/historikk?versjon={version}" for version in range(1, 9)),
    ]
    return pages


@pytest.mark.parametrize("role", [*TENANT_ROLES, "network", "platform_admin"])
async def test_no_page_fragment_or_export_shows_an_internal_code(
    client: AsyncTestClient, office: Office, seeded: dict, make_account, sign_in, role: str
) -> None:
    account = seeded["staff"].get(role) or make_account(role, None)
    await sign_in(account)
    references = seeded["references"]
    found: dict[str, list[str]] = {}
    read: list[str] = []
    paths = [*_paths(office.slug, references), "/", "/plattform", "/nettverk", f"/{office.slug}/kontakt"]
    for path in paths:
        text = await _read(client, path)
        if text is not None:
            read.append(path)
            if codes := codes_in(text):
                found[path] = codes
    fragment = await _read(client, f"/{office.slug}/henvendelser?status=open", **{"HX-Request": "true"})
    if fragment is not None and (codes := codes_in(fragment)):
        found["henvendelser (htmx)"] = codes
    assert not found, found
    if role in TENANT_ROLES:  # the role reached its tenant's pages: the test read what it claims to read
        assert f"/{office.slug}/henvendelser/{references[0]}" in read
        assert f"/{office.slug}/statistikk/arsrapport-{YEAR}.xlsx" in read


async def test_the_case_page_names_every_code_and_person_in_norwegian(
    client: AsyncTestClient, office: Office, other_office: Office, seeded: dict, sign_in
) -> None:
    await sign_in(seeded["staff"]["caseworker"])
    text = await _read(client, f"/{office.slug}/henvendelser/{seeded['references'][0]}")
    assert text is not None
    assert f"{CASEWORKER_NAME} (saksbehandler)" in text  # who did each step, and their role in Norwegian
    assert "Innbygger (nettskjema)" in (await _read(client, f"/{office.slug}/henvendelser/{seeded['references'][3]}"))
    assert ", ".join(names.PARTICIPANT_NAMES[code] for code in MEETING_PARTICIPANTS) in text
    assert "NAV" in (await _read(client, f"/{office.slug}/henvendelser/{seeded['references'][3]}"))
    assert "Den andre kommunens sak" not in text and "Annen Testesen" not in text
    outreach = await _read(client, f"/{office.slug}/utadrettet?year={YEAR}")
    assert all(name in outreach for name in names.OUTREACH_KIND_NAMES.values())


async def test_the_meeting_form_offers_participants_as_named_checkboxes_and_takes_every_one(
    client: AsyncTestClient, office: Office, seeded: dict, sign_in
) -> None:
    await sign_in(seeded["staff"]["caseworker"])
    reference = seeded["references"][-1]  # still open
    page = (await client.get(f"/{office.slug}/henvendelser/{reference}")).text
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*name="participants"[^>]*value="([^"]+)"', page)
    assert set(boxes) == PARTICIPANT_CHOICES
    assert all(f">{name}</label>" in page for name in names.PARTICIPANT_NAMES.values())
    headers = {"HX-Request": "true", "x-csrftoken": client.cookies["ombud_csrf"]}
    version = int(re.search(r'name="expected_version" value="(\d+)"', page).group(1))
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/møte",
        data={"on": f"{YEAR}-06-01", "participants": ["requester", "relative"], "expected_version": str(version)},
        headers=headers,
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert "Innbyggeren, Pårørende" in html_text(response.text)
    # A value no box offers (typed by hand, or an old form) is refused in Norwegian, naming the choices by name.
    refused = await client.post(
        f"/{office.slug}/henvendelser/{reference}/møte",
        data={"on": f"{YEAR}-06-02", "participants": "innbygger", "expected_version": str(version + 1)},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "Innbyggeren" in html_text(refused.text) and not codes_in(html_text(refused.text))


@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("videresend", {"to_body": "pasientombud", "reason": "Fiktiv"}),
        ("klage", {"to": "fylkesmannen", "about": "Fiktiv"}),
        ("avslutt", {"outcome": "ferdig"}),
        ("møte", {"participants": "innbygger"}),
    ],
)
async def test_a_refused_action_answers_in_norwegian_without_codes(
    client: AsyncTestClient, office: Office, seeded: dict, sign_in, action: str, form: dict[str, str]
) -> None:
    """A value no form offers (an old page, a hand-made request): the fragment says what to choose, by name."""
    await sign_in(seeded["staff"]["caseworker"])
    reference = seeded["references"][-1]  # still open
    headers = {"HX-Request": "true", "x-csrftoken": client.cookies["ombud_csrf"]}
    response = await client.post(f"/{office.slug}/henvendelser/{reference}/{action}", data=form, headers=headers)
    assert response.status_code == 422 and "<html" not in response.text
    text = html_text(response.text)
    assert "ugyldig" in text or "finnes" in text or "Velg" in text, text
    assert not codes_in(text), codes_in(text)


async def test_outreach_refused_kind_answers_without_codes(
    client: AsyncTestClient, office: Office, seeded: dict, sign_in
) -> None:
    await sign_in(seeded["staff"]["caseworker"])
    headers = {"HX-Request": "true", "x-csrftoken": client.cookies["ombud_csrf"]}
    form = {"held_on": f"{YEAR}-06-01", "kind": "seminar", "title": "Fiktiv", "audience": "Testere", "participants": ""}
    response = await client.post(f"/{office.slug}/utadrettet", data=form, headers=headers)
    assert response.status_code == 422 and "<html" not in response.text
    text = html_text(response.text)
    assert "Informasjonsmøte" in text and not codes_in(text), codes_in(text)


def test_every_code_of_every_enumeration_has_a_norwegian_name() -> None:
    for group, codes in (
        (names.ROLE_NAMES, ROLES),
        (names.CHANNEL_NAMES, CHANNELS),
        (names.REQUESTER_ROLE_NAMES, REQUESTER_ROLES),
        (names.PARTICIPANT_NAMES, MEETING_PARTICIPANTS),
        (names.FORWARD_BODY_NAMES, FORWARD_BODIES),
        (names.COMPLAINT_RECIPIENT_NAMES, COMPLAINT_RECIPIENTS),
        (names.COMPLAINT_OUTCOME_NAMES, COMPLAINT_OUTCOMES),
        (names.RESOLUTION_OUTCOME_NAMES, RESOLUTION_OUTCOMES),
        (names.OUTREACH_KIND_NAMES, KINDS),
        (names.TAXONOMY_BASIS_NAMES, TAXONOMY_BASES),
    ):
        assert set(group) == set(codes)
        assert not codes_in("\n".join(group.values()))


def test_the_bokmal_catalogue_holds_every_name() -> None:
    from babel.messages.pofile import read_po

    from web.i18n import LOCALES

    with (LOCALES / "nb" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = {message.id for message in read_po(source) if message.id}
    missing = {name for group in names.GROUPS.values() for name in group.values()} - catalogue
    assert not missing, f"run `make messages`; missing: {sorted(missing)}"
