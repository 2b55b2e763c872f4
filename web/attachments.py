"""An inquiry's attachments: upload on the inquiry page (with or without htmx) and download once the virus scan
found the file clean. A download is an access record (purpose 'vedlegg', channel 'download') committed first."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from domain import parsing
from domain.account import CASE_WORKERS, TENANT_ROLES
from domain.common import DomainError
from services.attachments import AttachmentGone, Limits, NotScanned
from services.case_commands import AttachFile
from services.office import ConflictError, Office
from web.case_page import _render
from web.guards import tenant_roles
from web.inquiry_pages import ATTACHMENT, on_inquiry, path_reference, read_inquiry, refused
from web.sessions import Staff
from web.uploads import files, read_form

ACTION = "vedlegg"  # the form's name on the case page, and its address segment


class AttachmentController(Controller):
    path = "/{tenant:str}/henvendelser/{reference:str}/vedlegg"
    guards = [tenant_roles(TENANT_ROLES)]

    @post("/", guards=[tenant_roles(CASE_WORKERS)], request_max_body_size=None)  # bounded in web/uploads.py
    async def upload(
        self,
        request: Request,
        tenant: FromPath[str],
        reference: FromPath[str],
        staff: NamedDependency[Staff],
        office: NamedDependency[Office],
    ) -> Template | Redirect:
        reference = path_reference(reference)
        form = await read_form(request)
        title = form.get("title", "")
        typed = {"title": title.strip() if isinstance(title, str) else ""}
        limits: Limits = request.app.state.attachment_limits
        ctx = staff.acting()
        problem: dict[str, Any] | None = None
        try:
            chosen = files(form, "file")
            if not chosen:
                raise DomainError("file", "velg en fil å legge ved")
            if len(chosen) > 1:
                raise DomainError("file", "legg ved én fil om gangen")
            name, data = chosen[0]
            parsing.text("title", typed["title"], max_length=200)
            command = AttachFile(
                inquiry=reference,
                title=typed["title"] or None,
                filename=parsing.text("file", name, max_length=255),
                data=data,
                max_bytes=limits.max_bytes,
                per_inquiry=limits.per_inquiry,
            )
            await on_inquiry(lambda: office.handle(ctx, command))
        except ConflictError:
            problem = {"action": ACTION, "conflict": True, "form": typed}
        except DomainError as error:
            problem = {"action": ACTION, "field": error.field or "file", "message": error.message, "form": typed}
        if problem is None and not request.headers.get("hx-request"):
            return Redirect(f"/{tenant}/henvendelser/{reference}#vedlegg", status_code=303)
        status = 200 if problem is None else (409 if problem.get("conflict") else 422)
        return await _render(request, tenant, reference, staff, problem=problem, status=status)

    @get("/{attachment:str}", name="attachment")
    async def download(
        self,
        request: Request,
        reference: FromPath[str],
        attachment: FromPath[str],
        staff: NamedDependency[Staff],
        office: NamedDependency[Office],
    ) -> Response[bytes] | Template:
        typed = path_reference(reference)
        try:
            attachment = str(UUID(attachment))
        except ValueError:
            raise NotFoundException() from None
        try:
            found = await read_inquiry(
                request,
                lambda: office.attachment(typed, attachment),
                inquiry_id=lambda got: got.inquiry_id,
                reading=ATTACHMENT,
            )
        except (NotScanned, AttachmentGone) as error:
            page = "inquiries/attachment_problem.html"
            return await refused(request, staff, page, typed, error.message, active="inquiries", status_code=409)
        except DomainError:
            raise NotFoundException() from None
        return Response(
            found.data,
            media_type=found.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{found.filename}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
