"""The access log for auditors: who read which inquiry's personal data, when, in which role and why; and who changed
which account."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from domain.account import AUDIT_READERS
from projections import account_records
from projections.reading import tenant_transaction
from projections.staff_accounts import staff_names
from services.audit import access_log
from services.audit.access_report import CHANNEL_NAMES, PURPOSE_NAMES
from web.guards import tenant_roles
from web.query import QueryValues
from web.tenant_page import TenantPage


class AccessLogController(Controller):
    path = "/{tenant:str}/tilgangslogg"
    guards = [tenant_roles(AUDIT_READERS)]

    @get("/", name="access-log")
    async def listing(
        self,
        here: NamedDependency[TenantPage],
        henvendelse: FromQuery[str] = "",
        page: FromQuery[str] = "1",
    ) -> Template:
        """Query values come from a plain GET form: an odd value falls back to its default and says so."""
        query = QueryValues()
        reference = query.text("henvendelse", henvendelse, max_length=40)
        number = query.number("page", page, low=1, high=100_000, default=1) or 1
        async with tenant_transaction(here.db, here.tenant) as conn:
            total, rows = await access_log.page(conn, reference or None, number)
            changes = await account_records.latest(conn)
        emails = (await staff_names(here.db, here.tenant)).by_id  # by name; the email when none is set
        # At the command line the reader is the operator's name (--actor), not an account.
        readers = emails | {row["account_id"]: row["account_id"] for row in rows if row["channel"] == "cli"}
        context = {
            "staff": here.staff,
            "profile": here.profile,
            "rows": rows,
            "total": total,
            "reference": reference,
            "page": number,
            "pages": max(1, -(-total // access_log.PAGE_SIZE)),
            "emails": emails,
            "readers": readers,
            "channel_names": CHANNEL_NAMES,
            "purpose_names": PURPOSE_NAMES,  # as the innsyn letter names them
            "changes": changes,
            "active": "access-log",
            "notices": query.notices,
        }
        return Template("access_log/page.html", context=context, status_code=query.status_code)
