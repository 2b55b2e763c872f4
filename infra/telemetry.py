"""Tracing for operators: tenant and command names in spans, never personal data or SQL literals."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from infra.settings import Settings


def configure_tracing(settings: Settings) -> None:
    """Exports spans over OTLP when an endpoint is configured; otherwise tracing stays a no-op."""
    if not settings.otlp_endpoint or isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{settings.otlp_endpoint}/v1/traces")))
    trace.set_tracer_provider(provider)
