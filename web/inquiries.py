"""The office's inquiry list page: filters, live search as you type (an htmx fragment), sorting and pages."""

from __future__ import annotations

from dataclasses import replace

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from domain.access import SEARCH_PURPOSE
from domain.account import TENANT_ROLES
from domain.common import today_in_norway
from projections import inquiries, search_index
from projections.access_log import record_access
from projections.inquiries import ListFilters
from projections.reading import tenant_transaction
from projections.report_documents import labels
from projections.staff_accounts import staff_names
from services.office import Office, TenantProfile
from web.access import tenant_roles
from web.inquiry_rows import inquiry_rows
from web.query import QueryValues
from web.sessions import Staff

STATUSES = ("open", "overdue", "resolved")  # the status filter's choices, as the list template offers them


class InquiryListController(Controller):
    path = "/{tenant:str}/henvendelser"
    guards = [tenant_roles(TENANT_ROLES)]

    @get("/", name="inquiries")
    async def listing(
        self,
        request: Request,
        tenant: FromPath[str],
        staff: NamedDependency[Staff],
        office: NamedDependency[Office],
        profile: NamedDependency[TenantProfile],
        status: FromQuery[str] = "",
        area: FromQuery[str] = "",
        case_type: FromQuery[str] = "",
        assignee: FromQuery[str] = "",
        year: FromQuery[str] = "",
        q: FromQuery[str] = "",
        sort: FromQuery[str] = "nyeste",
        page: FromQuery[str] = "1",
    ) -> Template:
        """Query values come from a plain GET form too: an odd value falls back to "no filter" and says so."""
        query = QueryValues()
        today = today_in_norway()
        filters = ListFilters(
            query.choice("status", status, STATUSES, default=""),
            query.text("area", area, max_length=100),
            query.text("case_type", case_type, max_length=100),
            query.text("assignee", assignee, max_length=200),
            query.year(year),
            query.text("q", q, max_length=40, printable=True),
            query.choice("sort", sort, inquiries.SORTS, default="nyeste"),
            query.number("page", page, low=1, high=100_000, default=1) or 1,
            today=today,
        )
        names = labels(profile)
        people = await staff_names(request.app.state.db, tenant)
        tokens = office.search_tokens(filters.q) if filters.q else []
        async with tenant_transaction(request.app.state.db, tenant) as conn:
            filters = replace(filters, word_hits=tuple(await search_index.matching(conn, tokens)))
            total, rows = await inquiries.page(conn, filters)
            assignees = await inquiries.assignees(conn)
        for row in rows:  # a word hit tells whose case it is or what it is about: recorded before it is shown
            if row["id"] in filters.word_hits:
                await record_access(
                    request.app.state.db,
                    tenant,
                    account_id=str(staff.account_id),
                    role=staff.role,
                    inquiry_id=row["id"],
                    purpose=SEARCH_PURPOSE,
                    channel="search",
                    written=request.app.state.access_records_written,
                )
        context = {
            "staff": staff,
            "profile": profile,
            "filters": filters,
            "rows": inquiry_rows(rows, {**names, **people.by_email}, today=today),
            "total": total,
            "pages": max(1, -(-total // inquiries.PAGE_SIZE)),
            "assignees": [(email, people.of_email(email)) for email in assignees],
            "areas": profile.taxonomy_on(today).areas,
            "case_types": profile.case_types,
            "active": "inquiries",
            "notices": query.notices,
        }
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "resultater":
            return HTMXBlockTemplate(
                template_name="inquiries/list.html",
                block_name="results",
                context=context,
                status_code=query.status_code,
            )
        return Template("inquiries/list.html", context=context, status_code=query.status_code)
