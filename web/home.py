"""The landing page: what runs here, with no case data before sign-in."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template


class HomeController(Controller):
    path = "/"

    @get("/")
    async def home(self) -> Template:
        return Template(template_name="home/index.html")
