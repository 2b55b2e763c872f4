"""What operators see through telemetry: requests by route, commands, appends, projection batches, database and Redis
calls, and the metrics beside them; and of an obviously fake person's data, nothing at all, on success or error."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from litestar.testing import AsyncTestClient
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from domain.inquiry import Inquiry
from infra.eventstore import open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.log_records import configure_logging
from infra.logins import worker_url_for
from infra.runtime import platform_on, projection_worker
from infra.settings import Settings
from infra.telemetry import Telemetry, telemetry_for
from projections import inquiries, outreach, search_index
from projections import worker as worker_module
from services.office import Office
from services.platform import Platform
from tests.web.helpers import overview_fails_with, sign_in_as_fixture  # noqa: F401 (the fixture `sign_in_as`)
from tests.web.test_new_inquiry import filled
from web.app import create_app

NAME = "Kari Fiktivsen Testdatter"
EMAIL = "kari.fiktivsen@eksempel.invalid"
PHONE = "+47 912 34 567"
NATIONAL_ID = "31129956715"
WORD = "Xylofonkvartetten"
PERSONAL = (
    NAME,
    "Fiktivsen",
    "Testdatter",
    EMAIL,
    "kari.fiktivsen",
    PHONE,
    "912 34 567",
    "91234567",
    NATIONAL_ID,
    WORD,
)


@dataclass
class Captured:
    telemetry: Telemetry
    spans: InMemorySpanExporter
    reader: InMemoryMetricReader

    def finished(self) -> list[dict[str, Any]]:
        """The spans as the exporter received them, after the redaction step."""
        self.telemetry.tracer_provider.force_flush()
        return [json.loads(span.to_json()) for span in self.spans.get_finished_spans()]

    def metrics(self) -> dict[str, list[dict[str, Any]]]:
        """Each metric's data points (attributes and value) from the reader."""
        data = self.reader.get_metrics_data()
        points: dict[str, list[dict[str, Any]]] = {}
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    for point in metric.data.data_points:
                        points.setdefault(metric.name, []).append(json.loads(point.to_json()))
        return points

    def everything(self, logs: pytest.LogCaptureFixture) -> str:
        """Spans, metrics and every log line of the system (the test's own HTTP client logs the URLs it asks for)."""
        data = self.reader.get_metrics_data()
        records = [record for record in logs.records if record.name != "httpx"]
        return "\n".join(
            [
                json.dumps(self.finished(), ensure_ascii=False),
                data.to_json() if data is not None else "",
                *(logs.handler.format(record) for record in records),
                *(str(record.__dict__) for record in records),
            ]
        )


@pytest.fixture(scope="module")
def captured() -> Iterator[Captured]:
    """The infra setup the app uses, handed in-memory exporters: no global provider is set or needed."""
    spans = InMemorySpanExporter()
    reader = InMemoryMetricReader()
    telemetry = telemetry_for(Settings.from_environment({}), span_exporters=[spans], metric_readers=[reader])
    assert telemetry is not None
    telemetry.instrument_libraries()
    yield Captured(telemetry, spans, reader)
    telemetry.shutdown()


@pytest.fixture
def platform(database_url: str, master_key: bytes, captured: Captured, epoch_dir: Path) -> Iterator[Platform]:
    """The platform as the composition root builds it when telemetry is on."""
    datastore = open_datastore(database_url, pool_size=2, max_overflow=3)
    platform = platform_on(datastore, master_key, captured.telemetry, DirectoryEpochStore(epoch_dir, master_key))
    yield platform
    platform.close()
    datastore.close()


