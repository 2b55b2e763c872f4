"""Every response's security headers in one place, so no page, error or download can go out without them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

STATIC_PREFIX = "/static/"

# Scripts and styles only from our own files: no inline script or style, no eval (htmx is told the same in
# base.html's htmx-config). Images may be data: URIs because Designsystemet's CSS draws its icons that way.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
ALWAYS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    "cross-origin-opener-policy": "same-origin",
}
# Pages, fragments, downloads and errors may carry names and case summaries: no browser or proxy may keep them.
NOT_STORED = "no-store"


def security_headers(*, hsts_max_age: int = 0) -> Callable[[Message, Scope], Awaitable[None]]:
    """A `before_send` hook; `hsts_max_age` > 0 (seconds) only where the site is served over TLS."""
    headers = dict(ALWAYS)
    if hsts_max_age > 0:
        headers["strict-transport-security"] = f"max-age={hsts_max_age}"

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        response = MutableScopeHeaders.from_message(message)
        for name, value in headers.items():
            response[name] = value
        if not scope["path"].startswith(STATIC_PREFIX):
            response["cache-control"] = NOT_STORED

    return add_headers
