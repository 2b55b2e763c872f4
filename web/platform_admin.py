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
from services.accounts import INVITATION_VALID_FOR, AccountNotFound, SetAccountActive
from services.audit import status as audit_status
from services.platform import Platform
from web.guards import platform_role
from web.sessions import Staff

FIELDS = ("slug", "name", "population", "template")
T = TypeVar("T")
INVITE_FIELDS = ("tenant", "email", "display_name")


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
                        ctx,
                        slug=str(slug),
                        name=str(name),
                        population=population,
                        template=str(template),
                        shares_statistics=False,  # sharing with the network starts off: the office chooses it
                    )
                )
        except DomainError as error:
            errors = {error.field if error.field in FIELDS else "form": error.message}
        if errors:
            return await _render(request, staff, form=form, errors=errors, status=422)
        if not request.headers.get("hx-request"):
            return Redirect("/plattform", status_code=303)
        created = form.get("slug")  # the new kommune's first administrator is the next step: chosen for the invitation
        return await _render(
            request, staff, form={"template": "kommune"}, errors={}, created=created, invite={"tenant": created or ""}
        )

    @post("/invitasjon")
    async def invite(self, request: Request, staff: NamedDependency[Staff]) -> Template:
        """A one-time link for a kommune's first administrator, shown once here and kept nowhere but its hash."""
        form = {key: value.strip() for key, value in (await request.form()).items() if isinstance(value, str)}
        platform: Platform = request.app.state.platform
        ctx = staff.acting()
        errors: dict[str, str] = {}
        tenant = form.get("tenant", "")
        if tenant not in await anyio.to_thread.run_sync(platform.slugs):
            errors["tenant"] = "velg en av kommunene i listen"
        if not form.get("email"):
            errors["email"] = "skriv e-postadressen til den som skal bli administrator"
        token = None
        if not errors:
            try:
                token = await anyio.to_thread.run_sync(
                    lambda: platform.invite_first_admin(
                        ctx, tenant, email=form.get("email", ""), display_name=form.get("display_name", "")
                    )
                )
            except DomainError as error:
                errors[error.field if error.field in INVITE_FIELDS else "email"] = error.message
        if token is None:
            return await _render(
                request, staff, form={"template": "kommune"}, errors={}, invite=form, invite_errors=errors, status=422
            )
        link = f"{str(request.base_url).rstrip('/')}/invitasjon/{token}"
        return await _render(
            request,
            staff,
            form={"template": "kommune"},
            errors={},
            invite={},
            invitation={"link": link, "tenant": tenant, "hours": INVITATION_VALID_FOR.days * 24},
        )

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
    invite: dict[str, str] | None = None,
    invite_errors: dict[str, str] | None = None,
    invitation: dict[str, object] | None = None,
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
        "invite": invite or {},
        "invite_errors": invite_errors or {},
        "invitation": invitation,
    }
    if invitation is not None or invite_errors:  # a link to hand over: never kept by a cache
        return Template(
            "platform/page.html", context=context, status_code=status, headers={"Cache-Control": "no-store"}
        )
    if request.headers.get("hx-request"):
        return HTMXBlockTemplate(
            template_name="platform/page.html", block_name="kommuner", context=context, status_code=status
        )
    return Template("platform/page.html", context=context, status_code=status)
