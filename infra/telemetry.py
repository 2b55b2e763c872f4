"""Tracing and logs for operators: tenant, command and exception type, never an input value or exception message."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import Status

from infra.settings import Settings

# An exception's message and stack trace (which ends in the message) carry whatever input the error quotes.
STRIPPED_ATTRIBUTES = frozenset({"exception.message", "exception.stacktrace"})


def configure_tracing(settings: Settings, *exporters: SpanExporter) -> None:
    """Exports spans over OTLP when an endpoint is configured (and to any exporter handed in); otherwise a no-op.

    Every exporter sits behind `WithoutInputValues`, whichever it is.
    """
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    chosen = list(exporters)
    if settings.otlp_endpoint:
        chosen.append(OTLPSpanExporter(endpoint=f"{settings.otlp_endpoint}/v1/traces"))
    if not chosen:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
    for exporter in chosen:
        provider.add_span_processor(WithoutInputValues(BatchSpanProcessor(exporter)))
    trace.set_tracer_provider(provider)


class WithoutInputValues(SpanProcessor):
    """Hands the processor behind it each ended span without exception messages, stack traces or status text."""

    def __init__(self, inner: SpanProcessor) -> None:
        self._inner = inner

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        self._inner.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        self._inner.on_end(without_input_values(span))

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)


def without_input_values(span: ReadableSpan) -> ReadableSpan:
    """A copy of the span whose events keep the exception type but not its message, and whose status has no text."""
    events = [
        Event(event.name, _kept(event.attributes), event.timestamp)
        for event in span.events  # `exception` events: exception.type and .escaped stay
    ]
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=_kept(span.attributes),
        events=events,
        links=span.links,
        kind=span.kind,
        status=Status(span.status.status_code),  # the SDK writes "Type: message" into the description
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


def _kept(attributes: Any) -> dict[str, Any]:
    return {key: value for key, value in (attributes or {}).items() if key not in STRIPPED_ATTRIBUTES}


def configure_logging() -> None:
    """Every log record, ours or a library's, carries exceptions by type and stack only (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "strips_exception_messages", False):
        logging.setLogRecordFactory(records_without_exception_messages(factory))


def records_without_exception_messages(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """Wraps a log record factory: an exception logged (as exc_info, message or argument) loses its message."""

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.exc_info = (type(error), _without_message(error, {}), error.__traceback__)
        if isinstance(record.msg, BaseException):
            record.msg = _type_name(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_type_name(a) if isinstance(a, BaseException) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _type_name(v) if isinstance(v, BaseException) else v for k, v in record.args.items()}
        return record

    make.strips_exception_messages = True  # type: ignore[attr-defined]
    return make


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _without_message(error: BaseException, seen: dict[int, BaseException]) -> BaseException:
    """A stand-in that formats as the error's type, traceback and chain, with every message left out."""
    if id(error) in seen:
        return seen[id(error)]
    kind = type(error)
    stand_in_type = type(
        kind.__name__,
        (Exception,),
        {"__module__": kind.__module__, "__qualname__": kind.__qualname__, "__str__": _no_text},
    )
    stand_in = stand_in_type()
    seen[id(error)] = stand_in
    stand_in.__traceback__ = error.__traceback__
    stand_in.__suppress_context__ = error.__suppress_context__
    if error.__cause__ is not None:
        stand_in.__cause__ = _without_message(error.__cause__, seen)
    if error.__context__ is not None:
        stand_in.__context__ = _without_message(error.__context__, seen)
    return stand_in


def _no_text(_: BaseException) -> str:
    return ""
