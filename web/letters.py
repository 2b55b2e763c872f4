"""The office's letters as Word downloads, the dashboard's one-click interim reply, and the letterhead admin page.

A letter carries the inhabitant's name and address, so each download is an access record (purpose 'brev', channel
'letter') written before the document is sent: no record, no letter.
"""

from __future__ import annotations

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
from services.letters import FILE_NAMES, Letters, RegisterInterimReply, SetLetterhead
from web.guards import tenant_roles
from web.inquiry_pages import LETTER, on_inquiry, path_reference, read_inquiry, refused
from web.offices import forget_profile, tenant_profile
from web.sessions import Staff
from web.tenant_page import TenantPage

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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
    ) -> Response[bytes]:
        stem, dot, suffix = file.rpartition(".")
        if not dot or suffix != "docx" or stem not in KINDS:
            raise NotFoundException()
        service = _service(here.request, here.tenant)
        typed = path_reference(reference)
        # the letter is made here, and sent only after its access record is committed
        letter = await read_inquiry(
            here.request,
            lambda: service.letter(typed, KINDS[stem], today_in_norway()),
            inquiry_id=lambda made: made.inquiry_id,
            reading=LETTER,
        )
        return Response(
            letter.body,
            media_type=DOCX,
            headers={
                "Content-Disposition": f'attachment; filename="{letter.file_name}"',
                "Cache-Control": "no-store",
            },
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
