"""The office's inquiry list: filters, live search as you type, sorting and pages, from the case list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import anyio.to_thread
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from domain.account import TENANT_ROLES
from domain.common import today_in_norway
from projections.reading import tenant_transaction
from projections.report_documents import labels
from services.office import TenantProfile
from web.sessions import Staff, current_staff

PAGE_SIZE = 50
_SORTS = {
    "nyeste": "received_on DESC, reference DESC",
    "eldste": "received_on, reference",
    "referanse": "reference",
}
_LIST_COLUMNS = (
    "reference, received_on, status, primary_area, case_types, assignee, first_response_on, resolved_on,"
    " (first_response_on IS NULL AND resolved_on IS NULL AND received_on + interval '1 month' < current_date) AS overdue,"
    " (received_on + interval '1 month')::date AS reply_due"
)


@dataclass(frozen=True)
class ListFilters:
    status: str = ""
    area: str = ""
    case_type: str = ""
    assignee: str = ""
    year: int | None = None
    q: str = ""
    sort: str = "nyeste"
    page: int = 1

    def where(self) -> tuple[str, list[Any]]:
        """SQL conditions with numbered parameters (each `?` of a condition is its one value); RLS adds the tenant."""
        conditions, params = ["true"], []

        def add(condition: str, value: Any) -> None:
            params.append(value)
            conditions.append(condition.replace("?", f"${len(params)}"))

        if self.status in ("open", "resolved"):
            add("status = ?", self.status)
        if self.area:
            add("(primary_area = ? OR ? = ANY(further_areas))", self.area)
        if self.case_type:
            add("? = ANY(case_types)", self.case_type)
        if self.assignee:
            add("assignee = ?", self.assignee)
        if self.year:
            add("received_on >= ?", date(self.year, 1, 1))
            add("received_on <= ?", date(self.year, 12, 31))
        if self.q:
            add("(reference ILIKE ? OR assignee ILIKE ?)", "%" + self.q.replace("%", r"\%").replace("_", r"\_") + "%")
        return " AND ".join(conditions), params


class InquiryListController(Controller):
    path = "/{tenant:str}/henvendelser"
    dependencies = {"staff": Provide(current_staff)}

    @get("/", name="inquiries")
    async def listing(
        self,
        request: Request,
        tenant: FromPath[str],
        staff: NamedDependency[Staff],
        status: FromQuery[str] = "",
        area: FromQuery[str] = "",
        case_type: FromQuery[str] = "",
        assignee: FromQuery[str] = "",
        year: FromQuery[str] = "",
        q: FromQuery[str] = "",
        sort: FromQuery[str] = "nyeste",
        page: FromQuery[str] = "1",
    ) -> Template:
        """Query values come from a plain GET form too, so an empty or odd value means "no filter"."""
        staff.require_tenant(tenant, TENANT_ROLES)
        filters = ListFilters(status, area, case_type, assignee.strip(), _number(year, 2000, 2100), q.strip()[:40],
                              sort if sort in _SORTS else "nyeste", _number(page, 1, 100_000) or 1)  # fmt: skip
        profile = await _profile(request, tenant)
        where, params = filters.where()
        offset = (filters.page - 1) * PAGE_SIZE
        async with tenant_transaction(request.app.state.db, tenant) as conn:
            total = await conn.fetchval(f"SELECT count(*) FROM read.inquiries WHERE {where}", *params)
            rows = await conn.fetch(
                f"SELECT {_LIST_COLUMNS} FROM read.inquiries WHERE {where}"
                f" ORDER BY {_SORTS[filters.sort]} LIMIT {PAGE_SIZE} OFFSET {offset}",
                *params,
            )
            assignees = [r["assignee"] for r in await conn.fetch(
                "SELECT DISTINCT assignee FROM read.inquiries WHERE assignee IS NOT NULL ORDER BY 1")]  # fmt: skip
        context = {
            "staff": staff, "profile": profile, "filters": filters, "rows": rows, "total": total,
            "pages": max(1, -(-total // PAGE_SIZE)), "names": labels(profile), "assignees": assignees,
            "areas": profile.taxonomy_on(today_in_norway()).areas, "case_types": profile.case_types, "active": "inquiries",
        }  # fmt: skip
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "resultater":
            return HTMXBlockTemplate(template_name="inquiries/list.html", block_name="results", context=context)
        return Template("inquiries/list.html", context=context)


def _number(text: str, low: int, high: int) -> int | None:
    return int(text) if text.strip().isdigit() and low <= int(text) <= high else None


async def _profile(request: Request, tenant: str) -> TenantProfile:
    return await anyio.to_thread.run_sync(lambda: request.app.state.platform.office(tenant).profile())
