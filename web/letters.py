"""The office's letters as Word and PDF/A downloads, marking one as sent, the dashboard's one-click interim reply, and
the letterhead admin page.

A letter carries the inhabitant's name and address, so each download (Word, PDF/A, or the very PDF/A sent) is an
access record (purpose 'brev', channel 'letter') written before the document is sent: no record, no letter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from domain.account import CASE_WORKERS, TENANT_ROLES
from domain.common import Context, DomainError, today_in_norway
from domain.letterhead import LETTER_KINDS, MAX_LETTER_TEXT, PLACEHOLDERS, Letterhead, LetterheadInvalid
from services.letter_texts import DEFAULT_TEXTS, TITLES
from services.letters import FILE_NAMES, Letter, Letters, RegisterInterimReply, SetLetterhead, as_pdfa
from services.pdfa import PdfaError
from web.guards import tenant_roles
from web.inquiry_pages import LETTER, on_inquiry, path_reference, read_inquiry, record_reading, refused
from web.offices import forget_profile, tenant_profile
from web.sessions import Staff
from web.tenant_page import TenantPage

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
# The letter kinds as the addresses name them: /brev/kvittering.docx, /brev/forelopig-svar.docx, /brev/avslutning.docx.
KINDS = {FILE_NAMES[kind]: kind for kind in LETTER_KINDS}
ADMINS = ("tenant_admin",)
LETTERHEAD_FIELDS = ("office_name", "address", "phone", "email", "signature_name", "signature_title")
TEXT_FIELDS = tuple(f"text_{kind}" for kind in LETTER_KINDS)


class LetterController(Controller):
    path = "/{tenant:str}/henvendelser/{reference:str}/brev"
    guards = [tenant_roles(TENANT_ROLES)]

    @get("/{file:str}", name="letter")
    async def download(
        self, here: NamedDependency[TenantPage], reference: FromPath[str], file: FromPath[str]
    ) -> Response[bytes] | Template:
        stem, dot, suffix = file.rpartition(".")
        if not dot or suffix not in ("docx", "pdf") or stem not in KINDS:
            raise NotFoundException()
        service = _service(here.request, here.tenant)
        typed = path_reference(reference)

        def made() -> Letter:
            letter = service.letter(typed, KINDS[stem], today_in_norway())
            return as_pdfa(letter) if suffix == "pdf" else letter

        try:
            # the letter is made here, and sent only after its access record is committed
            letter = await read_inquiry(here.request, made, inquiry_id=lambda found: found.inquiry_id, reading=LETTER)
        except PdfaError:
            return await not_made(here, typed)
        return download(letter)

    @get("/sendt/{sha256:str}", name="sent-letter")
    async def sent(
        self, here: NamedDependency[TenantPage], reference: FromPath[str], sha256: FromPath[str]
    ) -> Response[bytes]:
        """The very PDF/A the office marked as sent, whose checksum the timeline shows; an erased one is gone."""
        checksum = sha256.removesuffix(".pdf")
        office, typed = here.office, path_reference(reference)
        found = await on_inquiry(lambda: office.sent_letter(typed, checksum))
        if found is None:
            raise NotFoundException()
        inquiry_id = await on_inquiry(lambda: office.inquiry_id(typed))
        await record_reading(here.request, [inquiry_id], LETTER)
        name = re.sub(r"[^A-Za-z0-9-]", "_", typed)
        return download(Letter(inquiry_id, f"sendt-{name}-{checksum[:12]}.pdf", found))

    @post("/{file:str}/sendt", status_code=303, guards=[tenant_roles(CASE_WORKERS)])
    async def mark_sent(
        self, here: NamedDependency[TenantPage], reference: FromPath[str], file: FromPath[str]
    ) -> Redirect | Template:
        """Keeps the letter's PDF/A as sent and records `LetterSent` with its checksum, then back to the inquiry."""
        if file not in KINDS:
            raise NotFoundException()
        service, typed, today = _service(here.request, here.tenant), path_reference(reference), today_in_norway()
        ctx = _context(here.staff)
        return await sent_and_back(
            here,
            typed,
            lambda: service.mark_sent(ctx, typed, KINDS[file], service.letter(typed, KINDS[file], today).body, today),
        )

    @post("/forelopig-svar", status_code=303, guards=[tenant_roles(CASE_WORKERS)])
    async def send_interim_reply(
        self, request: Request, tenant: FromPath[str], reference: FromPath[str], staff: NamedDependency[Staff]
    ) -> Redirect | Template:
        """Records the interim reply (once a day at most), then sends the browser to its letter."""
        typed = path_reference(reference)
        service = _service(request, tenant)
        command = RegisterInterimReply(typed, today_in_norway())
        try:
            await on_inquiry(lambda: service.register_interim_reply(_context(staff), command))
        except DomainError as error:
            problem = "letters/problem.html"
            return await refused(request, staff, problem, typed, error.message, active="dashboard", status_code=409)
        return Redirect(f"/{tenant}/henvendelser/{typed}/brev/{FILE_NAMES['interim_reply']}.docx", status_code=303)


