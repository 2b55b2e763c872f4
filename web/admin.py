"""The tenant administrator's page: staff accounts and roles, sharing statistics with the network, and taxonomies."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import parsing
from domain.account import (
    MAX_DISPLAY_NAME,
    MIN_PASSWORD_LENGTH,
    TENANT_ROLES,
    normalise_email,
    require_display_name,
    require_password,
)
from domain.common import Context, DomainError, InvalidField, today_in_norway
from domain.taxonomy import ServiceArea, code_for
from projections.archive_outbox import summary as archive_summary
from projections.staff_accounts import tenant_accounts
from services.accounts import AccountNotFound, EmailTaken, SetAccountActive, SetDisplayName
from services.office import Office, TenantProfile
from web.guards import tenant_roles
from web.offices import forget_profile, tenant_profile
from web.sessions import Staff

ADMINS = ("tenant_admin",)
ACCOUNT_FIELDS = ("email", "display_name", "role", "password", "password_repeat")
TAXONOMY_FIELDS = ("effective_from", "areas", "mapping")
AREA_ROW = re.compile(r"area-([0-9]{1,3})-name")  # the new version's rows: area-0-name, area-0-code, area-0-parent …
MOVE = "flytt-"  # flytt-<old code>: the area of the new version an old area's inquiries count under
BLANK_AREA_ROWS = 4
# The sharing form's two answers (a radio group: no answer at all is refused rather than read as «no»).
SHARING_CHOICES = {"ja": True, "nei": False}


class AdminController(Controller):
    path = "/{tenant:str}/admin"
    guards = [tenant_roles(ADMINS)]

    @get("/", name="admin")
    async def page(self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]) -> Template:
        return await _render(request, tenant, staff)

    @post("/brukere")
    async def create_account(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        form = await _form(request)
        errors = account_problems(form)
        if not errors:
            email, role = form["email"], form["role"]
            try:
                account = await anyio.to_thread.run_sync(
                    lambda: request.app.state.platform.create_account(
                        _context(staff),
                        tenant,
                        email=email,
                        role=role,
                        password=form.get("password", ""),
                        display_name=form.get("display_name", ""),
                    )
                )
            except EmailTaken:
                # One answer whether the address has an account or not, here or in another kommune: the answer
                # must not tell an office who works at another. Nothing is made; the taken account is untouched.
                return await _after(request, tenant, staff, "brukere", {"account_created": normalise_email(email)})
            except DomainError as error:
                errors[error.field if error.field in ACCOUNT_FIELDS else "form"] = error.message
        if errors:
            kept = {name: value for name, value in form.items() if not name.startswith("password")}  # never echoed
            return await _after(request, tenant, staff, "brukere", {"account_form": kept, "account_errors": errors})
        return await _after(request, tenant, staff, "brukere", {"account_created": account.email})

    @post("/brukere/{account_id:str}/rolle")
    async def change_role(
        self, request: Request, tenant: FromPath[str], account_id: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        try:  # an id that could name no account names none
            account = parsing.text("account", account_id, max_length=100, required=True)
        except InvalidField:
            raise NotFoundException() from None
        typed = (await _form(request)).get("role", "")
        platform = request.app.state.platform
        errors = await _on_account(
            account,
            lambda: platform.change_role(
                _context(staff), tenant, account_id=account, role=parsing.text("role", typed, max_length=100)
            ),
        )
        return await _after(request, tenant, staff, "brukere", {"role_errors": errors, "role_changed": not errors})

    @post("/brukere/{account_id:str}/navn")
    async def set_name(
        self, request: Request, tenant: FromPath[str], account_id: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        """Names an account of the tenant (one's own too); a blank name shows the email instead."""
        form = await _form(request)
        command = SetDisplayName(account_id, tenant, form.get("display_name", ""))
        errors = await _on_account(
            account_id, lambda: request.app.state.platform.set_display_name(_context(staff), command)
        )
        outcome = {"name_errors": errors, "name_changed": not errors}
        return await _after(request, tenant, staff, "brukere", outcome)

    @post("/brukere/{account_id:str}/deaktiver")
    async def deactivate(
        self, request: Request, tenant: FromPath[str], account_id: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        return await self._set_active(request, tenant, account_id, staff, active=False)

    @post("/brukere/{account_id:str}/aktiver")
    async def reactivate(
        self, request: Request, tenant: FromPath[str], account_id: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        return await self._set_active(request, tenant, account_id, staff, active=True)

    async def _set_active(
        self, request: Request, tenant: str, account_id: str, staff: Staff, *, active: bool
    ) -> Template | Redirect:
        """Only the tenant's own accounts: another tenant's account is not found (404), one's own is refused."""
        command = SetAccountActive(account_id, tenant, active)
        errors = await _on_account(
            account_id, lambda: request.app.state.platform.set_account_active(_context(staff), command)
        )
        outcome = {
            "role_errors": errors,
            "status_changed": ("reactivated" if active else "deactivated") if not errors else None,
        }
        return await _after(request, tenant, staff, "brukere", outcome)

    @post("/deling")
    async def set_sharing(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        """The office shares its statistics with the network, or stops: the network's pages follow at once."""
        form = await request.form()
        typed = form.getall("deler") if "deler" in form else []
        try:
            if len(typed) != 1:
                raise InvalidField("deler", "velg ja eller nei")
            shares = SHARING_CHOICES[parsing.choice("deler", typed[0], SHARING_CHOICES)]
            await anyio.to_thread.run_sync(
                lambda: request.app.state.platform.set_statistics_sharing(_context(staff), tenant, shares)
            )
        except DomainError as error:
            return await _after(request, tenant, staff, "deling", {"sharing_error": error.message})
        forget_profile(request, tenant)
        return await _after(request, tenant, staff, "deling", {"sharing_saved": shares})

    @post("/taksonomi")
    async def publish_taxonomy(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff], office: NamedDependency[Office]
    ) -> Template | Redirect:
        form = await _form(request)
        try:
            effective_from = parsing.day("effective_from", form.get("effective_from", ""))
            areas = parse_area_rows(form)
            mapping = parse_moves(form, areas)
            ctx = _context(staff)
            version = await anyio.to_thread.run_sync(
                lambda: office.publish_taxonomy(
                    ctx, on=today_in_norway(), effective_from=effective_from, areas=areas, mapping=mapping
                )
            )
        except DomainError as error:
            errors = {error.field if error.field in TAXONOMY_FIELDS else "form": error.message}
            return await _after(request, tenant, staff, "taksonomi", {"taxonomy_form": form, "taxonomy_errors": errors})
        forget_profile(request, tenant)
        return await _after(request, tenant, staff, "taksonomi", {"published": version})


def account_problems(form: dict[str, str]) -> dict[str, str]:
    """Every problem with a new account at once, in the form's order, by the same rules the service then holds."""
    checks: dict[str, Callable[[], object]] = {
        "email": lambda: normalise_email(parsing.text("email", form.get("email", ""), max_length=320)),
        "display_name": lambda: require_display_name(form.get("display_name", "")),
        "role": lambda: parsing.choice("role", form.get("role", ""), TENANT_ROLES),
        "password": lambda: require_password(form.get("password", "")),
    }
    found: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except InvalidField as refused:
            found[name] = refused.message
    if "password" not in found and form.get("password", "") != form.get("password_repeat", ""):
        found["password_repeat"] = "passordene er ikke like"
    return found


async def _on_account(account_id: str, work: Callable[[], object]) -> dict[str, str]:
    """Runs a command on one account off the event loop: an account not of this tenant is a 404, a refusal its error."""
    try:
        await anyio.to_thread.run_sync(work)
    except AccountNotFound:
        raise NotFoundException() from None
    except DomainError as error:
        return {account_id: error.message}
    return {}


def _context(staff: Staff) -> Context:
    return staff.acting()


@dataclass(frozen=True)
class AreaRow:
    """One row of the new version's form: an area's code (blank for a new one), name and parent code."""

    code: str
    name: str
    parent: str


def taxonomy_rows(profile: TenantProfile, form: dict[str, str]) -> list[AreaRow]:
    """The rows as sent (after a refusal), else the latest version's areas; then blank rows for new areas."""
    sent = [
        AreaRow(form.get(f"area-{i}-code", "") or code_for(name), name, form.get(f"area-{i}-parent", ""))
        for i in _row_numbers(form)
        if (name := form.get(f"area-{i}-name", ""))
    ]
    rows = sent or [AreaRow(area.code, area.name, area.parent or "") for area in profile.taxonomies[-1].areas]
    return rows + [AreaRow("", "", "")] * BLANK_AREA_ROWS


def parse_area_rows(form: dict[str, str]) -> tuple[ServiceArea, ...]:
    """The areas of the form's rows: a row without a name is left out, a new area's code is made from its name."""
    areas = []
    for i in _row_numbers(form):
        name = parsing.text("areas", form.get(f"area-{i}-name", ""), max_length=200)
        if name:
            code = parsing.text("areas", form.get(f"area-{i}-code", ""), max_length=100) or code_for(name)
            parent = parsing.text("areas", form.get(f"area-{i}-parent", ""), max_length=100)
            areas.append(ServiceArea(code, name, parent or None))
    if not areas:
        raise InvalidField("areas", "skriv minst ett tjenesteområde")
    return tuple(areas)


def parse_moves(form: dict[str, str], areas: tuple[ServiceArea, ...]) -> dict[str, str]:
    """Where each area of the latest version that the new one leaves out is counted from now on (its chosen area)."""
    kept = {area.code for area in areas}
    moves = {}
    for key, value in form.items():
        if key.startswith(MOVE) and value:
            old = parsing.text("mapping", key.removeprefix(MOVE), max_length=100)
            if old not in kept:
                moves[old] = parsing.text("mapping", value, max_length=100)
    return moves


def _row_numbers(form: dict[str, str]) -> list[int]:
    return sorted(int(found.group(1)) for key in form if (found := AREA_ROW.fullmatch(key)))


async def _form(request: Request) -> dict[str, str]:
    return {name: value.strip() for name, value in (await request.form()).items() if isinstance(value, str)}


async def _after(
    request: Request, tenant: str, staff: Staff, section: str, outcome: dict[str, Any]
) -> Template | Redirect:
    """Without JavaScript a success goes back to the page; errors, and every htmx request, render the section."""
    failed = any(
        outcome.get(key) for key in ("account_errors", "role_errors", "name_errors", "taxonomy_errors", "sharing_error")
    )
    if not failed and not request.headers.get("hx-request"):
        return Redirect(f"/{tenant}/admin#{section}", status_code=303)
    return await _render(request, tenant, staff, outcome, status=422 if failed else 200, block=section)


async def _render(
    request: Request,
    tenant: str,
    staff: Staff,
    outcome: dict[str, Any] | None = None,
    *,
    status: int = 200,
    block: str | None = None,
) -> Template:
    profile = await tenant_profile(request, tenant)
    accounts = await tenant_accounts(request.app.state.db, tenant)
    context = {
        "staff": staff,
        "profile": profile,
        "accounts": accounts,
        "archive": await archive_summary(request.app.state.db, tenant),
        "roles": TENANT_ROLES,
        "min_password_length": MIN_PASSWORD_LENGTH,
        "today": today_in_norway(),
        "active": "admin",
        "account_form": {},
        "account_errors": {},
        "role_errors": {},
        "name_errors": {},
        "max_display_name": MAX_DISPLAY_NAME,
        "taxonomy_form": {},
        "taxonomy_errors": {},
        "sharing_error": None,
        "sharing_saved": None,
        **(outcome or {}),
    }
    context["taxonomy_rows"] = taxonomy_rows(profile, context["taxonomy_form"])
    if block and request.headers.get("hx-request"):
        return HTMXBlockTemplate(template_name="admin/page.html", block_name=block, context=context, status_code=status)
    return Template("admin/page.html", context=context, status_code=status)
