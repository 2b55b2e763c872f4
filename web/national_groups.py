"""The tenant administrator maps each service area of a taxonomy version to a national group, for the network.

The network compares offices whose own areas differ (Drammen's nine, Trondheim's sectors and units) by the fixed
national groups of domain/national_groups.py. One form per version, every area at once: a form with one odd value
saves nothing and comes back with the message at that area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from domain import parsing
from domain.common import DomainError, InvalidField, today_in_norway
from domain.national_groups import NATIONAL_GROUPS
from domain.taxonomy import ServiceArea, Taxonomy
from services.case_commands import MapNationalGroups
from services.office import Office, TenantProfile
from web.guards import tenant_roles
from web.offices import forget_profile, tenant_profile
from web.query import QueryValues
from web.sessions import Staff
from web.tenant_page import TenantPage

ADMINS = ("tenant_admin",)
FIELD = "gruppe."  # each select is named after its area: gruppe.<area code>
# The form's own fields besides the areas' selects.
OWN_FIELDS = frozenset({"_csrf_token", "versjon"})


@dataclass(frozen=True)
class AreaRow:
    """One area in the table: its place in the tree, the group shown, and the message at it, if any."""

    index: int
    area: ServiceArea
    depth: int
    group: str
    error: str | None

    @property
    def indent(self) -> int:
        """The stylesheet indents three levels deep; deeper areas stay at the third."""
        return min(self.depth, 3)


class NationalGroupsController(Controller):
    path = "/{tenant:str}/admin/nasjonale-grupper"
    guards = [tenant_roles(ADMINS)]

    @get("/", name="national_groups")
    async def page(
        self, here: NamedDependency[TenantPage], versjon: FromQuery[str] = "", lagret: FromQuery[str] = ""
    ) -> Template:
        query = QueryValues()
        version = _version(query, here.profile, versjon)
        return _page(
            here.staff, here.profile, version, {"notices": query.notices, "saved": lagret == "1"}, query.status_code
        )

    @post("/")
    async def save(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff], office: NamedDependency[Office]
    ) -> Template | Redirect:
        forget_profile(request, tenant)  # check against the versions as they are now
        profile = await tenant_profile(request, tenant)
        form = list((await request.form()).multi_items())
        typed = [value for name, value in form if name == "versjon"]
        try:
            if len(typed) != 1 or not isinstance(typed[0], str):
                raise InvalidField("versjon", "må oppgis én gang")
            version = parsing.whole_number("versjon", typed[0], low=1, high=len(profile.taxonomies))
        except InvalidField as refused:
            problem: dict[str, Any] = {"form_errors": [f"Taksonomiversjon: {refused.message}"]}
            return _page(staff, profile, profile.taxonomies[-1].version, problem, 422)
        groups, kept, area_errors, form_errors = _parse(form, profile.taxonomy(version))
        if not area_errors and not form_errors:
            command = MapNationalGroups(version=version, groups=groups, on=today_in_norway())
            try:
                await anyio.to_thread.run_sync(lambda: office.handle(staff.acting(), command))
            except DomainError as error:
                form_errors.append(error.message)
            else:
                forget_profile(request, tenant)
                return Redirect(f"/{tenant}/admin/nasjonale-grupper?versjon={version}&lagret=1", status_code=303)
        problem = {"kept": kept, "area_errors": area_errors, "form_errors": form_errors}
        return _page(staff, profile, version, problem, 422)


def _parse(
    form: list[tuple[str, Any]], taxonomy: Taxonomy
) -> tuple[dict[str, str], dict[str, str], dict[str, str], list[str]]:
    """The chosen groups by area; what to show again; messages by area; messages for the whole form.

    Names and values are offered by the page itself, so one that is not is refused without being repeated back.
    """
    codes = {area.code for area in taxonomy.areas}
    offered = [group.code for group in NATIONAL_GROUPS]
    groups: dict[str, str] = {}
    kept: dict[str, str] = {}
    area_errors: dict[str, str] = {}
    form_errors: list[str] = []
    for name, value in form:
        if name in OWN_FIELDS:
            continue
        area = name.removeprefix(FIELD) if name.startswith(FIELD) else None
        if area not in codes:
            message = f"Skjemaet nevner et tjenesteområde som ikke finnes i versjon {taxonomy.version}."
            if message not in form_errors:
                form_errors.append(message)
            continue
        if area in groups or area in area_errors:
            area_errors[area] = "er valgt mer enn én gang"
            continue
        try:
            groups[area] = kept[area] = parsing.choice("national_group", value, offered)
        except InvalidField:
            area_errors[area] = "velg en av de nasjonale gruppene"
    return groups, kept, area_errors, form_errors


def _version(query: QueryValues, profile: TenantProfile, typed: str) -> int:
    """The `versjon` parameter; blank or odd: the newest version (odd with a notice)."""
    newest = profile.taxonomies[-1].version
    chosen = query.number("versjon", typed, low=1, high=parsing.INT_MAX, default=newest)
    if chosen is None or chosen not in {taxonomy.version for taxonomy in profile.taxonomies}:
        return query.refuse(InvalidField("versjon", f"finnes ikke; kommunen har versjon 1–{newest}"), newest)
    return chosen


def area_rows(taxonomy: Taxonomy, groups: dict[str, str], area_errors: dict[str, str] | None = None) -> list[AreaRow]:
    """The version's areas in tree order, each under its parent, with the group to show."""
    errors = area_errors or {}
    children: dict[str | None, list[ServiceArea]] = {}
    for area in taxonomy.areas:
        children.setdefault(area.parent, []).append(area)
    rows: list[AreaRow] = []

    def add(parent: str | None, depth: int) -> None:
        for area in children.get(parent, []):
            rows.append(AreaRow(len(rows) + 1, area, depth, groups[area.code], errors.get(area.code)))
            add(area.code, depth + 1)

    add(None, 0)
    return rows


def _page(staff: Staff, profile: TenantProfile, version: int, outcome: dict[str, Any], status: int = 200) -> Template:
    taxonomy = profile.taxonomy(version)
    shown = {**profile.national_groups.get(version, {}), **outcome.get("kept", {})}
    context = {
        "staff": staff,
        "profile": profile,
        "active": "admin",
        "taxonomy": taxonomy,
        "rows": area_rows(taxonomy, shown, outcome.get("area_errors")),
        "groups": NATIONAL_GROUPS,
        "notices": outcome.get("notices", []),
        "form_errors": outcome.get("form_errors", []),
        "failed": bool(outcome.get("form_errors") or outcome.get("area_errors")),
        "saved": outcome.get("saved", False),
    }
    return Template("admin/national_groups.html", context=context, status_code=status)