class LetterheadController(Controller):
    path = "/{tenant:str}/admin/brev"
    guards = [tenant_roles(ADMINS)]

    @get("/", name="letterhead")
    async def page(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        current = await anyio.to_thread.run_sync(_service(request, tenant).letterhead)
        return await _letterhead_page(request, tenant, staff, _as_form(current))

    @post("/")
    async def save(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template | Redirect:
        submitted = await request.form()
        form = {name: value for name, value in submitted.items() if isinstance(value, str)}
        form = {name: form.get(name, "") for name in LETTERHEAD_FIELDS + TEXT_FIELDS}
        service = _service(request, tenant)
        try:
            letterhead = Letterhead.create(
                **{name: form[name] for name in LETTERHEAD_FIELDS},
                texts={kind: form[f"text_{kind}"] for kind in LETTER_KINDS},
            )
            command = SetLetterhead(letterhead, today_in_norway())
            await anyio.to_thread.run_sync(lambda: service.set_letterhead(_context(staff), command))
        except LetterheadInvalid as error:
            return await _letterhead_page(request, tenant, staff, form, errors=error.errors, status=422)
        except DomainError as error:
            errors = {error.field if error.field in form else "form": error.message}
            return await _letterhead_page(request, tenant, staff, form, errors=errors, status=422)
        forget_profile(request, tenant)  # the receipt and the privacy page show the office's phone and email
        return Redirect(f"/{tenant}/admin/brev?lagret=1", status_code=303)


def download(letter: Letter) -> Response[bytes]:
    """A letter as a download that no cache keeps."""
    return Response(
        letter.body,
        media_type=PDF if letter.file_name.endswith(".pdf") else DOCX,
        headers={"Content-Disposition": f'attachment; filename="{letter.file_name}"', "Cache-Control": "no-store"},
    )


async def sent_and_back(here: TenantPage, reference: str, mark: Callable[[], str]) -> Redirect | Template:
    """Marks a letter as sent (POST-redirect-GET back to the inquiry's letters), or says in Norwegian why not."""
    try:
        await on_inquiry(mark)
    except DomainError as error:
        return await refused(
            here.request,
            here.staff,
            "letters/not_sent.html",
            reference,
            error.message,
            active="inquiries",
            status_code=409,
        )
    except PdfaError:
        return await not_made(here, reference)
    return Redirect(f"/{here.tenant}/henvendelser/{reference}#brev", status_code=303)


async def not_made(here: TenantPage, reference: str) -> Template:
    message = "PDF/A-filen kunne ikke lages akkurat nå; prøv igjen om litt, eller last ned Word-filen"
    return await refused(
        here.request, here.staff, "letters/not_sent.html", reference, message, active="inquiries", status_code=503
    )


def _service(request: Request, tenant: str) -> Letters:
    return Letters(request.app.state.platform.office(tenant))


def _context(staff: Staff) -> Context:
    return staff.acting()


def _as_form(letterhead: Letterhead | None) -> dict[str, str]:
    if letterhead is None:
        return {}
    data = letterhead.as_data()
    texts = data.pop("texts")
    return {**data, **{f"text_{kind}": texts.get(kind, "") for kind in LETTER_KINDS}}


async def _letterhead_page(
    request: Request,
    tenant: str,
    staff: Staff,
    form: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    context: dict[str, Any] = {
        "staff": staff,
        "profile": await tenant_profile(request, tenant),
        "form": form,
        "errors": errors or {},
        "saved": status == 200 and request.query_params.get("lagret") == "1",
        "kinds": [
            (kind, TITLES[kind], DEFAULT_TEXTS[kind].split("\n\n"), ", ".join(PLACEHOLDERS[kind]))
            for kind in LETTER_KINDS
        ],
        "max_text": MAX_LETTER_TEXT,
        "active": "admin",
    }
    return Template("letters/admin.html", context=context, status_code=status)
