"""The national ombud network's page and downloads: the sharing offices' finished years, never a single case."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from markupsafe import Markup

from domain.common import InvalidField
from projections.network_report import HIDDEN, NetworkReports
from projections.network_report_files import FORMATS, MEDIA_TYPES
from web.charts import LineChart, line_chart
from web.guards import platform_role
from web.query import QueryValues
from web.sessions import Staff

YEARS_SHOWN = 10  # the trend: the ten newest finished years with figures
# nettverk-2024.csv, or a span: nettverk-2015-2024.xlsx
_FILE = re.compile(r"nettverk-([0-9]{4})(?:-([0-9]{4}))?\.(json|csv|xlsx)")


class NetworkController(Controller):
    path = "/nettverk"
    guards = [platform_role("network")]

    @get("/", name="network")
    async def page(self, request: Request, staff: NamedDependency[Staff], year: FromQuery[str] = "") -> Template:
        reports: NetworkReports = request.app.state.network_reports
        years = await reports.years()  # newest first
        query = QueryValues()
        wanted = query.year(year)
        if wanted is not None and wanted not in years:
            query.refuse(InvalidField("year", f"ingen tall for {wanted}; velg et avsluttet år i listen"), None)
        chosen = wanted if wanted in years else (years[0] if years else None)
        report_html = None
        if chosen is not None:
            # the trend: the newest years with figures, and the chosen one if it is older
            first = min(chosen, years[:YEARS_SHOWN][-1])
            shown = sorted(y for y in years if y >= first)

            def render(report: dict[str, Any]) -> Markup:
                entry = next(e for e in report["by_year"] if e["year"] == chosen)
                engine = request.app.template_engine
                assert engine is not None  # the app is made with its templates
                html = engine.get_template("network/_report.html").render(
                    report=report,
                    year=chosen,
                    entry=entry,
                    chart=_chart(report, shown),
                    trend_years=shown,
                    trend_rows=_trend_rows(report, shown),
                    shown=shown_cell,
                    released=_released(entry),
                )
                return Markup(html)  # noqa: S704 (the template's own output, escaped as it rendered)

            # The tables of 400 offices take a while to render: once per report and year, kept with the report.
            report_html = await reports.file(first, years[0], f"html-{chosen}", render)
        context = {
            "staff": staff,
            "active": "network",
            "years": years,
            "year": chosen,
            "has_figures": report_html is not None,
            "report_html": report_html,
            "notices": query.notices,
        }
        return Template("network/page.html", context=context, status_code=query.status_code)

    @get("/{file:str}", name="network-file")
    async def download(self, request: Request, file: FromPath[str]) -> Response[bytes]:
        """The report of one finished year, or of a span of them, as JSON, CSV or XLSX."""
        match = _FILE.fullmatch(file)
        if match is None:
            raise NotFoundException()
        first = int(match[1])
        last = int(match[2] or match[1])
        kind = match[3]
        reports: NetworkReports = request.app.state.network_reports
        try:
            body = await reports.file(first, last, kind, FORMATS[kind])
        except InvalidField:  # a year not yet over, or a span backwards: no such file
            raise NotFoundException() from None
        return Response(
            body,
            media_type=MEDIA_TYPES[kind],
            headers={"Content-Disposition": f'attachment; filename="{file}"', "Cache-Control": "no-store"},
        )


def shown_cell(value: Any, hidden: Markup) -> Markup | str:
    """A published cell as the tables show it: `hidden` (the template's `:` and its word for screen readers), «–», or
    the number as Norwegian writes it (1 234 and 6,5: babel's bokmål #,##0.###, without its cost on 16,000 cells)."""
    if value == HIDDEN:
        return hidden
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.3f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return text.replace(",", "\u00a0").replace(".", ",")


def _trend_rows(report: dict[str, Any], years: list[int]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The trend table's rows: the network's figures in the years with figures, in the page's words."""
    national = report["trend"]["national"]
    at = [report["trend"]["years"].index(year) for year in years]
    rows = [
        ("Henvendelser", national["inquiries"]),
        ("Per 10 000 innbyggere", national["inquiries_per_10000_inhabitants"]),
        *((group["name"], national["by_national_group"][group["code"]]) for group in report["groups"]),
        *((measure["name"], national[measure["code"]]) for measure in report["measures"]),
        ("Median dager til avslutning", national["median_days_to_resolution"]),
    ]
    return [(label, [cells[i] for i in at]) for label, cells in rows]


def _chart(report: dict[str, Any], years: list[int]) -> LineChart | None:
    """The network's inquiries per national group over the finished years; a hidden figure is a gap, never a 0."""
    shown = sorted(years)
    index = {entry["year"]: entry for entry in report["by_year"]}
    series = {
        group["name"]: [_number(index[year]["national"]["by_national_group"][group["code"]]) for year in shown]
        for group in report["groups"]
    }
    return line_chart(shown, series)


def _number(value: Any) -> int | None:
    return None if value == HIDDEN else value


def _released(entry: dict[str, Any]) -> str:
    """The day the year's release shown was made, as Norwegian writes a date (07.12.2026)."""
    return date.fromisoformat(entry["release"]["released"]).strftime("%d.%m.%Y") if entry["release"] else ""
