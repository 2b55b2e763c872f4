"""The caseworker's overview after sign-in: what is theirs, what is nobody's yet, which replies fall due (fvl. § 11 a),
the year so far."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.response import Template

from domain import deadlines
from domain.account import CASE_WORKERS
from projections import inquiries
from projections.reading import tenant_transaction
from projections.report.model import labels
from projections.staff_accounts import staff_names
from web.guards import tenant_roles
from web.inquiry_rows import inquiry_rows
from web.tenant_page import TenantPage


class DashboardController(Controller):
    path = "/{tenant:str}/oversikt"
    guards = [tenant_roles(CASE_WORKERS)]

    @get("/", name="dashboard")
    async def overview(self, here: NamedDependency[TenantPage]) -> Template:
        today = deadlines.today_in_norway()
        async with tenant_transaction(here.db, here.tenant) as conn:
            mine = await inquiries.my_open_inquiries(conn, here.staff.email)
            unassigned = await inquiries.unassigned(conn)
            due_soon = await inquiries.replies_due_soon(conn, today)
            overdue = await inquiries.overdue(conn, today)
            year = await inquiries.year_at_a_glance(conn, today)
        names = {**labels(here.profile), **(await staff_names(here.db, here.tenant)).by_email}  # codes, people
        lists = {
            key: (inquiry_rows(rows, names, today=today), rows[0]["total"] if rows else 0)
            for key, rows in (("mine", mine), ("unassigned", unassigned), ("due_soon", due_soon), ("overdue", overdue))
        }
        context = {
            "staff": here.staff,
            "profile": here.profile,
            "today": today,
            **lists,
            "year": year,
            "limit": inquiries.LIST_LIMIT,
            "due_soon_days": deadlines.DUE_SOON_DAYS,
            "unassigned_filter": inquiries.UNASSIGNED,
            "active": "dashboard",
        }
        return Template("dashboard/page.html", context=context)
