"""The office's inquiry list page: filters, live search as you type (an htmx fragment), sorting and pages."""

from __future__ import annotations

from dataclasses import replace

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, HttpMethod, Request, route
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from domain.account import TENANT_ROLES
from domain.common import InvalidField, today_in_norway
from projections import inquiries, search_index
from projections.inquiries import ListFilters
from projections.reading import tenant_transaction
from projections.report.model import labels
from projections.staff_accounts import staff_names
from services.office import Office, TenantProfile
from web.guards import tenant_roles
from web.inquiry_pages import SEARCH, record_reading
from web.inquiry_rows import inquiry_rows
from web.query import QueryValues
from web.sessions import Staff

STATUSES = ("open", "overdue", "resolved")  # the status filter's choices, as the list template offers them


# The list's form fields, in the address (GET, filters from links) or in the body (POST, the search form).
FIELDS = ("status", "area", "case_type", "assignee", "year", "q", "sort", "page")


class InquiryListController(Controller):
    path = "/{tenant:str}/henvendelser"
    guards = [tenant_roles(TENANT_ROLES)]

    @route("/", http_method=[HttpMethod.GET, HttpMethod.POST], name="inquiries", status_code=200)
    async def listing(
        self,
        request: Request,
        tenant: FromPath[str],
        staff: NamedDependency[Staff],
        office: NamedDependency[Office],
        profile: NamedDependency[TenantProfile],
    ) -> Template:
        """Filters from links and plain GET forms; search words only from the posted search form (with or without
        htmx, its paging and sorting too): a name in an address ends in history and proxy logs."""
        query = QueryValues()
        if request.method == HttpMethod.POST:
            form = await request.form()
            typed = {name: value for name in FIELDS if isinstance(value := form.get(name, ""), str)}
        else:
            typed = {name: request.query_params.get(name, "") for name in FIELDS}
            if typed.pop("q"):
                query.refuse(InvalidField("q", "søkeord sendes med skjemaet, ikke i adressen"), "")
        return await _list(request, tenant, staff, office, profile, query, typed)


async def _list(
    request: Request,
    tenant: str,
    staff: Staff,
    office: Office,
    profile: TenantProfile,
    query: QueryValues,
    typed: dict[str, str],
) -> Template:
    """Odd values fall back to "no filter" and say so. Every inquiry a word search counts is recorded first."""
    today = today_in_norway()
    filters = ListFilters(
        query.choice("status", typed.get("status", ""), STATUSES, default=""),
        query.text("area", typed.get("area", ""), max_length=100),
        query.text("case_type", typed.get("case_type", ""), max_length=100),
        query.text("assignee", typed.get("assignee", ""), max_length=200),
        query.year(typed.get("year", "")),
        query.text("q", typed.get("q", ""), max_length=40, printable=True),
        query.choice("sort", typed.get("sort", ""), inquiries.SORTS, default="nyeste"),
        query.number("page", typed.get("page", ""), low=1, high=100_000, default=1) or 1,
        today=today,
    )
    names = labels(profile)
    people = await staff_names(request.app.state.db, tenant)
    tokens = office.search_tokens(filters.q) if filters.q else []
    async with tenant_transaction(request.app.state.db, tenant) as conn:
        filters = replace(filters, word_hits=tuple(await search_index.matching(conn, tokens)))
        found = await inquiries.page(conn, filters)
        assignees = await inquiries.assignees(conn)
    # A word hit tells whose case it is or what it is about, and so does the count that holds it: each counted
    # hit is recorded before the page is sent, whether its row is on this page or not.
    await record_reading(request, found.counted_hits, SEARCH)
    context = {
        "staff": staff,
        "profile": profile,
        "filters": filters,
        "rows": inquiry_rows(found.rows, {**names, **people.by_email}, today=today),
        "total": found.total,
        "pages": max(1, -(-found.total // inquiries.PAGE_SIZE)),
        "assignees": [(email, people.of_email(email)) for email in assignees],
        "unassigned_filter": inquiries.UNASSIGNED,
        "areas": [(area.code, area.name) for area in profile.taxonomy_on(today).areas],
        "case_types": profile.case_types,
        "active": "inquiries",
        "notices": query.notices,
        "from_form": request.method == "POST",
    }
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "resultater":
        return HTMXBlockTemplate(
            template_name="inquiries/list.html",
            block_name="results",
            context=context,
            status_code=query.status_code,
        )
    return Template("inquiries/list.html", context=context, status_code=query.status_code)
