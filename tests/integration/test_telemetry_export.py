"""Telemetry leaves the process only over OTLP, only when an endpoint is set, and only as the redaction step left it."""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import redis
import yaml
from litestar.testing import AsyncTestClient
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from domain.common import Context
from infra.log_records import configure_logging
from infra.redaction import redis_command, span_attributes, sql_without_literals
from infra.runtime import open_runtime
from infra.settings import Settings
from infra.telemetry import Telemetry, configure_telemetry, telemetry_for

REPO_ROOT = Path(__file__).resolve().parents[2]
NAME = "Kari Fiktivsen Testdatter"
NATIONAL_ID = "31129956715"


@pytest.mark.parametrize(
    ("statement", "shape"),
    [
        ("SELECT * FROM t WHERE name = 'Kari O''Fiktiv' AND id = $1", "SELECT * FROM t WHERE name = ? AND id = $1"),
        ("INSERT INTO t (a, b) VALUES (31129956715, -4.5e3)", "INSERT INTO t (a, b) VALUES (?, -?)"),
        ("SELECT E'\\x41', $$Kari$$, $tag$31129956715$tag$ FROM t1", "SELECT ?, ?, ? FROM t1"),
        ("SELECT 1 -- Kari Fiktivsen\nFROM x /* 31129956715 */", "SELECT ? ?\nFROM x ?"),
        ("SELECT a.b2, $12, t_3.c FROM t_3", "SELECT a.b2, $12, t_3.c FROM t_3"),
    ],
)
def test_sql_keeps_its_shape_and_bind_parameters_but_no_literal_or_comment(statement: str, shape: str) -> None:
    assert sql_without_literals(statement) == shape


def test_a_redis_statement_is_its_command_only() -> None:
    assert redis_command("SET ombud:session:abc123 {json}") == "SET"
    assert redis_command("get ? ?") == "GET"
    assert redis_command(f"{NATIONAL_ID} x") == "?"


def test_only_allowed_attribute_keys_pass_and_statements_are_reduced() -> None:
    kept = span_attributes(
        {
            "ombud.tenant": "drammen",
            "url.full": f"http://x/?navn={NAME}",
            "http.request.header.cookie": "ombud_session=abc",
            "exception.message": NAME,
            "db.system": "redis",
            "db.statement": f"SET key {NAME}",
        }
    )
    assert kept == {"ombud.tenant": "drammen", "db.system": "redis", "db.statement": "SET"}


def test_without_an_endpoint_there_are_no_providers() -> None:
    settings = Settings.from_environment({})
    assert settings.otlp_endpoint is None
    assert telemetry_for(settings) is None
    assert configure_telemetry(settings) is None


class Collector(BaseHTTPRequestHandler):
    """Takes OTLP/HTTP requests as a collector would and keeps them."""

    received: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", Collector.received
    server.shutdown()
    server.server_close()


