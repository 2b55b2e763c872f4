"""While PostgreSQL or Redis is down, users get a "try again shortly" page with 503 and Retry-After, never a 500."""

from __future__ import annotations

import logging

import asyncpg
import eventsourcing.persistence
import psycopg
import redis.exceptions
from litestar import Request, Response
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from litestar.types import ExceptionHandlersMap

from web.errors import answer

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

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
    return answer(request, HTTP_503_SERVICE_UNAVAILABLE, None, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def exception_handlers() -> ExceptionHandlersMap:
    return dict.fromkeys(UNAVAILABLE, unavailable)
