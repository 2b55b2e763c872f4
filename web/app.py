"""Builds the Litestar application from what the composition root hands it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import asyncpg
import redis.asyncio as aioredis
from litestar import Litestar, Request
from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from projections.safe_login import refuse_unsafe_login
from services.platform import Platform
from web.access_log import AccessLogController
from web.admin import AdminController
from web.auth import AuthController
from web.case_page import CasePageController
from web.contact import ContactController
from web.dashboard import DashboardController
from web.health import HealthController
from web.home import HomeController
from web.i18n import template_environment
from web.inquiries import InquiryListController
from web.network import NetworkController
from web.new_inquiry import NewInquiryController
from web.outreach import OutreachController
from web.platform_admin import PlatformController
from web.sessions import SignInRequired
from web.statistics import StatisticsController

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def _to_sign_in(request: Request, _: SignInRequired) -> Redirect:
    return Redirect(f"/login?neste={quote(request.url.path, safe='/')}", status_code=303)


def create_app(platform: Platform, database_url: str, redis_url: str, *, secure_cookies: bool = True) -> Litestar:
    """`secure_cookies=False` only for plain-HTTP development; browsers send Secure cookies to localhost anyway."""

    @asynccontextmanager
    async def connections(app: Litestar) -> AsyncIterator[None]:
        app.state.db = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
        try:
            async with app.state.db.acquire() as conn:
                await refuse_unsafe_login(conn)
        except BaseException:
            await app.state.db.close()
            raise
        app.state.redis = aioredis.from_url(redis_url)
        try:
            yield
        finally:
            await app.state.redis.aclose()
            await app.state.db.close()

    cookie_flags = {"httponly": True, "secure": secure_cookies, "samesite": "lax", "path": "/"}
    app = Litestar(
        route_handlers=[
            HomeController,
            HealthController,
            AuthController,
            InquiryListController,
            NewInquiryController,
            DashboardController,
            CasePageController,
            StatisticsController,
            OutreachController,
            AdminController,
            AccessLogController,
            ContactController,
            PlatformController,
            NetworkController,
            create_static_files_router(path="/static", directories=[STATIC], name="static"),
        ],
        lifespan=[connections],
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(template_environment(TEMPLATES))),
        csrf_config=CSRFConfig(
            secret=platform.derived_secret("csrf"),
            cookie_name="ombud_csrf",
            header_name="x-csrftoken",
            cookie_secure=secure_cookies,
            cookie_samesite="lax",
            cookie_httponly=True,
            exclude=["/health"],
        ),
        exception_handlers={SignInRequired: _to_sign_in},
    )
    app.state.platform = platform
    app.state.profiles = {}  # web.offices keeps each tenant's profile here for a few seconds
    app.state.cookie_flags = cookie_flags
    return app
