"""The office's statistics page, its annual report downloads (JSON, CSV, XLSX, DOCX) and delivery to the council."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import closing
from typing import Any, TypeVar
from urllib.parse import urlencode

import anyio.to_thread
import psycopg
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from domain.account import REPORT_DELIVERERS, REPORT_READERS
from domain.common import OSLO, InvalidField
from domain.parsing import MAX_YEAR, MIN_YEAR, whole_number
from projections import delivered_reports
from projections.annual_report import annual_report, report_history, report_years
from projections.area_trend import area_trend
from projections.reading import tenant_transaction
from projections.report.files import DOCUMENTS, FORMATS, MEDIA_TYPES, render
from projections.report.model import key_figures, labels
from web.charts import LineChart, line_chart
from web.guards import tenant_roles
from web.offices import tenant_profile
from web.query import LABELS, QueryValues
from web.sessions import Staff
from web.statistics_view import download_taxonomy, is_unfinished, sections, taxonomy_choice, today, trend_version
from web.tenant_page import TenantPage

T = TypeVar("T")
_FILE = re.compile(rf"arsrapport-([0-9]{{4}})\.({'|'.join(FORMATS)})")  # ASCII digits: `\d` matches ²


class StatisticsController(Controller):
    path = "/{tenant:str}/statistikk"
    guards = [tenant_roles(REPORT_READERS)]

    @get("/", name="statistics")
    async def page(
        self,
        here: NamedDependency[TenantPage],
        year: FromQuery[str] = "",
        taksonomi: FromQuery[str] = "",
        som_levert: FromQuery[str] = "",
        levert: FromQuery[str] = "",
    ) -> Template:
        query = QueryValues()
        wanted = query.year(year)
        as_delivered = query.choice("som_levert", som_levert, ("0", "1"), default="0") == "1"
        just_delivered = query.choice("levert", levert, ("0", "1"), default="0") == "1"
        return await _page(
            here.request,
            here.tenant,
            here.staff,
            wanted,
            taksonomi,
            query=query,
            as_delivered=as_delivered,
            just_delivered=just_delivered,
        )

    @post("/levert", name="deliver-annual-report", guards=[tenant_roles(REPORT_DELIVERERS)])
    async def deliver(
        self, request: Request, tenant: FromPath[str], staff: NamedDependency[Staff]
    ) -> Template | Redirect:
        """Marks the year's report (the figures on the page) as delivered to the council, then goes back to the page
        (post-redirect-get: a reload shows the page again rather than delivering once more)."""
        form = await request.form()
        typed, named = form.get("year", ""), form.get("taksonomi", "")
        named = named if isinstance(named, str) else "\x00"
        office = request.app.state.platform.office(tenant)
        try:
            year = whole_number("year", typed if isinstance(typed, str) else "", low=MIN_YEAR, high=MAX_YEAR)
            version = download_taxonomy(named, await tenant_profile(request, tenant), year)
            delivery = await _on_connection(
                request, lambda conn: delivered_reports.deliver(conn, office, year, version, staff.account_id)
            )
        except InvalidField as refused:  # not a year, a year without inquiries, or a version it can not be shown in
            problem = f"{LABELS.get(refused.field or '', refused.field or '')}: {refused.message}"
            return await _page(request, tenant, staff, None, problem=problem, status=400)
        except delivered_reports.StatisticsBehind as behind:
            return await _page(request, tenant, staff, year, named, problem=behind.message, status=409)
        shown = urlencode({"year": delivery.year, "taksonomi": named, "levert": "1"})
        return Redirect(f"/{tenant}/statistikk?{shown}#levering", status_code=303)

    @get("/{file:str}", name="annual-report-file")
    async def download(
        self, here: NamedDependency[TenantPage], file: FromPath[str], taksonomi: FromQuery[str] = ""
    ) -> Response[Any]:
        profile = here.profile
        """The year's report under the page's taxonomy version (`taksonomi`, as on the page)."""
        year, kind = _report_file(file)
        try:
            version = download_taxonomy(taksonomi, profile, year)
        except InvalidField as refused:
            raise ClientException(refused.message) from None
        async with tenant_transaction(here.db, here.tenant) as conn:
            report = await annual_report(conn, profile, year, version)
            history = await report_history(conn, profile, year, version) if kind in DOCUMENTS else None
        body = await anyio.to_thread.run_sync(render, kind, report, profile, history, today())
        return Response(
            body,
            media_type=MEDIA_TYPES[kind],
            headers={
                "Content-Disposition": f'attachment; filename="{here.tenant}-{file}"',
                "Cache-Control": "no-store",
            },
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


async def _page(
    request: Request,
    tenant: str,
    staff: Staff,
    wanted: int | None,
    taksonomi: str = "",
    *,
    query: QueryValues | None = None,
    as_delivered: bool = False,
    problem: str | None = None,
    just_delivered: bool = False,
    status: int | None = None,
) -> Template:
    """The year's report under the chosen taxonomy version; with `as_delivered`, the figures of its latest delivery
    recomputed, and what changed since. An htmx request for the report gets the report's block only."""
    query = query or QueryValues()
    profile = await tenant_profile(request, tenant)
    async with tenant_transaction(request.app.state.db, tenant) as conn:
        years = await report_years(conn)
        if wanted is not None and years and wanted not in years:
            query.refuse(InvalidField("year", f"ingen henvendelser er registrert for {wanted}"), None)
        chosen = wanted if wanted in years else (years[0] if years else None)
        choice = taxonomy_choice(query, taksonomi, profile, chosen)
        version = choice.version
        report = await annual_report(conn, profile, chosen, version) if chosen else None
        previous = await annual_report(conn, profile, chosen - 1) if chosen and chosen - 1 in years else None
        delivery = await delivered_reports.latest(conn, chosen, version) if chosen else None
        trend = await area_trend(conn, profile, years, trend_version(profile, choice, years))
    names = labels(profile)
    recomputed = None
    if as_delivered and delivery is not None and chosen is not None:
        office = request.app.state.platform.office(tenant)
        recomputed = await _on_connection(
            request, lambda conn: delivered_reports.as_delivered(conn, office, chosen, version)
        )
    shown = recomputed.report if recomputed else report
    unfinished = chosen is not None and is_unfinished(chosen)
    context = {
        "staff": staff,
        "profile": profile,
        "years": years,
        "year": chosen,
        "report": shown,
        "names": names,
        "choice": choice,
        "unfinished": unfinished,
        "today": today(),
        "figures": key_figures(shown, previous, unfinished=unfinished) if shown else [],
        "previous_year": chosen - 1 if previous and chosen is not None else None,
        "sections": sections(shown, profile) if shown else [],
        "trend": trend,
        "chart": _chart(trend, names),
        "trend_unfinished": trend is not None and is_unfinished(trend["years"][-1]),
        "active": "statistics",
        "notices": query.notices,
        "delivery": delivery,
        "delivered_at": delivery.delivered_at.astimezone(OSLO) if delivery else None,
        "may_deliver": staff.role in REPORT_DELIVERERS,
        "as_delivered": recomputed,
        "changed_since": _rows(recomputed.changed_since, names) if recomputed else [],
        "deviations": _rows(recomputed.deviations, names) if recomputed else [],
        "delivered_now": delivery if just_delivered else None,  # after marking it, the page says so once more
        "problem": problem,
    }
    code = status or query.status_code
    if request.headers.get("hx-request") and request.headers.get("hx-target") == "statistikk":
        return HTMXBlockTemplate(
            template_name="statistics/page.html", block_name="statistikk", context=context, status_code=code
        )
    return Template("statistics/page.html", context=context, status_code=code)


def _chart(trend: dict[str, Any] | None, names: dict[str, str]) -> LineChart | None:
    """The trend's lines by area name; a year without figures is a gap, the year still running is marked."""
    if not trend:
        return None
    series = {names.get(code, code): counts for code, counts in trend["by_parent_area"].items()}
    last = trend["years"][-1]
    return line_chart(trend["years"], series, unfinished=last if is_unfinished(last) else None)


def _rows(changes: list[delivered_reports.Change], names: dict[str, str]) -> list[tuple[str, Any, Any, Any]]:
    """What changed, as the table shows it: the figure by name, before, after, and the difference."""
    return [(change.name(names), change.before, change.after, change.difference) for change in changes]


async def _on_connection(request: Request, work: Callable[[psycopg.Connection[Any]], T]) -> T:
    """Runs `work` in a worker thread on a connection of its own (psycopg, autocommit: the audit chain's way).

    A recomputation folds every event of the tenant, so a process runs at most RECOMPUTATIONS of them at once.
    """
    url = request.app.state.database_url

    def run() -> T:
        with closing(psycopg.connect(url, autocommit=True)) as conn:
            return work(conn)

    return await anyio.to_thread.run_sync(run, limiter=request.app.state.recomputations)
