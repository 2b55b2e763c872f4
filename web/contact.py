"""The citizens' public contact form: no sign-in, so it guards itself with a honeypot and a per-address limit.

What the citizen writes goes to the office's event store and nowhere else: never into logs, URLs or Redis.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from redis.asyncio import Redis

from domain import parsing
from domain.common import DomainError, InvalidField, today_in_norway
from projections.staff_accounts import is_staffed
from services import contact
from services.office import TenantProfile
from services.platform import UnknownTenant
from web import rate_limits
from web.client_address import client_address
from web.offices import tenant_profile
from web.uploads import files, read_form

SUBMISSIONS_PER_ADDRESS = 5
FILES_PER_ADDRESS = 20  # files an hour from one address, besides the submissions' own limit
WINDOW_SECONDS = 60 * 60
HONEYPOT = "nettside"  # people never see it; form-filling robots do
FIELDS = ("summary", "service_area", "requester_role", "requester_name", "contact")
# What the receipt's address says of the contact details: only whether there are any, so the page says the right thing.
ANSWER_BY_CONTACT, ANSWER_NONE = "ja", "nei"
TOO_MANY = "Det er sendt for mange henvendelser fra denne adressen. Vent en time og prøv igjen, eller ring ombudet."
TOO_MANY_FILES = "Det er sendt for mange filer fra denne adressen. Vent en time og prøv igjen, eller send uten vedlegg."


class ContactController(Controller):
    path = "/{tenant:str}/kontakt"

    @get("/", name="contact")
    async def form(self, request: Request, tenant: FromPath[str]) -> Template:
        profile = await _profile(request, tenant)
        if not await is_staffed(request.app.state.db, profile.slug):
            return _closed(profile, 200)
        return _form_page(profile, contact.CitizenInquiry("", contact.UNSURE), {}, 200)

    @post("/", request_max_body_size=None)  # a form with files is bounded by web/uploads.py
    async def submit(self, request: Request, tenant: FromPath[str]) -> Template | Redirect:
        profile = await _profile(request, tenant)
        if not await is_staffed(request.app.state.db, profile.slug):
            return _closed(profile, 403)  # nothing is written, and no slot of the address's limit is taken
        sent = await read_form(request)
        form = {key: value for key, value in sent.items() if isinstance(value, str)}
        chosen = files(sent, contact.FILES)
        inquiry = contact.CitizenInquiry(**{field: form.get(field, "") for field in FIELDS})
        redis: Redis = request.app.state.redis
        address = client_address(request)
        counter = _counter_key(profile.slug, address)
        # The slot is taken before anything is written, in one step with the comparison: parallel posts get no more.
        if not await rate_limits.take(redis, counter, limit=SUBMISSIONS_PER_ADDRESS, window_seconds=WINDOW_SECONDS):
            return _form_page(profile, inquiry, {"form": TOO_MANY}, 429)
        file_counter = _counter_key(profile.slug, address, "vedlegg")
        taken = 0
        for _ in chosen:  # each file a slot of its own: many small submissions cannot carry a flood of files
            if not await rate_limits.take(redis, file_counter, limit=FILES_PER_ADDRESS, window_seconds=WINDOW_SECONDS):
                await _give_back(redis, counter, file_counter, taken)
                return _form_page(profile, inquiry, {contact.FILES: TOO_MANY_FILES}, 429)
            taken += 1
        if form.get(HONEYPOT):
            return Redirect(f"/{tenant}/kontakt/kvittering", status_code=303)
        office = request.app.state.platform.office(tenant)
        code = contact.new_receipt_code()
        limits = request.app.state.attachment_limits
        try:
            await anyio.to_thread.run_sync(
                lambda: contact.submit(
                    office, inquiry, on=today_in_norway(), receipt_code=code, files=chosen, limits=limits
                )
            )
        except contact.InvalidInquiry as invalid:
            await _give_back(redis, counter, file_counter, taken)  # a citizen correcting a typo is not flooding
            return _form_page(profile, inquiry, invalid.errors, 422)
        except DomainError as error:
            await _give_back(redis, counter, file_counter, taken)
            known = (*FIELDS, contact.FILES)
            return _form_page(profile, inquiry, {error.field if error.field in known else "form": error.message}, 422)
        answer = ANSWER_BY_CONTACT if inquiry.gave_contact_details else ANSWER_NONE
        check = _receipt_check(request, tenant, code, answer)
        return Redirect(f"/{tenant}/kontakt/kvittering?kode={code}&svar={answer}&sjekk={check}", status_code=303)

    @get("/kvittering", name="contact-receipt")
    async def receipt(
        self,
        request: Request,
        tenant: FromPath[str],
        kode: FromQuery[str] = "",
        svar: FromQuery[str] = "",
        sjekk: FromQuery[str] = "",
    ) -> Template:
        """Shows the receipt code, and whether we can answer, only under the check we signed, so nobody can make the
        page claim another code. Never the reference: that is the office's running count. Never the contact details
        either: the URL says only whether some were given."""
        profile = await _profile(request, tenant)
        try:
            code = parsing.text("kode", kode, max_length=2 * contact.RECEIPT_GROUP + 1)
        except InvalidField:
            code = ""
        answer = svar if svar in (ANSWER_BY_CONTACT, ANSWER_NONE) else ""
        expected = _receipt_check(request, tenant, code, answer).encode()
        genuine = bool(code) and bool(answer) and hmac.compare_digest(sjekk.encode("utf-8", "replace"), expected)
        head = profile.letterhead
        context = {
            "profile": profile,
            "receipt_code": code if genuine else None,
            "can_answer": (answer == ANSWER_BY_CONTACT) if genuine else None,  # None: not known, say both cases
            "phone": head.phone if head else "",
            "email": head.email if head else "",
        }
        return Template("contact/receipt.html", context=context)


async def _profile(request: Request, tenant: str) -> TenantProfile:
    try:
        return await tenant_profile(request, parsing.text("tenant", tenant, max_length=100, required=True))
    except (UnknownTenant, InvalidField):
        raise NotFoundException() from None


def _closed(profile: TenantProfile, status: int) -> Template:
    """An office with nobody to read what comes in (a kommune just added to the platform) takes no inquiries yet."""
    return Template("contact/closed.html", context={"profile": profile}, status_code=status)


def _form_page(
    profile: TenantProfile, inquiry: contact.CitizenInquiry, errors: dict[str, str], status: int
) -> Template:
    context: dict[str, Any] = {
        "profile": profile,
        "form": inquiry,
        "errors": errors,
        "unsure": contact.UNSURE,
        "areas": contact.area_choices(profile.taxonomy_on(today_in_norway())),
        "requester_roles": contact.CITIZEN_REQUESTER_ROLES,
        "max_summary": contact.MAX_SUMMARY,
        "max_optional": contact.MAX_OPTIONAL,
        "honeypot": HONEYPOT,
        "files_field": contact.FILES,
    }
    return Template("contact/form.html", context=context, status_code=status)


def _counter_key(tenant: str, address: str, what: str = "adresse") -> str:
    """Per office and address (one office's flood does not close another's form); hashed: no addresses in Redis."""
    return f"ombud:kontakt:{what}:" + hashlib.sha256(f"{tenant}\n{address}".encode()).hexdigest()


async def _give_back(redis: Redis, counter: str, file_counter: str, files_taken: int) -> None:
    """A refused submission takes no slot: neither its own nor its files'."""
    await rate_limits.give_back(redis, counter)
    for _ in range(files_taken):
        await rate_limits.give_back(redis, file_counter)


def _receipt_check(request: Request, tenant: str, code: str, answer: str) -> str:
    secret = request.app.state.platform.derived_secret("kontakt-kvittering").encode()
    return hmac.new(secret, f"{tenant}/{code}/{answer}".encode(), hashlib.sha256).hexdigest()[:24]
