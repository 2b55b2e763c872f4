"""The office's outreach (utadrettet virksomhet): each year's activities, registering, correcting and deleting one.

The list is a read model the worker fills within seconds, so right after a change the page lays what was just saved
over it (projections.outreach_list.with_change); without JavaScript that change survives the redirect as a one-minute
flash in Redis, so every POST that changes something answers with a redirect and a reload never posts again.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

import anyio.to_thread
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from redis.asyncio import Redis

from domain import parsing
from domain.account import CASE_WORKERS, TENANT_ROLES
from domain.common import DomainError, InvalidField, today_in_norway
from domain.outreach import KINDS
from projections import outreach_list
from projections.reading import tenant_transaction
from services.office import Office, OutreachNotFound, OutreachView
from web.guards import tenant_roles
from web.offices import tenant_profile
from web.query import QueryValues
from web.sessions import Staff
from web.tenant_page import TenantPage

T = TypeVar("T")
FLASH_SECONDS = 60
FIELDS = ("held_on", "kind", "title", "audience", "participants")


class OutreachController(Controller):
    path = "/{tenant:str}/utadrettet"
    guards = [tenant_roles(TENANT_ROLES)]

    @get("/", name="outreach")
    async def listing(
        self, here: NamedDependency[TenantPage], year: FromQuery[str] = "", registrert: FromQuery[str] = ""
    ) -> Template:
        query = QueryValues()
        token = query.text("registrert", registrert, max_length=64, printable=True)
        note = await _take_flash(here.request.app.state.redis, token, here.staff, here.tenant)
        return await _render(here.request, here.tenant, here.staff, year=year, note=note, query=query)

    @post("/", guards=[tenant_roles(CASE_WORKERS)])
    async def register(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff], office: NamedDependency[Office]
    ) -> Template | Redirect:
        form = await _typed(request)
        errors, fields = _checked(form)
        if fields is not None:
            ctx = staff.acting()
            try:
                activity_id = await anyio.to_thread.run_sync(lambda: office.register_outreach(ctx, **fields))
            except DomainError as error:
                errors[error.field if error.field in FIELDS else "form"] = error.message
        if errors or fields is None:
            return await _render(
                request, tenant, staff, year=form.get("year", ""), form=form, errors=errors, status=422
            )
        note = _note("registered", activity_id, fields)
        if not request.headers.get("hx-request"):
            return await _redirect(request, note, staff, tenant)
        return await _render(request, tenant, staff, year=str(fields["held_on"].year), note=note)

    @get("/{activity:str}", name="outreach-activity", guards=[tenant_roles(CASE_WORKERS)])
    async def activity(self, here: NamedDependency[TenantPage], activity: FromPath[str]) -> Template:
        """The correction form, filled with the activity as it stands in its events (not the lagging read model)."""
        found = await _found(here.office, activity)
        form = {
            "held_on": found.held_on.isoformat(),
            "kind": found.kind,
            "title": found.title,
            "audience": found.audience,
            "participants": "" if found.participants is None else str(found.participants),
        }
        return await _edit_page(here, found, form, {})

    @post("/{activity:str}", guards=[tenant_roles(CASE_WORKERS)])
    async def correct(self, here: NamedDependency[TenantPage], activity: FromPath[str]) -> Template | Redirect:
        office = here.office
        found = await _found(office, activity)
        form = await _typed(here.request)
        errors, fields = _checked(form)
        if fields is not None:
            ctx = here.staff.acting()
            try:
                await anyio.to_thread.run_sync(lambda: office.correct_outreach(ctx, found.id, **fields))
            except OutreachNotFound:
                raise NotFoundException() from None
            except DomainError as error:
                errors[error.field if error.field in FIELDS else "form"] = error.message
        if errors or fields is None:
            return await _edit_page(here, found, form, errors, status=422)
        return await _redirect(here.request, _note("corrected", found.id, fields), here.staff, here.tenant)

    @post("/{activity:str}/slett", guards=[tenant_roles(CASE_WORKERS)])
    async def withdraw(self, here: NamedDependency[TenantPage], activity: FromPath[str]) -> Redirect:
        """Deletes an activity registered by mistake (as an event): it leaves the list, the statistics and the report."""
        office = here.office
        found = await _found(office, activity)
        ctx = here.staff.acting()
        try:
            await anyio.to_thread.run_sync(lambda: office.withdraw_outreach(ctx, found.id))
        except OutreachNotFound:  # deleted meanwhile, by a double click or a colleague
            raise NotFoundException() from None
        fields = {"held_on": found.held_on, "kind": found.kind, "title": found.title}
        return await _redirect(here.request, _note("withdrawn", found.id, fields), here.staff, here.tenant)


async def _typed(request: Request) -> dict[str, str]:
    return {name: value.strip() for name, value in (await request.form()).items() if isinstance(value, str)}


def _checked(form: dict[str, str]) -> tuple[dict[str, str], dict[str, Any] | None]:
    """Every field's problem at once, in the form's order, or the fields as the service takes them."""
    errors: dict[str, str] = {}
    held_on = _parsed(errors, "held_on", lambda: parsing.day("held_on", form.get("held_on", "")))
    kind = _parsed(errors, "kind", lambda: parsing.choice("kind", form.get("kind", ""), KINDS))
    participants = _parsed(
        errors, "participants", lambda: parsing.optional_whole_number("participants", form.get("participants", ""))
    )
    title, audience = (
        _parsed(errors, name, partial(parsing.text, name, form.get(name, ""), max_length=200, required=True))
        for name in ("title", "audience")
    )
    if errors:
        return errors, None
    return errors, {
        "held_on": held_on,
        "kind": kind,
        "title": title,
        "audience": audience,
        "participants": participants,
    }


async def _found(office: Office, typed: str) -> OutreachView:
    """The office's own activity by its id; anything else (not an id, another tenant's, deleted) is a 404."""
    try:
        activity_id = UUID(typed) if len(typed) <= 36 else None
    except ValueError:
        activity_id = None
    if activity_id is None:
        raise NotFoundException()
    try:
        return await anyio.to_thread.run_sync(lambda: office.outreach_activity(activity_id))
    except OutreachNotFound:
        raise NotFoundException() from None


def _note(what: str, activity_id: UUID, fields: dict[str, Any]) -> dict[str, Any]:
    """What was just done, to say so and to lay over the list until the worker has it (JSON, for the flash)."""
    change = {
        "id": str(activity_id),
        "held_on": fields["held_on"].isoformat(),
        "kind": fields["kind"],
        "title": fields["title"],
        "audience": fields.get("audience", ""),
        "participants": fields.get("participants"),
        "withdrawn": what == "withdrawn",
    }
    return {"what": what, "date": fields["held_on"].strftime("%d.%m.%Y"), "change": change}


async def _redirect(request: Request, note: dict[str, Any], staff: Staff, tenant: str) -> Redirect:
    token = await _put_flash(request.app.state.redis, note, staff, tenant)
    year = note["change"]["held_on"][:4]
    return Redirect(f"/{tenant}/utadrettet?year={year}&registrert={token}", status_code=303)


async def _edit_page(
    here: TenantPage, found: OutreachView, form: dict[str, str], errors: dict[str, str], *, status: int = 200
) -> Template:
    context = {
        "staff": here.staff,
        "profile": here.profile,
        "activity": found,
        "kinds": KINDS,
        "form": form,
        "errors": errors,
        "today": today_in_norway(),
        "active": "outreach",
    }
    return Template("outreach/activity.html", context=context, status_code=status)


async def _render(
    request: Request,
    tenant: str,
    staff: Staff,
    *,
    year: str,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    note: dict[str, Any] | None = None,
    status: int = 200,
    query: QueryValues | None = None,
) -> Template:
    """`year` is a query value, or the form's hidden copy of it: an odd one falls back to the latest year."""
    query = query or QueryValues()
    wanted = query.year(year)
    profile = await tenant_profile(request, tenant)
    today = today_in_norway()
    async with tenant_transaction(request.app.state.db, tenant) as conn:
        years = await outreach_list.years(conn)
        # After a change, the activity's year, even before the worker has listed anything in it.
        chosen = wanted if wanted in years or (note and wanted) else (years[0] if years else today.year)
        rows = outreach_list.with_change(await outreach_list.activities(conn, chosen), chosen, _change(note))
    context = {
        "staff": staff,
        "profile": profile,
        "years": sorted({*years, chosen}, reverse=True),
        "year": chosen,
        "rows": rows,
        "kinds": KINDS,
        "form": form or {},
        "errors": errors or {},
        "note": note,
        "today": today,
        "may_register": staff.works_cases,
        "active": "outreach",
        "notices": query.notices,
    }
    if request.headers.get("hx-request") and request.method == "POST":
        return HTMXBlockTemplate(
            template_name="outreach/page.html",
            block_name="aktiviteter",
            context=context,
            status_code=max(status, query.status_code),
        )
    return Template("outreach/page.html", context=context, status_code=max(status, query.status_code))


