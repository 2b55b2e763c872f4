"""The office's statistics page and the annual report downloads (JSON, CSV, XLSX, DOCX) for its staff."""

from __future__ import annotations

import re
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template

from domain.account import REPORT_READERS
from domain.common import InvalidField
from domain.parsing import MAX_YEAR, MIN_YEAR, whole_number
from projections.annual_report import annual_report, report_years
from projections.area_trend import area_trend
from projections.reading import tenant_transaction
from projections.report_documents import KEY_FIGURES, TITLES, as_docx, as_xlsx, labels
from projections.report_formats import as_csv, as_json
from web.charts import line_chart
from web.offices import tenant_profile
from web.query import QueryValues
from web.sessions import Staff, current_staff

_FILE = re.compile(r"arsrapport-([0-9]{4})\.(json|csv|xlsx|docx)")  # ASCII digits: `\d` matches ²
_MEDIA = {
    "json": "application/json",
    "csv": "text/csv",  # Litestar adds the charset to text/* itself
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class StatisticsController(Controller):
    path = "/{tenant:str}/statistikk"
    dependencies = {"staff": Provide(current_staff)}

    @get("/", name="statistics")
    async def page(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff], year: FromQuery[str] = ""
    ) -> Template:
        staff.require_tenant(tenant, REPORT_READERS)
        query = QueryValues()
        wanted = query.year(year)
        profile = await tenant_profile(request, tenant)
        async with tenant_transaction(request.app.state.db, tenant) as conn:
            years = await report_years(conn)
            chosen = wanted if wanted in years else (years[0] if years else None)
            report = await annual_report(conn, profile, chosen) if chosen else None
            trend = await area_trend(conn, profile, years)
        names = labels(profile)
        series = {names.get(code, code): counts for code, counts in (trend or {}).get("by_parent_area", {}).items()}
        chart = line_chart(trend["years"], series) if trend else None
        return Template(
            "statistics/page.html",
            context={
                "staff": staff,
                "profile": profile,
                "years": years,
                "year": chosen,
                "report": report,
                "names": names,
                "key_figures": KEY_FIGURES,
                "titles": TITLES,
                "trend": trend,
                "chart": chart,
                "active": "statistics",
                "notices": query.notices,
            },
            status_code=query.status_code,
        )

    @get("/{file:str}", name="annual-report-file")
    async def download(
        self, request: Request, tenant: FromPath[str], file: FromPath[str], staff: NamedDependency[Staff]
    ) -> Response[Any]:
        staff.require_tenant(tenant, REPORT_READERS)
        year, kind = _report_file(file)
        profile = await tenant_profile(request, tenant)
        async with tenant_transaction(request.app.state.db, tenant) as conn:
            report = await annual_report(conn, profile, year)
        if kind == "json":
            body: bytes | str = as_json(report)
        elif kind == "csv":
            body = as_csv(report)
        else:
            body = await anyio.to_thread.run_sync(as_xlsx if kind == "xlsx" else as_docx, report, profile)
        return Response(
            body,
            media_type=_MEDIA[kind],
            headers={"Content-Disposition": f'attachment; filename="{tenant}-{file}"', "Cache-Control": "no-store"},
        )


def _report_file(file: str) -> tuple[int, str]:
    """`arsrapport-2024.csv` as (2024, "csv"); any other name, or an implausible year, is a missing page."""
    match = _FILE.fullmatch(file)
    if match is None:
        raise NotFoundException()
    try:
        return whole_number("year", match[1], low=MIN_YEAR, high=MAX_YEAR), match[2]
    except InvalidField:
        raise NotFoundException() from None
