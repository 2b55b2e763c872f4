"""Traces and metrics for operators, exported over OTLP only when an endpoint is set, always through the redaction
step (infra/redaction.py); logs without exception messages are infra/log_records.py's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from litestar import Litestar
from opentelemetry import metrics, trace
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.metrics.view import View
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from infra import instrumentation
from infra.redaction import METRIC_ATTRIBUTES, Redacting
from infra.settings import Settings


@dataclass
class Telemetry:
    """One process's providers. Code that is handed them (the app, the platform's offices, the event store, the
    worker) reports through them; nothing here touches OpenTelemetry's globals unless `install_globally` is asked."""

    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    _undo: list[Callable[[], None]] = field(default_factory=list)

    def instrument_app(self, app: Litestar) -> Litestar:
        """A span and a latency measurement per request, named by method and route template."""
        instrumentation.trace_requests(app, self.tracer_provider, self.meter_provider)
        return app

    def instrument_libraries(self) -> None:
        """asyncpg's and Redis's calls as spans (process-wide: both libraries are patched until `shutdown`)."""
        if not self._undo:
            self._undo.append(instrumentation.trace_asyncpg(self.tracer_provider))
            self._undo.append(instrumentation.trace_redis(self.tracer_provider))

    def install_globally(self) -> None:
        """For code that is not handed a provider (a library, a command's default): once per process."""
        if not isinstance(trace.get_tracer_provider(), TracerProvider):
            trace.set_tracer_provider(self.tracer_provider)
        if not isinstance(metrics.get_meter_provider(), MeterProvider):
            metrics.set_meter_provider(self.meter_provider)

    def flush(self) -> None:
        self.tracer_provider.force_flush()
        self.meter_provider.force_flush()

    def shutdown(self) -> None:
        while self._undo:
            self._undo.pop()()
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


def telemetry_for(
    settings: Settings, *, span_exporters: Iterable[SpanExporter] = (), metric_readers: Iterable[MetricReader] = ()
) -> Telemetry | None:
    """Providers that export over OTLP (http/protobuf) when OTEL_EXPORTER_OTLP_ENDPOINT is set, and to whatever is
    handed in; None when there is nowhere to export: then no provider exists and nothing is measured.

    Every span exporter sits behind `Redacting`; every metric reader behind a View that keeps the allowed
    attribute keys only.
    """
    exporters = list(span_exporters)
    readers = list(metric_readers)
    if settings.otlp_endpoint:
        exporters.append(OTLPSpanExporter(endpoint=f"{settings.otlp_endpoint}/v1/traces"))
        readers.append(
            PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{settings.otlp_endpoint}/v1/metrics"))
        )
    if not exporters and not readers:
        return None
    resource = Resource.create({"service.name": settings.service_name})
    tracer_provider = TracerProvider(resource=resource)
    for exporter in exporters:
        tracer_provider.add_span_processor(Redacting(BatchSpanProcessor(exporter)))
    meter_provider = MeterProvider(
        metric_readers=readers,
        resource=resource,
        views=[View(instrument_name="*", attribute_keys=set(METRIC_ATTRIBUTES))],
    )
    return Telemetry(tracer_provider, meter_provider)


def configure_telemetry(settings: Settings) -> Telemetry | None:
    """What a process of `ombud` runs with: the providers, the libraries instrumented, the globals set."""
    telemetry = telemetry_for(settings)
    if telemetry is not None:
        telemetry.install_globally()
        telemetry.instrument_libraries()
    return telemetry
