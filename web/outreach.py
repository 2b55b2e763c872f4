"""The office's outreach (utadrettet virksomhet): each year's activities, and a form to register one.

The list is a read model the worker fills within seconds, so right after registering the page names the new
activity from what was just saved; without JavaScript that note survives the redirect as a one-minute flash in Redis.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from redis.asyncio import Redis

from domain import parsing
from domain.account import CASE_WORKERS, TENANT_ROLES
from domain.common import DomainError, InvalidField, today_in_norway
from domain.outreach import KINDS
from projections import outreach_list
from projections.reading import tenant_transaction
from services.office import Office
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
        registered = await _take_flash(here.request.app.state.redis, token, here.staff, here.tenant)
        return await _render(here.request, here.tenant, here.staff, year=year, registered=registered, query=query)

    @post("/", guards=[tenant_roles(CASE_WORKERS)])
    async def register(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff], office: NamedDependency[Office]
    ) -> Template | Redirect:
        form = {name: value.strip() for name, value in (await request.form()).items() if isinstance(value, str)}
        errors: dict[str, str] = {}
        held_on = _parsed(errors, "held_on", lambda: parsing.day("held_on", form.get("held_on", "")))
        participants = _parsed(
            errors, "participants", lambda: parsing.optional_whole_number("participants", form.get("participants", ""))
        )
        title, audience = (
            _parsed(errors, name, partial(parsing.text, name, form.get(name, ""), max_length=1000))
            for name in ("title", "audience")
        )
        if not errors:
            assert held_on is not None and title is not None and audience is not None  # parsed, or an error is kept
            ctx = staff.acting()
            try:
                await anyio.to_thread.run_sync(
                    lambda: office.register_outreach(
                        ctx,
                        held_on=held_on,
                        kind=form.get("kind", ""),
                        title=title,
                        audience=audience,
                        participants=participants,
                    )
                )
            except DomainError as error:
                errors[error.field if error.field in FIELDS else "form"] = error.message
        if errors or held_on is None:
            return await _render(
                request, tenant, staff, year=form.get("year", ""), form=form, errors=errors, status=422
            )
        registered = {
            "held_on": held_on.strftime("%d.%m.%Y"),
            "kind": form.get("kind", ""),
            "title": form.get("title", ""),
        }
        if not request.headers.get("hx-request"):
            token = await _put_flash(request.app.state.redis, registered, staff, tenant)
            return Redirect(f"/{tenant}/utadrettet?year={held_on.year}&registrert={token}", status_code=303)
        return await _render(request, tenant, staff, year=str(held_on.year), registered=registered)


async def _render(
    request: Request,
    tenant: str,
    staff: Staff,
    *,
    year: str,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    registered: dict[str, str] | None = None,
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
        # After registering, the activity's year, even before the worker has listed anything in it.
        chosen = wanted if wanted in years or (registered and wanted) else (years[0] if years else today.year)
        rows = await outreach_list.activities(conn, chosen)
    context = {
        "staff": staff,
        "profile": profile,
        "years": sorted({*years, chosen}, reverse=True),
        "year": chosen,
        "rows": rows,
        "kinds": KINDS,
        "form": form or {},
        "errors": errors or {},
        "registered": registered,
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


async def _put_flash(redis: Redis, registered: dict[str, str], staff: Staff, tenant: str) -> str:
    """Only the person who registered, in the same tenant, sees the note: it names the activity."""
    token = secrets.token_urlsafe(16)
    note = {"account": staff.account_id, "tenant": tenant, "activity": registered}
    await redis.set(_flash_key(token), json.dumps(note), ex=FLASH_SECONDS)
    return token


async def _take_flash(redis: Redis, token: str, staff: Staff, tenant: str) -> dict[str, Any] | None:
    if not token:
        return None
    stored = await redis.getdel(_flash_key(token))
    note = json.loads(stored) if stored else None
    if note is None or note["account"] != staff.account_id or note["tenant"] != tenant:
        return None
    return note["activity"]
