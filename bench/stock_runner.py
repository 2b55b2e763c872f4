"""The baseline for catch-up: the same case list kept by eventsourcing's stock ProjectionRunner."""

from __future__ import annotations

import json
import time
from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from psycopg.conninfo import conninfo_to_dict

from domain.inquiry import Inquiry
from projections.inquiries import COLUMNS, SELECT_ROWS, UPSERT_ROWS, fold
from services.application import OfficeApplication

STOCK_TENANT = "bench-stock"  # its own rows, so the two runners never write the same ones


class StockOffice(OfficeApplication):
    """An office application constructed the way the stock runner constructs one: from settings alone."""

    def __init__(self, env: dict[str, str]) -> None:
        self._stock_env = dict(env)
        super().__init__(env["BENCH_SLUG"], env["CIPHER_KEY"], make_factory=None)

    def construct_env(self, name: str, env: dict[str, str] | None = None) -> Any:
        return super().construct_env(name, {**self._stock_env, **(env or {}), "CREATE_TABLE": "no"})


class CaseListView(PostgresTrackingRecorder):
    """One transaction per event: read the row, fold the event in, write the row and the tracking record."""

    def apply(self, tenant_id: str, event: Any, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(SELECT_ROWS, (tenant_id, [event.originator_id]))
            found = cursor.fetchone()
            row = fold(None if found is None else {c: found[c] for c in COLUMNS}, tenant_id, event)
            cursor.execute(UPSERT_ROWS, (json.dumps([row], default=str),))  # the product's statement, one row
            self._insert_tracking(cursor, tracking)


class CaseListProjection(Projection[CaseListView]):
    name = "stockcaselist"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        if isinstance(domain_event, Inquiry.Event):
            self.view.apply(STOCK_TENANT, domain_event, tracking)
        else:
            self.view.insert_tracking(tracking)


def stock_catch_up_seconds(url: str, slug: str, cipher_key: str, total: int) -> float:
    """Seconds from start until the stock runner has tracked every one of `total` notifications."""
    params = conninfo_to_dict(url)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(params.get("dbname")),
        "POSTGRES_HOST": str(params.get("host")),
        "POSTGRES_PORT": str(params.get("port", "5432")),
        "POSTGRES_USER": str(params.get("user", "postgres")),
        "POSTGRES_PASSWORD": str(params.get("password", "")),
        "POSTGRES_SCHEMA": "events",
        "CREATE_TABLE": "yes",
        "BENCH_SLUG": slug,
        "CIPHER_KEY": cipher_key,
    }
    started = time.perf_counter()
    with ProjectionRunner(
        application_class=StockOffice, projection_class=CaseListProjection, view_class=CaseListView, env=env
    ) as runner:
        runner.wait(total, timeout=3600)
    return time.perf_counter() - started
