"""The platform administrator's page: the kommuner served, adding one, whether their audit trails hold; no case data."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain import parsing
from domain.common import DomainError, InvalidField
from domain.taxonomy import TEMPLATES
from domain.tenant import MAX_POPULATION, require_slug
from projections import quarantine
from projections.staff_accounts import platform_accounts
from services.accounts import AccountNotFound, SetAccountActive
from services.audit import status as audit_status
from services.platform import Platform
from web.guards import platform_role
from web.sessions import Staff

FIELDS = ("slug", "name", "population", "template")
T = TypeVar("T")


class PlatformController(Controller):
    path = "/plattform"
    guards = [platform_role("platform_admin")]

    @get("/", name="platform")
    async def page(self, request: Request, staff: NamedDependency[Staff]) -> Template:
        return await _render(request, staff, form={"template": "kommune"}, errors={})

    @post("/")
    async def create_tenant(self, request: Request, staff: NamedDependency[Staff]) -> Template | Redirect:
        form = {key: value.strip() for key, value in (await request.form()).items() if isinstance(value, str)}
        platform: Platform = request.app.state.platform
        ctx = staff.acting()
        errors: dict[str, str] = {}
        slug, name, population, template = (
            _checked(errors, "slug", lambda: require_slug(parsing.text("slug", form.get("slug", ""), max_length=100))),
            _checked(errors, "name", lambda: parsing.text("name", form.get("name", ""), max_length=200, required=True)),
            _checked(
                errors,
                "population",
                lambda: parsing.optional_whole_number("population", form.get("population", ""), high=MAX_POPULATION),
            ),
            _checked(errors, "template", lambda: parsing.choice("template", form.get("template", ""), TEMPLATES)),
        )
        try:
            if not errors:
                await anyio.to_thread.run_sync(
                    lambda: platform.create_tenant(
                        ctx, slug=str(slug), name=str(name), population=population, template=str(template)
                    )
                )
        except DomainError as error:
            errors = {error.field if error.field in FIELDS else "form": error.message}
        if errors:
            return await _render(request, staff, form=form, errors=errors, status=422)
        if not request.headers.get("hx-request"):
            return Redirect("/plattform", status_code=303)
        return await _render(request, staff, form={"template": "kommune"}, errors={}, created=form.get("slug"))

    @post("/kontoer/{account_id:str}/deaktiver")
    async def deactivate(
        self, request: Request, account_id: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        return await _set_active(request, account_id, staff, active=False)

    @post("/kontoer/{account_id:str}/aktiver")
    async def reactivate(
        self, request: Request, account_id: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        return await _set_active(request, account_id, staff, active=True)


def _checked(errors: dict[str, str], name: str, check: Callable[[], T]) -> T | None:
    """The checked value, or None with the reason kept at its field: every field is checked, so all show at once."""
    try:
        return check()
    except InvalidField as refused:
        errors[name] = refused.message
        return None


async def _set_active(request: Request, account_id: str, staff: Staff, *, active: bool) -> Template | Redirect:
    """The platform's own accounts only (network, platform administrators): a tenant's account is not found here."""
    platform: Platform = request.app.state.platform
    ctx = staff.acting()
    try:
        await anyio.to_thread.run_sync(
            lambda: platform.set_account_active(ctx, SetAccountActive(account_id, None, active))
        )
    except AccountNotFound:
        raise NotFoundException() from None
    except DomainError as error:
        return await _render(
            request,
            staff,
            form={"template": "kommune"},
            errors={},
            account_errors={account_id: error.message},
            status=422,
        )
    return Redirect("/plattform#kontoer", status_code=303)


async def _render(
    request: Request,
    staff: Staff,
    *,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
    created: str | None = None,
    account_errors: dict[str, str] | None = None,
) -> Template:
    profiles = await anyio.to_thread.run_sync(request.app.state.platform.profiles)
    tenants = [profile for profile in profiles.values() if profile is not None]
    accounts = await platform_accounts(request.app.state.db)
    chains = await audit_status.every_chain(request.app.state.db)  # the worker's last verdict on each audit chain
    context = {
        "staff": staff,
        "tenants": tenants,
        "unreadable": [slug for slug, profile in profiles.items() if profile is None],
        "quarantined": await quarantine.by_tenant(request.app.state.db),  # projections set aside, per kommune
        "form": form,
        "errors": errors,
        "templates": list(TEMPLATES),
        "created": created,
        "active": "platform",
        "accounts": accounts,
        "chains": chains,
        "broken_chains": [chain for chain in chains if not chain.holds],
        "tenant_names": {tenant.slug: tenant.name for tenant in tenants},
        "account_errors": account_errors or {},
    }
    if request.headers.get("hx-request"):
        return HTMXBlockTemplate(
            template_name="platform/page.html", block_name="kommuner", context=context, status_code=status
        )
    return Template("platform/page.html", context=context, status_code=status)
