"""Builds the Litestar application from what the composition root hands it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import redis.asyncio as aioredis
from litestar import Litestar
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from services.platform import Platform
from web.health import HealthController
from web.home import HomeController

TEMPLATES = Path(__file__).parent / "templates"


def create_app(platform: Platform, database_url: str, redis_url: str) -> Litestar:
    @asynccontextmanager
    async def connections(app: Litestar) -> AsyncIterator[None]:
        app.state.db = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
        app.state.redis = aioredis.from_url(redis_url)
        try:
            yield
        finally:
            await app.state.redis.aclose()
            await app.state.db.close()

    app = Litestar(
        route_handlers=[HomeController, HealthController],
        lifespan=[connections],
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
    )
    app.state.platform = platform
    return app
