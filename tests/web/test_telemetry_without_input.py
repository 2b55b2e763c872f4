"""Error paths from the web and the command line: the typed value reaches no span, log line or metric."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from opentelemetry import trace
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from domain.inquiry import Inquiry
from infra.cli import main
from infra.log_records import configure_logging
from infra.settings import Settings
from infra.telemetry import telemetry_for
from services.office import Office
from tests.web.helpers import sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)
from tests.web.test_new_inquiry import filled

MARKER = "OTELAREA Ola Nordmann 01019912345"
PIECES = ("OTELAREA", "Ola Nordmann", "01019912345")


@dataclass
class Telemetry:
    provider: TracerProvider
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader

    def exported(self) -> list[dict[str, Any]]:
        """The spans as an exporter receives them (after every processor)."""
        self.provider.force_flush()
        return [json.loads(span.to_json()) for span in self.spans.get_finished_spans()]

    def everything(self, logs: pytest.LogCaptureFixture) -> str:
        data = self.metrics.get_metrics_data()
        return "\n".join(
            [json.dumps(self.exported(), ensure_ascii=False), logs.text, data.to_json() if data is not None else ""]
        )


@pytest.fixture(scope="module")
def telemetry() -> Iterator[Telemetry]:
    """Telemetry as the composition root sets it up, with in-memory exporters, installed as the process's globals:
    the command line builds its own runtime, whose offices report to the global tracer."""
    previous_factory = logging.getLogRecordFactory()
    spans = InMemorySpanExporter()
    reader = InMemoryMetricReader()
    telemetry = telemetry_for(Settings.from_environment({}), span_exporters=[spans], metric_readers=[reader])
    assert telemetry is not None
    telemetry.install_globally()
    configure_logging()
    assert trace.get_tracer_provider() is telemetry.tracer_provider, "another test set the tracer provider first"
    yield Telemetry(telemetry.tracer_provider, spans, reader)
    logging.setLogRecordFactory(previous_factory)
    telemetry.shutdown()


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture, telemetry: Telemetry) -> Iterator[pytest.LogCaptureFixture]:
    """Every record at every level, also from loggers that do not propagate to the root (Litestar's)."""
    telemetry.spans.clear()
    caplog.set_level(logging.DEBUG)
    litestar = logging.getLogger("litestar")
    litestar.addHandler(caplog.handler)
    yield caplog
    litestar.removeHandler(caplog.handler)


def receive_spans(telemetry: Telemetry) -> list[dict[str, Any]]:
    return [span for span in telemetry.exported() if span["name"] == "inquiry.receive"]


def exception_types(span: dict[str, Any]) -> list[str]:
    return [event["attributes"]["exception.type"] for event in span["events"] if event["name"] == "exception"]


def assert_no_marker(text: str) -> None:
    found = [piece for piece in PIECES if piece in text]
    assert not found, f"{found} in telemetry"


async def test_a_service_area_typed_on_the_web_and_refused_reaches_no_span_log_or_metric(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    sign_in_as,
    telemetry: Telemetry,
    logs: pytest.LogCaptureFixture,
) -> None:
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    response = await client.post(
        f"/{office.slug}/henvendelser/ny", data=filled(client, service_area=MARKER), follow_redirects=False
    )
    assert response.status_code == 422

    assert receive_spans(telemetry) == []  # the form refuses it before any command runs: nothing is saved
    assert_no_marker(telemetry.everything(logs))
    assert all(span["attributes"]["ombud.tenant"] != other_office.slug for span in telemetry.exported())


async def test_an_unexpected_failure_that_quotes_the_input_is_traced_and_logged_by_type_only(
    client: AsyncTestClient,
    office: Office,
    sign_in_as,
    telemetry: Telemetry,
    logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(*_: Any, **fields: Any) -> Inquiry:
        raise RuntimeError(f"kunne ikke lagre {fields['primary_area']} {MARKER}")

    monkeypatch.setattr(Inquiry, "receive", failing)
    await sign_in_as("caseworker", office.slug)
    await client.get(f"/{office.slug}/henvendelser/ny")
    response = await client.post(f"/{office.slug}/henvendelser/ny", data=filled(client, summary=MARKER))
    assert response.status_code == 500

    [span] = receive_spans(telemetry)
    assert exception_types(span) == ["RuntimeError"]
    assert_no_marker(telemetry.everything(logs))


def test_a_service_area_given_to_the_command_line_reaches_no_span_log_or_metric(
    office: Office,
    database_url: str,
    redis_url: str,
    master_key: bytes,
    telemetry: Telemetry,
    logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("OMBUD_MASTER_KEY", base64.b64encode(master_key).decode())
    status = main(
        [
            "inquiry",
            "receive",
            "--tenant",
            office.slug,
            "--channel",
            "phone",
            "--requester-role",
            "user",
            "--service-area",
            MARKER,
            "--summary",
            "Testsak (fiktiv)",
        ]
    )
    assert status == 1
    assert "finnes ikke" in capsys.readouterr().err  # the person at the terminal is told what they typed

    [span] = receive_spans(telemetry)
    assert exception_types(span) == ["domain.common.InvalidField"]
    assert_no_marker(telemetry.everything(logs))


def test_a_logged_exception_keeps_its_type_chain_and_frames_but_no_message(
    telemetry: Telemetry, logs: pytest.LogCaptureFixture
) -> None:
    log = logging.getLogger("services.office")
    try:
        try:
            int(MARKER)
        except ValueError as error:
            raise LookupError(f"fant ikke {MARKER}") from error
    except LookupError as error:
        log.exception("registrering feilet")
        log.warning("feil: %s (%r)", error, error)
        log.error(error)

    assert_no_marker(logs.text)
    assert "Traceback (most recent call last)" in logs.text and "int(MARKER)" in logs.text
    assert "LookupError" in logs.text and "ValueError" in logs.text and "direct cause" in logs.text
    assert [record.getMessage() for record in logs.records] == [
        "registrering feilet",
        "feil: LookupError ('LookupError')",
        "LookupError",
    ]
    assert logs.records[0].exc_info is not None and logs.records[0].exc_info[0] is LookupError
