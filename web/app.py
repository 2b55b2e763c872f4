"""Builds the Litestar application from what the composition root hands it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import anyio
from litestar import Litestar, Request
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from opentelemetry import metrics

from projections.network_report import NetworkReports
from projections.safe_login import refuse_unsafe_login
from services.attachments import Limits
from services.audit.access_log import written_counter
from services.platform import Platform
from web.access_log import AccessLogController
from web.access_report import AccessReportController
from web.admin import AdminController
from web.archive import ArchiveController
from web.attachments import AttachmentController
from web.audit_witness import CheckpointListController
from web.auth import AuthController
from web.case_page import CasePageController
from web.client_address import Network
from web.connections import ReadPool, open_redis
from web.contact import ContactController
from web.csrf import CsrfTokens, SessionCsrfMiddleware
from web.dashboard import DashboardController
from web.erasure import ErasureController
from web.errors import error_pages
from web.health import HealthController
from web.home import HomeController
from web.i18n import template_environment
from web.inquiries import InquiryListController
from web.inquiry_history import InquiryHistoryController
from web.invitations import InvitationController
from web.letters import LetterController, LetterheadController
from web.national_groups import NationalGroupsController
from web.network import NetworkController
from web.new_inquiry import NewInquiryController
from web.offices import tenant_office, tenant_profile
from web.outages import exception_handlers as outage_handlers
from web.outreach import OutreachController
from web.platform_admin import PlatformController
from web.privacy import PrivacyStatementAdminController, PrivacyStatementController
from web.query import plain_file_path
from web.retention import LegalHoldController, RetentionController
from web.security_headers import security_headers
from web.sessions import SignInRequired, current_staff
from web.statistics import StatisticsController
from web.tenant_page import tenant_page

TEMPLATES = Path(__file__).parent / "templates"
# Reports as delivered recomputed at once per process: each folds every event of its tenant on its own connection.
RECOMPUTATIONS = 2
STATIC = Path(__file__).parent / "static"


def _to_sign_in(request: Request, _: SignInRequired) -> Redirect:
    return Redirect(f"/login?neste={quote(request.url.path, safe='/')}", status_code=303)


def create_app(
    platform: Platform,
    database_url: str,
    redis_url: str,
    *,
    secure_cookies: bool = True,
    hsts_max_age: int = 0,
    session_max_hours: int = 12,
    trusted_proxies: Sequence[Network] = (),
    meter_provider: metrics.MeterProvider | None = None,
    network_threshold: int = 4,
    attachment_limits: Limits = Limits(),  # noqa: B008 (frozen: one shared default is safe)
) -> Litestar:
    """`secure_cookies=False` only for plain-HTTP development; browsers send Secure cookies to localhost anyway.

    The rest come from the settings: `hsts_max_age` (OMBUD_HSTS_MAX_AGE, seconds) turns on Strict-Transport-Security
    where TLS serves the site; `session_max_hours` (OMBUD_SESSION_MAX_HOURS); `trusted_proxies` (OMBUD_TRUSTED_PROXIES).
    `meter_provider`: the composition root's when telemetry is on; else the global one (a no-op).
    `network_threshold` (OMBUD_NETWORK_THRESHOLD): the network's figures from 1 to it are suppressed.
    `attachment_limits` (OMBUD_ATTACHMENT_MAX_BYTES, OMBUD_ATTACHMENTS_PER_INQUIRY, OMBUD_PUBLIC_SUBMISSION_MAX_BYTES).
    """

    @asynccontextmanager
    async def connections(app: Litestar) -> AsyncIterator[None]:
        app.state.db = await ReadPool.open(database_url)
        try:
            async with app.state.db.acquire() as conn:
                await refuse_unsafe_login(conn)
        except BaseException:
            await app.state.db.close()
            raise
        app.state.redis = open_redis(redis_url)
        app.state.network_reports = NetworkReports(app.state.db, network_threshold)
        app.state.recomputations = anyio.CapacityLimiter(RECOMPUTATIONS)
        try:
            yield
        finally:
            await app.state.redis.aclose()
            await app.state.db.close()

    cookie_flags = {"httponly": True, "secure": secure_cookies, "samesite": "lax", "path": "/"}
    csrf_tokens = CsrfTokens(platform.derived_secret("csrf").encode(), secure=secure_cookies)
    app = Litestar(
        route_handlers=[
            HomeController,
            HealthController,
            AuthController,
            InquiryListController,
            NewInquiryController,
            DashboardController,
            CasePageController,
            AttachmentController,
            AccessReportController,
            LetterController,
            InquiryHistoryController,
            ErasureController,
            RetentionController,
            LegalHoldController,
            StatisticsController,
            OutreachController,
            AdminController,
            NationalGroupsController,
            LetterheadController,
            ArchiveController,
            AccessLogController,
            ContactController,
            PrivacyStatementController,
            PrivacyStatementAdminController,
            PlatformController,
            InvitationController,
            NetworkController,
            CheckpointListController,
            create_static_files_router(path="/static", directories=[STATIC], name="static", guards=[plain_file_path]),
        ],
        lifespan=[connections],
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(template_environment(TEMPLATES))),
        openapi_config=None,  # HTML pages only: no public map of the routes, no schema viewers from a CDN
        middleware=[DefineMiddleware(SessionCsrfMiddleware, tokens=csrf_tokens)],  # tokens bound to the session
        exception_handlers={**error_pages(), **outage_handlers(), SignInRequired: _to_sign_in},
        dependencies={
            "staff": Provide(current_staff),
            "profile": Provide(tenant_profile),
            "office": Provide(tenant_office, sync_to_thread=False),
            "here": Provide(tenant_page),  # request, tenant, staff and profile as one (web/tenant_page.py)
        },
        before_send=[security_headers(hsts_max_age=hsts_max_age)],
    )
    app.state.platform = platform
    app.state.attachment_limits = attachment_limits
    # A form with files is read in memory up to this (web/uploads.py): the largest submission and its fields.
    app.state.upload_max_body = (
        max(attachment_limits.public_submission_max_bytes, attachment_limits.max_bytes) + 1_000_000
    )
    app.state.database_url = database_url  # for the audit chain's psycopg work (web/statistics.py)
    app.state.profiles = {}  # web.offices keeps each tenant's profile here for a few seconds
    app.state.cookie_flags = cookie_flags
    app.state.csrf_tokens = csrf_tokens  # sign-in hands out a token for the new session (web/auth.py)
    app.state.session_max_seconds = session_max_hours * 60 * 60
    app.state.trusted_proxies = tuple(trusted_proxies)
    meter = (meter_provider or metrics.get_meter_provider()).get_meter("web")
    app.state.access_records_written = written_counter(meter)
    app.state.sign_in_failures = meter.create_counter(
        "ombud.sign_in.failures",
        unit="{attempt}",
        description="Sign-ins refused: wrong address or password (credentials), or too many failures (throttled)",
    )
    return app
