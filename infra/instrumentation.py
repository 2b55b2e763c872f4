"""Where spans and measurements start for the parts infra wires: web requests, asyncpg and Redis calls."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from typing import Any

import asyncpg
from litestar import Litestar
from opentelemetry import trace
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.metrics import MeterProvider
from opentelemetry.trace import SpanKind, StatusCode, TracerProvider

from infra.log_records import type_name

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
# Seconds (OpenTelemetry's semantic conventions for http.server.request.duration).
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0)
_ASYNCPG_METHODS = ("execute", "executemany", "fetch", "fetchval", "fetchrow")
_OPERATION = re.compile(r"\s*([A-Za-z]+)")


def trace_requests(app: Litestar, tracer_provider: TracerProvider, meter_provider: MeterProvider) -> None:
    """Wraps the app's request handling: one server span per request, named `METHOD /route/{template}` once the
    router has matched (the raw path and query never), and its duration by route, method and status code."""
    tracer = tracer_provider.get_tracer("infra.http")
    duration = meter_provider.get_meter("infra.http").create_histogram(
        "http.server.request.duration",
        unit="s",
        description="Time from the request's arrival to the end of its answer",
        explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
    )
    inner = app.asgi_handler

    async def traced(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        method = scope.get("method", "")
        method = method if method in METHODS else "_OTHER"
        status = 500

        async def sending(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        started = time.perf_counter()
        with tracer.start_as_current_span(
            method, kind=SpanKind.SERVER, record_exception=False, set_status_on_exception=False
        ) as span:
            try:
                await inner(scope, receive, sending)
            except BaseException as error:
                span.add_event("exception", {"exception.type": type_name(error), "exception.escaped": True})
                raise
            finally:
                route = scope.get("path_template")  # the router sets it when a route matched
                attributes: dict[str, Any] = {"http.request.method": method, "http.response.status_code": status}
                if route:
                    attributes["http.route"] = route
                    span.update_name(f"{method} {route}")
                span.set_attributes(attributes)
                if status >= 500:
                    span.set_status(StatusCode.ERROR)
                duration.record(time.perf_counter() - started, attributes)

    async def note_exception(error: Exception, _scope: Any) -> None:
        """An exception the app answers itself (a 404, a 500 page): the request's span says its type."""
        trace.get_current_span().add_event("exception", {"exception.type": type_name(error)})

    app.asgi_handler = traced
    app.after_exception.append(note_exception)


def trace_asyncpg(tracer_provider: TracerProvider) -> Callable[[], None]:
    """Every query of an asyncpg connection as a client span with its statement (the redaction step strips its
    literals; the values go as bind parameters and are never recorded). Returns the undo."""
    tracer = tracer_provider.get_tracer("infra.asyncpg")
    originals = {name: getattr(asyncpg.Connection, name) for name in _ASYNCPG_METHODS}
    if any(hasattr(method, "__traced__") for method in originals.values()):
        return lambda: None  # another provider traces them already

    def wrap(method: Any) -> Any:
        @functools.wraps(method)
        async def traced(self: asyncpg.Connection, query: Any, *args: Any, **kwargs: Any) -> Any:
            text = query if isinstance(query, str) else ""
            match = _OPERATION.match(text)
            operation = match.group(1).upper() if match else "QUERY"
            with tracer.start_as_current_span(
                operation,
                kind=SpanKind.CLIENT,
                attributes={
                    "db.system.name": "postgresql",
                    "db.operation.name": operation,
                    "db.query.text": text,
                },
                record_exception=False,
                set_status_on_exception=False,
            ) as span:
                try:
                    return await method(self, query, *args, **kwargs)
                except BaseException as error:
                    span.add_event("exception", {"exception.type": type_name(error), "exception.escaped": True})
                    span.set_attribute("error.type", type_name(error))
                    span.set_status(StatusCode.ERROR)
                    raise

        traced.__traced__ = True  # type: ignore[attr-defined]
        return traced

    for name, method in originals.items():
        setattr(asyncpg.Connection, name, wrap(method))

    def undo() -> None:
        for name, method in originals.items():
            setattr(asyncpg.Connection, name, method)

    return undo


def trace_redis(tracer_provider: TracerProvider) -> Callable[[], None]:
    """Redis commands through OpenTelemetry's instrumentation (it writes `COMMAND ? ?`; the redaction step keeps
    the command only). Returns the undo."""
    instrumentor = RedisInstrumentor()
    if instrumentor.is_instrumented_by_opentelemetry:
        return lambda: None
    instrumentor.instrument(tracer_provider=tracer_provider)
    return instrumentor.uninstrument
