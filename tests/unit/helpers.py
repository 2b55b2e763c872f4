"""Helpers the unit tests share: a registered kommune, an outreach activity, the who-and-when of an event, a refusal
naming its field, a document printed by LibreOffice."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.common import FIRST_BUSINESS_DAY, Context, InvalidField
from domain.outreach import OutreachActivity
from domain.taxonomy import MUNICIPAL_AREAS
from domain.tenant import Tenant
from services.platform import Platform

REGISTERED_ON = date(2024, 1, 2)
HELD_ON = date(2024, 4, 18)


def register_tenant(ctx: Context, **overrides: Any) -> Tenant:
    """Testby kommune, registered with the municipal template; any field can be given instead."""
    fields: dict[str, Any] = {
        "on": REGISTERED_ON,
        "slug": "testby",
        "name": "Testby kommune",
        "population": 12_345,
        "shares_statistics": True,
        "areas": MUNICIPAL_AREAS,
        "taxonomy_from": FIRST_BUSINESS_DAY,
    }
    return Tenant.register(ctx, **(fields | overrides))


def register_outreach(ctx: Context, **overrides: Any) -> OutreachActivity:
    """An information meeting held on HELD_ON; any field can be given instead."""
    fields: dict[str, Any] = {
        "held_on": HELD_ON,
        "kind": "information_meeting",
        "title": "Informasjonsmøte på Testby helsehus",
        "audience": "Pårørende",
        "participants": 25,
    }
    return OutreachActivity.register(ctx, **(fields | overrides))


def assert_made_by(event: Any, ctx: Context, on: date) -> None:
    """The event names who made it (the context's person, role and correlation) and the day it was made for."""
    assert (event.actor_id, event.actor_role, event.on, event.correlation_id) == (
        ctx.user_id,
        ctx.role,
        on,
        ctx.correlation_id,
    ), event


@pytest.fixture(name="slug")
def slug_fixture(platform: Platform) -> str:
    """The `slug` fixture: Prøveby's, made beside a second kommune (Annenby) that must see nothing of it."""
    admin = Context("plattform-admin", "platform_admin", "k-1")
    platform.create_tenant(admin, slug="proveby", name="Prøveby kommune")
    platform.create_tenant(admin, slug="annenby", name="Annenby kommune")
    return "proveby"


def assert_refused_at(field: str, make: Callable[..., Any], ctx: Context, **overrides: Any) -> None:
    """make(ctx, **overrides) refuses with an InvalidField naming that field."""
    with pytest.raises(InvalidField) as raised:
        make(ctx, **overrides)
    assert raised.value.field == field


def libreoffice_pdf(tmp_path: Path, name: str, content: bytes) -> Path:
    """The PDF LibreOffice prints of the document `name` with that content (its own profile under tmp_path)."""
    document = tmp_path / name
    document.write_bytes(content)
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(document)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return document.with_suffix(".pdf")


def parsed_unless_refused(parse: Callable[[str, str], Any], field: str, typed: str) -> Any:
    """What parse makes of the typed text, or None where it refuses it, naming the field (any other error fails)."""
    try:
        return parse(field, typed)
    except InvalidField as refused:
        assert refused.field == field
        return None