def _parsed(errors: dict[str, str], name: str, parse: Callable[[], T]) -> T | None:
    """The parsed value, or None with the reason kept at its field."""
    try:
        return parse()
    except InvalidField as refused:
        errors[name] = refused.message
        return None


def _flash_key(token: str) -> str:
    return f"ombud:utadrettet:registrert:{token}"


async def _put_flash(redis: Redis, note: dict[str, Any], staff: Staff, tenant: str) -> str:
    """Only the person who made the change, in the same tenant, sees the note: it names the activity."""
    token = secrets.token_urlsafe(16)
    kept = {"account": staff.account_id, "tenant": tenant, "activity": note}
    await redis.set(_flash_key(token), json.dumps(kept), ex=FLASH_SECONDS)
    return token


async def _take_flash(redis: Redis, token: str, staff: Staff, tenant: str) -> dict[str, Any] | None:
    if not token:
        return None
    stored = await redis.getdel(_flash_key(token))
    note = json.loads(stored) if stored else None
    if note is None or note["account"] != staff.account_id or note["tenant"] != tenant:
        return None
    return note["activity"]


def _change(note: dict[str, Any] | None) -> outreach_list.Change | None:
    if note is None:
        return None
    change = note["change"]
    return outreach_list.Change(
        UUID(change["id"]),
        date.fromisoformat(change["held_on"]),
        change["kind"],
        change["title"],
        change["audience"],
        change["participants"],
        withdrawn=change["withdrawn"],
    )
