"""Inquiry keys made in bulk (the demo's path through services/importing.py) in PostgreSQL, as one at a time makes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.common import Context
from domain.inquiry import Inquiry
from services.importing import import_aggregates
from services.platform import Platform
from tests import factories


def test_a_bulk_write_encrypts_each_new_inquiry_under_its_own_key_and_leaves_existing_ones(
    platform: Platform, admin: Context, caseworker: Context, new_slug: Callable[[], str]
) -> None:
    office = platform.create_tenant(admin, slug=new_slug(), name="Testby kommune")
    factories.receive(office, caseworker, reference="2024-0001", received_on=date(2024, 3, 1), requester_name="Åse Før")
    keys = office.app.inquiry_keys
    assert keys is not None
    existing = Inquiry.id_for("2024-0001")
    before = keys.for_reading(existing)
    built = [
        factories.inquiry(caseworker, reference=reference, requester_name=f"Demo Testesen {reference}")
        for reference in ("2024-0001", "2024-0002", "2024-0003")
    ]

    result = import_aggregates(office, built)

    assert (result.imported, result.already_present) == (2, 1)
    assert keys.for_reading(existing) == before
    assert office.inquiry("2024-0001").requester_name == "Åse Før"
    for reference in ("2024-0002", "2024-0003"):
        assert office.inquiry(reference).requester_name == f"Demo Testesen {reference}"
    assert keys.for_reading(Inquiry.id_for("2024-0002")) != keys.for_reading(Inquiry.id_for("2024-0003"))
