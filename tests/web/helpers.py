"""Helpers the web tests share: sending a form as the browser does, and the steps many pages' tests repeat."""

from __future__ import annotations

from typing import Any

import httpx
from litestar.testing import AsyncTestClient


def csrf(client: AsyncTestClient) -> str:
    """The CSRF token the app set in the client's cookie jar."""
    return client.cookies["ombud_csrf"]


async def post(
    client: AsyncTestClient, path: str, data: dict[str, Any] | None = None, *, htmx: bool = False
) -> httpx.Response:
    """A form sent as the browser sends it: with htmx the token in a header, without JavaScript in the form (and the
    redirect not followed, so the test sees it)."""
    if htmx:
        return await client.post(path, data=data or {}, headers={"HX-Request": "true", "x-csrftoken": csrf(client)})
    return await client.post(path, data={**(data or {}), "_csrf_token": csrf(client)}, follow_redirects=False)
