"""The national ombud network's page: the sharing offices' yearly figures side by side, never a single case."""

from __future__ import annotations

import anyio.to_thread
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from domain.taxonomy import STANDARD_CASE_TYPES
from projections.network_statistics import SMALL, network_table, network_years, office_reports
from web.access import platform_role
from web.query import QueryValues
from web.sessions import Staff


class NetworkController(Controller):
    path = "/nettverk"
    guards = [platform_role("network")]

    @get("/", name="network")
    async def page(self, request: Request, staff: NamedDependency[Staff], year: FromQuery[str] = "") -> Template:
        profiles = await anyio.to_thread.run_sync(request.app.state.platform.tenants)
        sharing = [profile for profile in profiles if profile.shares_statistics]
        years = await network_years(request.app.state.db, sharing)
        query = QueryValues()
        wanted = query.year(year)
        chosen = wanted if wanted in years else (years[0] if years else None)
        table = None
        if chosen:
            table = network_table(
                chosen,
                await office_reports(request.app.state.db, sharing, chosen),
                [case_type.code for case_type in STANDARD_CASE_TYPES],
            )
        context = {
            "staff": staff,
            "years": years,
            "year": chosen,
            "table": table,
            "small": SMALL,
            "active": "network",
            "office_rows": list(zip(table.offices, table.rows, strict=True)) if table else [],
            "case_type_names": {case_type.code: case_type.name for case_type in STANDARD_CASE_TYPES},
            "notices": query.notices,
        }
        return Template("network/page.html", context=context, status_code=query.status_code)
