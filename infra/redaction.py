"""What telemetry may carry out of the process: an allow-list of attribute keys, SQL without literals, Redis commands
by name, exceptions by type; the one home of these rules, in front of every exporter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import Event, ReadableSpan, Span, SpanProcessor
from opentelemetry.trace import Status

# Span attributes an exporter may see; everything else (URLs, query strings, headers, bodies, peer names the
# instrumentations add, an exception's message or stack trace) is dropped.
SPAN_ATTRIBUTES = frozenset(
    {
        "ombud.tenant",
        "ombud.command",
        "ombud.command_type",
        "ombud.events",
        "ombud.projection",
        "ombud.batch.size",
        "http.request.method",
        "http.route",
        "http.response.status_code",
        "error.type",
        "db.system",
        "db.system.name",
        "db.operation.name",
        "db.statement",
        "db.query.text",
        "db.redis.database_index",
    }
)
# An `exception` event keeps the exception's type (a class name) and whether it escaped the span.
EVENT_ATTRIBUTES = frozenset({"exception.type", "exception.escaped"})
# Data point attributes a metric exporter may see (a View drops every other key before aggregation).
METRIC_ATTRIBUTES = frozenset(
    {
        "tenant",
        "projection",
        "purpose",
        "channel",
        "reason",
        "http.request.method",
        "http.route",
        "http.response.status_code",
    }
)
STATEMENT_ATTRIBUTES = ("db.statement", "db.query.text")
MAX_STATEMENT = 2000

_SQL_SECRETS = re.compile(
    r"""
      --[^\n]*                                  # a line comment
    | /\*.*?\*/                                 # a block comment
    | \$(?P<tag>[A-Za-z_][A-Za-z0-9_]*|)\$.*?\$(?P=tag)\$  # a dollar-quoted string ($$…$$ or $tag$…$tag$)
    | (?:[EeBbXxNn]|[Uu]&)?'(?:[^']|'')*'       # a string, bit string or escape string
    | (?<![\w$.])\d+(?:\.\d*)?(?:[eE][-+]?\d+)?(?!\w)  # a number (not $1, not part of a name)
    | (?<![\w$])\.\d+(?:[eE][-+]?\d+)?(?!\w)
    """,
    re.VERBOSE | re.DOTALL,
)
_COMMAND = re.compile(r"[A-Za-z][A-Za-z_-]{0,31}")


def sql_without_literals(statement: str) -> str:
    """The statement's shape: every literal (string, number) and comment becomes `?`; bind parameters stay."""
    return _SQL_SECRETS.sub("?", statement[: MAX_STATEMENT * 2])[:MAX_STATEMENT]


def redis_command(statement: str) -> str:
    """A Redis statement reduced to its command's name (`GET`), never a key or a value."""
    words = statement.split(maxsplit=1)
    return words[0].upper() if words and _COMMAND.fullmatch(words[0]) else "?"


def span_attributes(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    """The allowed keys only; a statement reduced to its shape (SQL) or its command (Redis)."""
    kept = {key: value for key, value in (attributes or {}).items() if key in SPAN_ATTRIBUTES}
    is_redis = kept.get("db.system") == "redis" or kept.get("db.system.name") == "redis"
    for key in STATEMENT_ATTRIBUTES:
        if key in kept:
            text = str(kept[key])
            kept[key] = redis_command(text) if is_redis else sql_without_literals(text)
    return kept


def redacted(span: ReadableSpan) -> ReadableSpan:
    """A copy of the span as an exporter may see it: allowed attributes, exception events by type, status without
    text (the SDK writes "Type: message" into it), no other events."""
    events = [
        Event(event.name, {k: v for k, v in (event.attributes or {}).items() if k in EVENT_ATTRIBUTES}, event.timestamp)
        for event in span.events
        if event.name == "exception"
    ]
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=span_attributes(span.attributes),
        events=events,
        links=span.links,
        kind=span.kind,
        status=Status(span.status.status_code),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class Redacting(SpanProcessor):
    """Hands the processor behind it (the exporter's) each ended span as `redacted` makes it."""

    def __init__(self, inner: SpanProcessor) -> None:
        self._inner = inner

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        self._inner.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        self._inner.on_end(redacted(span))

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)
