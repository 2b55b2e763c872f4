"""The web app starts on real PostgreSQL and Redis and says so on /health; the landing page shows no case data."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from services.platform import Platform
from web.app import create_app


async def test_health_reports_both_stores_ok(platform: Platform, database_url: str, redis_url: str) -> None:
    async with AsyncTestClient(app=create_app(platform, database_url, redis_url)) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_health_is_unavailable_when_redis_cannot_be_reached(platform: Platform, database_url: str) -> None:
    unreachable = "redis://127.0.0.1:1/0"
    async with AsyncTestClient(app=create_app(platform, database_url, unreachable)) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}  # which store, and why, is for the log only


async def test_the_landing_page_is_norwegian_and_needs_no_sign_in(
    platform: Platform, database_url: str, redis_url: str
) -> None:
    async with AsyncTestClient(app=create_app(platform, database_url, redis_url)) as client:
        response = await client.get("/")
    assert response.status_code == 200
    assert '<html lang="nb"' in response.text
    assert "kommuneombud" in response.text
