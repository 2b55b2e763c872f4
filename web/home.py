"""The landing page: what runs here, with no case data; signed in, the way to one's own pages."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from web.auth import start_page
from web.sessions import signed_in_staff


class HomeController(Controller):
    path = "/"

    @get("/")
    async def home(self, request: Request) -> Template:
        staff = await signed_in_staff(request)
        start = start_page(staff) if staff else None
        return Template(template_name="home/index.html", context={"staff": staff, "start": start})