def test_with_an_endpoint_spans_and_metrics_go_out_as_otlp_protobuf_already_redacted(collector) -> None:
    endpoint, received = collector
    telemetry = telemetry_for(Settings.from_environment({"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}))
    assert telemetry is not None
    tracer = telemetry.tracer_provider.get_tracer("test")
    with tracer.start_as_current_span("inquiry.receive", attributes={"ombud.tenant": "t", "summary": NAME}) as span:
        span.record_exception(ValueError(f"{NAME} {NATIONAL_ID}"))
    counter = telemetry.meter_provider.get_meter("test").create_counter("ombud.sign_in.failures")
    counter.add(1, {"reason": "credentials", "email": "kari@eksempel.invalid"})
    telemetry.shutdown()

    paths = {path: (kind, body) for path, kind, body in received}
    assert set(paths) == {"/v1/traces", "/v1/metrics"}
    assert all(kind == "application/x-protobuf" for kind, _ in paths.values())
    traces, metrics = paths["/v1/traces"][1], paths["/v1/metrics"][1]
    assert b"inquiry.receive" in traces and b"ValueError" in traces and b"ombud.sign_in.failures" in metrics
    for body in (traces, metrics):
        assert NAME.encode() not in body and NATIONAL_ID.encode() not in body and b"kari@" not in body


async def test_an_asyncpg_query_with_a_literal_is_traced_without_it(database_url: str) -> None:
    spans = InMemorySpanExporter()
    telemetry = telemetry_for(Settings.from_environment({}), span_exporters=[spans])
    assert telemetry is not None
    telemetry.instrument_libraries()
    try:
        conn = await asyncpg.connect(database_url)
        try:
            assert await conn.fetchval(f"SELECT length('{NAME}') + $1::int", 1) == len(NAME) + 1
        finally:
            await conn.close()
    finally:
        telemetry.shutdown()  # flushes, and takes the instrumentation off asyncpg again
    [query] = [json.loads(s.to_json()) for s in spans.get_finished_spans() if s.name == "SELECT"]
    assert query["attributes"] == {
        "db.system.name": "postgresql",
        "db.operation.name": "SELECT",
        "db.query.text": "SELECT length(?) + $1::int",
    }
    assert not hasattr(asyncpg.Connection.fetchval, "__traced__")


def test_a_redis_call_is_traced_by_its_command_only(redis_url: str) -> None:
    spans = InMemorySpanExporter()
    reader = InMemoryMetricReader()
    telemetry = telemetry_for(Settings.from_environment({}), span_exporters=[spans], metric_readers=[reader])
    assert telemetry is not None
    telemetry.instrument_libraries()
    client = redis.Redis.from_url(redis_url)
    try:
        client.set(f"ombud:test:{NATIONAL_ID}", NAME, ex=5)
        client.delete(f"ombud:test:{NATIONAL_ID}")
    finally:
        client.close()
        telemetry.shutdown()
    exported = [json.loads(s.to_json()) for s in spans.get_finished_spans()]
    assert [(s["name"], s["attributes"]["db.statement"]) for s in exported] == [("SET", "SET"), ("DEL", "DEL")]
    assert NAME not in json.dumps(exported) and NATIONAL_ID not in json.dumps(exported)


def test_the_collector_sends_traces_to_jaeger_and_compose_runs_a_pinned_jaeger() -> None:
    collector = yaml.safe_load((REPO_ROOT / "infra" / "otel-collector.yaml").read_text())
    assert collector["exporters"]["otlp/jaeger"] == {"endpoint": "jaeger:4317", "tls": {"insecure": True}}
    assert collector["service"]["pipelines"]["traces"]["exporters"] == ["otlp/jaeger"]
    assert collector["exporters"]["debug"] == {"verbosity": "basic"}
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    jaeger = compose["services"]["jaeger"]
    image, _, tag = jaeger["image"].partition(":")
    assert image == "jaegertracing/all-in-one" and re.fullmatch(r"[0-9]+(\.[0-9]+)*", tag)
    assert "127.0.0.1:16686:16686" in jaeger["ports"]


async def test_the_composition_root_wires_requests_offices_event_store_and_worker_to_the_endpoint(
    collector,
    database_url: str,
    admin_database_url: str,
    redis_url: str,
    master_key: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    endpoint, received = collector
    # A test process may set OpenTelemetry's globals once only; another module's test owns them.
    monkeypatch.setattr(Telemetry, "install_globally", lambda self: None)
    settings = Settings.from_environment(
        {
            "DATABASE_URL": database_url,
            "OMBUD_ADMIN_DATABASE_URL": admin_database_url,
            "REDIS_URL": redis_url,
            "OMBUD_MASTER_KEY": base64.b64encode(master_key).decode(),
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            "OTEL_SERVICE_NAME": "ombud-test",
        }
    )
    slug = f"t{uuid.uuid4().hex[:10]}"
    with open_runtime(settings) as runtime:
        assert runtime.telemetry is not None
        runtime.platform.create_tenant(Context("test", "platform_admin", "c"), slug=slug, name="Prøveby kommune")
        async with AsyncTestClient(app=runtime.web_app()) as client:
            assert (await client.get(f"/health?navn={NAME}")).status_code == 200
        worker = runtime.projection_worker()
        try:
            worker.catch_up(slug)
        finally:
            worker.close()
    assert not hasattr(asyncpg.Connection.fetchval, "__traced__")  # closing the runtime took the wrappers off

    traces = b"".join(body for path, _, body in received if path == "/v1/traces")
    metrics = b"".join(body for path, _, body in received if path == "/v1/metrics")
    for expected in (b"GET /health", b"eventstore.insert", b"projection.batch", b"ombud-test", slug.encode()):
        assert expected in traces, expected
    for expected in (b"http.server.request.duration", b"ombud.events.appended", b"ombud.projection.lag"):
        assert expected in metrics, expected
    assert NAME.encode() not in traces + metrics


def test_an_access_log_line_shows_the_path_without_its_query(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())  # restored afterwards
    configure_logging()
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', None, None)
    record.args = ("127.0.0.1:5000", "GET", f"/drammen/henvendelser?q={NAME}", "1.1", 200)
    for kept in logging.getLogger("uvicorn.access").filters:
        kept.filter(record)  # type: ignore[union-attr]
    assert record.getMessage() == '127.0.0.1:5000 - "GET /drammen/henvendelser HTTP/1.1" 200'
