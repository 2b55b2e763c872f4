"""While PostgreSQL or Redis is down, users get a "try again shortly" page with 503 and Retry-After, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable

import asyncpg
import eventsourcing.persistence
import psycopg
import redis.exceptions
from litestar import MediaType, Request, Response
from litestar.response import Template

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "Tjenesten er midlertidig utilgjengelig. Prøv igjen om litt."

# What a store that is restarting, down or overloaded raises; nothing here is a fault in the request or the code.
UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,  # refused, reset, timed out: asyncpg and redis let the socket's error through (TimeoutError is one)
    asyncpg.PostgresConnectionError,  # SQLSTATE 08: ConnectionDoesNotExistError and the like
    asyncpg.exceptions.OperatorInterventionError,  # 57: the server shuts down or is starting (CannotConnectNow)
    asyncpg.exceptions.InsufficientResourcesError,  # 53: too many connections
    psycopg.OperationalError,  # the event store's driver; psycopg_pool's PoolTimeout is one
    eventsourcing.persistence.OperationalError,  # the same, as the event store library re-raises it
    redis.exceptions.ConnectionError,  # BusyLoadingError (Redis reading its file at start) is one
    redis.exceptions.TimeoutError,
)


def unavailable(request: Request, error: Exception) -> Response:
    """The site's page in bokmål, or JSON for a client that asks for JSON; one log line without personal data."""
    handler = getattr(request.scope.get("route_handler"), "handler_name", "-")
    log.warning("web: store unavailable (%s) in %s %s; answered 503", type(error).__name__, request.method, handler)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if _wants_json(request):
        return Response(
            {"status_code": 503, "detail": MESSAGE},
            status_code=503,
            media_type=MediaType.JSON,
            headers=headers,
        )
    return Template(
        template_name="errors/unavailable.html",
        context={"retry_after": RETRY_AFTER_SECONDS},
        status_code=503,
        headers=headers,
    )


def _wants_json(request: Request) -> bool:
    return request.accept.best_match([MediaType.HTML, MediaType.JSON], default=MediaType.HTML) == MediaType.JSON


def exception_handlers() -> dict[type[Exception], Callable[[Request, Exception], Response]]:
    return dict.fromkeys(UNAVAILABLE, unavailable)
