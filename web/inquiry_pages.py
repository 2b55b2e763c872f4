"""Every page that shows an inquiry reads it one way: the reference from the URL, one read, the access record, 404.

The read runs off the event loop; the access record (who, role, which inquiry, why, by which channel) is committed
before the page or file is made from what was read: no record, no data. An odd reference, an unknown inquiry and
another tenant's inquiry all answer the same 404.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

import anyio.to_thread
from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Template

from domain import parsing
from domain.access_records import (
    ARCHIVE_PURPOSE,
    ATTACHMENT_PURPOSE,
    AUDIT_PURPOSE,
    CASE_WORK_PURPOSE,
    INNSYN_PURPOSE,
    LETTER_PURPOSE,
    SEARCH_PURPOSE,
    SEARCH_REPEAT_SECONDS,
)
from domain.common import InvalidField
from services.audit.access_log import record_accesses
from services.office import InquiryNotFound
from web.offices import tenant_profile
from web.sessions import Staff, current_staff

T = TypeVar("T")
MAX_REFERENCE = 100


@dataclass(frozen=True)
class Reading:
    """Why a page reads an inquiry, and how what it read leaves the office: the access record's purpose and channel."""

    purpose: str
    channel: str
    unless_within: int | None = None  # seconds in which a repeat of the same reader's record adds none


CASE_WORK = Reading(CASE_WORK_PURPOSE, "web")  # the inquiry page
AUDIT = Reading(AUDIT_PURPOSE, "web")  # the auditor's replay
LETTER = Reading(LETTER_PURPOSE, "letter")  # a letter to the inhabitant, as a Word file
INNSYN = Reading(INNSYN_PURPOSE, "download")  # the access report for the inhabitant's request
ATTACHMENT = Reading(ATTACHMENT_PURPOSE, "download")  # a file attached to the inquiry
ARCHIVE = Reading(ARCHIVE_PURPOSE, "download")  # the Noark 5 extract for the kommune's archive
# The inquiries a word search counts, on the list page: once per person and inquiry while they go on typing.
SEARCH = Reading(SEARCH_PURPOSE, "search", unless_within=SEARCH_REPEAT_SECONDS)


def path_reference(typed: str) -> str:
    """A reference is one short line; anything else names no inquiry."""
    try:
        return parsing.text("reference", typed, max_length=MAX_REFERENCE, required=True)
    except InvalidField:
        raise NotFoundException() from None


async def on_inquiry(work: Callable[[], T]) -> T:
    """Runs a read of, or a command on, one inquiry off the event loop; an unknown inquiry answers 404."""
    try:
        return await anyio.to_thread.run_sync(work)
    except InquiryNotFound:
        raise NotFoundException() from None


async def refused(
    request: Request, staff: Staff, template: str, reference: str, message: str, *, active: str, status_code: int
) -> Template:
    """The page for a refused command on one inquiry: it names the inquiry, says why, and links back to it."""
    context = {
        "staff": staff,
        "profile": await tenant_profile(request, request.path_params["tenant"]),
        "reference": reference,
        "message": message,
        "active": active,  # the menu entry the page belongs under
    }
    return Template(template, context=context, status_code=status_code)


async def read_inquiry(
    request: Request, read: Callable[[], T], *, inquiry_id: Callable[[T], UUID], reading: Reading
) -> T:
    """What `read` returns, once the access record for the inquiry it names (`inquiry_id`) is committed.

    The reader is the signed-in staff member (the route's guard has checked them against the URL's tenant).
    """
    found = await on_inquiry(read)
    await record_reading(request, [inquiry_id(found)], reading)
    return found


async def record_reading(request: Request, inquiry_ids: Sequence[UUID], reading: Reading) -> None:
    """Commits the signed-in staff member's access record for each inquiry before anything read is sent."""
    staff = await current_staff(request)
    await record_accesses(
        request.app.state.db,
        request.path_params["tenant"],
        account_id=staff.account_id,
        role=staff.role,
        inquiry_ids=inquiry_ids,
        purpose=reading.purpose,
        channel=reading.channel,
        written=request.app.state.access_records_written,
        unless_within=reading.unless_within,
    )