@pytest.fixture
async def client(
    platform: Platform, database_url: str, redis_url: str, captured: Captured
) -> AsyncIterator[AsyncTestClient]:
    """The app as Runtime.web_app builds it with telemetry on (plain HTTP cookies for the test client)."""
    store = redis.Redis.from_url(redis_url)
    for key in store.scan_iter("ombud:innlogging:*"):
        store.delete(key)
    store.close()
    app = create_app(
        platform, database_url, redis_url, secure_cookies=False, meter_provider=captured.telemetry.meter_provider
    )
    captured.telemetry.instrument_app(app)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record at every level, also from loggers that do not propagate to the root (Litestar's)."""
    previous_factory = logging.getLogRecordFactory()
    configure_logging()
    caplog.set_level(logging.DEBUG)
    litestar = logging.getLogger("litestar")
    litestar.addHandler(caplog.handler)
    yield caplog
    litestar.removeHandler(caplog.handler)
    logging.setLogRecordFactory(previous_factory)


def assert_nothing_personal(text: str) -> None:
    found = [piece for piece in PERSONAL if piece.lower() in text.lower()]
    assert not found, f"{found} in telemetry"


def named(spans: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [span for span in spans if span["name"] == name]


def points_for(points: dict[str, list[dict[str, Any]]], metric: str, **attributes: Any) -> list[dict[str, Any]]:
    return [p for p in points.get(metric, []) if all(p["attributes"].get(k) == v for k, v in attributes.items())]


async def register(client: AsyncTestClient, office: Office) -> str:
    """An inquiry from an obviously fake person, through the form; returns its reference."""
    await client.get(f"/{office.slug}/henvendelser/ny")
    response = await client.post(
        f"/{office.slug}/henvendelser/ny",
        data=filled(
            client,
            requester_name=NAME,
            contact=f"{EMAIL} {PHONE}",
            summary=f"{WORD}: {NAME} ({NATIONAL_ID}) ringte fra {PHONE} om {EMAIL}",
        ),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"].rstrip("/").rsplit("/", 1)[-1]


async def test_a_working_day_is_traced_and_measured_without_any_of_the_persons_data(
    client: AsyncTestClient,
    office: Office,
    other_office: Office,
    platform: Platform,
    database_url: str,
    sign_in,
    sign_in_as,
    captured: Captured,
    logs: pytest.LogCaptureFixture,
) -> None:
    captured.spans.clear()
    await client.get("/login")
    refused = await client.post(
        "/login",
        data={"email": EMAIL, "password": f"{NAME} {NATIONAL_ID}", "_csrf_token": client.cookies["ombud_csrf"]},
    )
    assert refused.status_code == 401
    await sign_in_as("caseworker", office.slug)

    reference = await register(client, office)
    page = await client.get(f"/{office.slug}/henvendelser/{reference}?merknad={NATIONAL_ID}", headers={"X-Note": NAME})
    assert page.status_code == 200 and NAME in page.text  # the page shows it; telemetry must not
    noted = await client.post(
        f"/{office.slug}/henvendelser/{reference}/notat",
        data={"text": f"Ringte {NAME} på {PHONE}", "_csrf_token": client.cookies["ombud_csrf"]},
        follow_redirects=False,
    )
    assert noted.status_code in (200, 303), noted.text
    search = await client.post(
        f"/{office.slug}/henvendelser", data={"q": NAME, "_csrf_token": client.cookies["ombud_csrf"]}
    )
    assert search.status_code == 200

    worker = projection_worker(platform, worker_url_for(database_url), captured.telemetry)
    try:
        worker.catch_up(office.slug, inquiries.NAME)  # the case list only: the other projections stay behind
        worker.catch_up(other_office.slug)
    finally:
        worker.close()

    spans = captured.finished()
    names = {span["name"] for span in spans}
    assert {
        "GET /login",
        "POST /login",
        "GET /{tenant}/henvendelser/ny",
        "POST /{tenant}/henvendelser/ny",
        "GET /{tenant}/henvendelser/{reference}",
        "POST /{tenant}/henvendelser/{reference}/{action}",
        "POST /{tenant}/henvendelser",
        "inquiry.receive",
        "inquiry.note",
        "eventstore.insert",
        "projection.batch",
    } <= names, sorted(names)
    assert not any("?" in name or reference in name or office.slug in name for name in names)
    [failed_sign_in] = [s for s in named(spans, "POST /login") if s["attributes"]["http.response.status_code"] == 401]
    assert failed_sign_in["attributes"] == {
        "http.request.method": "POST",
        "http.route": "/login",
        "http.response.status_code": 401,
    }
    [note] = named(spans, "inquiry.note")
    assert note["attributes"] == {
        "ombud.tenant": office.slug,
        "ombud.command": "note",
        "ombud.command_type": "AddNote",
    }
    appended = sum(
        s["attributes"]["ombud.events"]
        for s in named(spans, "eventstore.insert")
        if s["attributes"]["ombud.tenant"] == office.slug
    )
    assert appended >= 4  # the tenant, the reference sequence, the inquiry, the note
    [receive] = named(spans, "inquiry.receive")
    assert any(
        s["parent_id"] == receive["context"]["span_id"] and s["attributes"]["ombud.events"] >= 2
        for s in named(spans, "eventstore.insert")
    )
    batches = [s["attributes"] for s in named(spans, "projection.batch")]
    assert {"ombud.tenant": office.slug, "ombud.projection": inquiries.NAME, "ombud.batch.size": appended} in batches
    redis_calls = [s for s in spans if s["attributes"].get("db.system") == "redis"]
    assert redis_calls and all(
        s["attributes"]["db.statement"].isalpha() and s["attributes"]["db.statement"].isupper() for s in redis_calls
    )
    sql = [s for s in spans if s["attributes"].get("db.system.name") == "postgresql"]
    assert any("$1" in s["attributes"]["db.query.text"] for s in sql)
    assert all("'" not in s["attributes"]["db.query.text"] for s in sql)

    points = captured.metrics()
    [events] = points_for(points, "ombud.events.appended", tenant=office.slug)
    assert events["value"] == appended
    [read] = points_for(
        points, "ombud.access_records.written", tenant=office.slug, purpose="saksbehandling", channel="web"
    )
    assert read["value"] == 1
    assert points_for(points, "ombud.sign_in.failures", reason="credentials")[0]["value"] >= 1
    assert all(set(p["attributes"]) <= {"reason"} for p in points["ombud.sign_in.failures"])
    lags = {
        p["attributes"]["projection"]: p["value"]
        for p in points_for(points, "ombud.projection.lag", tenant=office.slug)
    }
    assert lags[inquiries.NAME] == 0 and max(lags.values()) == appended  # the others were left behind on purpose
    assert {p["value"] for p in points_for(points, "ombud.projections.quarantined", tenant=office.slug)} == {0}
    [latency] = points_for(
        points,
        "http.server.request.duration",
        **{"http.route": "/{tenant}/henvendelser/{reference}", "http.request.method": "GET"},
    )
    assert latency["count"] == 1 and latency["sum"] > 0
    assert latency["attributes"]["http.response.status_code"] == 200
    assert not [p for p in points_for(points, "ombud.events.appended") if p["attributes"]["tenant"] == "?"]

    assert_nothing_personal(captured.everything(logs))


async def test_a_request_that_fails_on_the_persons_data_is_traced_by_type_only(
    client: AsyncTestClient,
    office: Office,
    sign_in_as,
    captured: Captured,
    logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    overview_fails_with(monkeypatch, ValueError(f"kunne ikke lese {NAME} {NATIONAL_ID} {EMAIL}"))
    await sign_in_as("caseworker", office.slug)
    captured.spans.clear()
    response = await client.get(f"/{office.slug}/oversikt?q={NAME}", headers={"X-Note": EMAIL})
    assert response.status_code == 500

    [span] = named(captured.finished(), "GET /{tenant}/oversikt")
    assert span["status"]["status_code"] == "ERROR" and "description" not in span["status"]
    assert [event["attributes"] for event in span["events"]] == [{"exception.type": "ValueError"}]
    assert_nothing_personal(captured.everything(logs))


async def test_a_command_that_fails_quoting_the_persons_data_is_traced_by_type_only(
    client: AsyncTestClient,
    office: Office,
    sign_in_as,
    captured: Captured,
    logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await sign_in_as("caseworker", office.slug)
    reference = await register(client, office)

    def failing(self: Inquiry, *_: object, text: str, **__: object) -> None:
        raise RuntimeError(f"kunne ikke lagre notatet «{text}» om {NAME}")

    monkeypatch.setattr(Inquiry, "add_note", failing)
    captured.spans.clear()
    response = await client.post(
        f"/{office.slug}/henvendelser/{reference}/notat",
        data={"text": f"Ringte {NAME} på {PHONE}", "_csrf_token": client.cookies["ombud_csrf"]},
    )
    assert response.status_code == 500

    spans = captured.finished()
    [command] = named(spans, "inquiry.note")
    assert command["status"] == {"status_code": "ERROR"}
    assert [event["attributes"]["exception.type"] for event in command["events"]] == ["RuntimeError"]
    [request] = named(spans, "POST /{tenant}/henvendelser/{reference}/{action}")
    assert request["status"] == {"status_code": "ERROR"}
    assert request["attributes"]["http.response.status_code"] == 500
    assert_nothing_personal(captured.everything(logs))


async def test_a_path_no_route_matches_is_named_by_its_method_only(
    client: AsyncTestClient, captured: Captured, logs: pytest.LogCaptureFixture
) -> None:
    captured.spans.clear()
    response = await client.get(f"/{NATIONAL_ID}/{WORD}/x/y/z?navn={NAME}")
    assert response.status_code == 404

    served = [span for span in captured.finished() if span["kind"] == "SpanKind.SERVER"]
    assert [(span["name"], span["attributes"]) for span in served] == [
        ("GET", {"http.request.method": "GET", "http.response.status_code": 404})
    ]
    assert_nothing_personal(captured.everything(logs))


async def test_a_projection_set_aside_on_the_persons_data_shows_in_the_gauge_by_tenant_and_name_only(
    client: AsyncTestClient,
    office: Office,
    platform: Platform,
    database_url: str,
    sign_in_as,
    captured: Captured,
    logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await sign_in_as("caseworker", office.slug)
    await register(client, office)

    def failing(*_: object) -> None:
        raise ValueError(f"kan ikke indeksere {NAME} {NATIONAL_ID}")

    monkeypatch.setitem(worker_module.PROJECTIONS, search_index.NAME, failing)
    worker = projection_worker(platform, worker_url_for(database_url), captured.telemetry)
    try:
        worker.catch_up(office.slug)
    finally:
        worker.close()

    points = captured.metrics()
    aside = {
        p["attributes"]["projection"]: p["value"]
        for p in points_for(points, "ombud.projections.quarantined", tenant=office.slug)
    }
    assert aside == {inquiries.NAME: 0, outreach.NAME: 0, search_index.NAME: 1}
    lags = {
        p["attributes"]["projection"]: p["value"]
        for p in points_for(points, "ombud.projection.lag", tenant=office.slug)
    }
    assert lags[inquiries.NAME] == 0 and lags[search_index.NAME] > 0
    assert any("set_aside" in record.getMessage() and "ValueError" in record.getMessage() for record in logs.records)
    assert_nothing_personal(captured.everything(logs))
