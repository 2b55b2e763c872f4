"""`ombud audit replay`: an inquiry as it stood after a version or at a moment, as text or JSON, recorded as the
auditor's read (purpose kontroll) before it is printed; odd `--at` values are one line naming `--at`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import pytest

from domain.common import today_in_norway
from domain.inquiry import ERASED
from tests.integration.conftest import Run
from tests.integration.helpers import created_tenant
from tests.integration.test_access_report import records

NAME = "Fiktiv Prøvesen"
SUMMARY = "Fiktiv Prøvesen spør om avlastning"
STAFF = "kari.saksbehandler@eksempel.invalid"
AUDITOR = "revisor.testesen@eksempel.invalid"


@pytest.fixture
def tenants(ombud: Run, new_slug: Callable[[], str]) -> tuple[str, str]:
    """Two kommuner with an inquiry each, received, assigned and resolved: (slug, reference) of the first."""
    slugs = created_tenant(ombud, new_slug(), "Prøveby kommune"), created_tenant(ombud, new_slug(), "Prøveby kommune")
    for slug in slugs:
        code, _, err = ombud(
            *("--actor", STAFF, "inquiry", "receive", "--tenant", slug, "--reference", "2025-0001"),
            *("--received-on", "2025-03-03", "--channel", "phone", "--requester-role", "user"),
            *("--service-area", "Helse", "--summary", SUMMARY, "--requester-name", NAME),
        )
        assert code == 0, err
        for verb in (("assign", "--assignee", "Testperson Rådgiver"), ("resolve", "--outcome", "guided")):
            assert ombud("--actor", STAFF, "inquiry", verb[0], "--tenant", slug, "2025-0001", *verb[1:])[0] == 0
    return slugs


def replay(ombud: Run, slug: str, *arguments: str) -> tuple[int, str, str]:
    return ombud("--actor", AUDITOR, "audit", "replay", "--tenant", slug, "2025-0001", *arguments)


def test_the_text_shows_the_state_the_step_changed_and_who_did_it_when(ombud: Run, tenants, admin_database_url) -> None:
    slug, other = tenants
    code, out, err = replay(ombud, slug, "--at", "2")
    assert code == 0, err
    assert out.startswith("Henvendelse 2025-0001, versjon 2 av 3: Tildelt\n")
    assert f"Utført av   {STAFF} (Saksbehandler)" in out
    assert "  Saksbehandler: – → Testperson Rådgiver" in out
    assert "Status" in out and "Åpen" in out and "Avsluttet" in out  # the field's name; the state: still open
    assert "Helse" in out and NAME in out and SUMMARY in out  # named codes; personal fields as they are now
    assert records(admin_database_url, slug) == [(AUDITOR, "auditor", "kontroll", "cli")]
    assert records(admin_database_url, other) == []


def test_the_json_is_one_stable_object(ombud: Run, tenants) -> None:
    slug, _ = tenants
    code, out, err = replay(ombud, slug, "--at", "3", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {
        "inquiry", "version", "latest_version", "event", "event_code", "actor", "role", "role_code",
        "business_date", "recorded_at", "state", "changes", "details",
    }  # fmt: skip
    assert (data["version"], data["latest_version"], data["event"], data["event_code"]) == (
        3,
        3,
        "Avsluttet",
        "Resolved",
    )
    assert (data["actor"], data["role"], data["role_code"]) == (STAFF, "Saksbehandler", "caseworker")
    assert data["business_date"] == today_in_norway().isoformat()
    assert datetime.fromisoformat(data["recorded_at"]).utcoffset() is not None
    assert data["state"]["status"] == "resolved" and data["state"]["assignee"] == "Testperson Rådgiver"
    assert data["state"]["received_on"] == "2025-03-03" and data["state"]["requester_name"] == NAME
    assert {"field": "outcome", "before": None, "after": "guided"} in data["changes"]
    assert {c["field"] for c in data["changes"]} == {"status", "resolved_on", "outcome"}


def test_a_day_or_a_minute_shows_the_inquiry_as_it_stood_then(ombud: Run, tenants) -> None:
    slug, _ = tenants
    today = today_in_norway().isoformat()
    for at in (today, f"{today}T23:59"):
        code, out, err = replay(ombud, slug, "--at", at, "--format", "json")
        assert code == 0, err
        assert json.loads(out)["version"] == 3  # everything was recorded today
    code, _, err = replay(ombud, slug, "--at", "2025-03-03")  # the business date of receipt; recorded only today
    assert code == 1
    assert err == "ombud: feil: --at: henvendelsen var ikke registrert ennå på det tidspunktet\n"


def test_by_business_date_a_day_shows_the_step_the_events_dates_had_reached(ombud: Run, tenants) -> None:
    slug, _ = tenants  # received 03.03.2025, assigned and resolved today: all recorded today
    code, out, err = replay(ombud, slug, "--at", "2025-03-03", "--business-date", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["version"] == 1
    code, _, err = replay(ombud, slug, "--at", "2025-03-02", "--business-date")
    assert (code, err) == (1, "ombud: feil: --at: henvendelsen var ikke mottatt ennå på denne datoen\n")
    code, _, err = replay(ombud, slug, "--at", "2025-03-03T10:00", "--business-date")
    assert code == 1 and "uten klokkeslett" in err


@pytest.mark.parametrize("at", ["0", "2024-13-01", "٣", "\x00", "2025-03-03T25:00", "i går", ""])
def test_an_odd_at_is_one_line_naming_it_and_reads_nothing(ombud: Run, tenants, admin_database_url, at: str) -> None:
    slug, _ = tenants
    code, out, err = replay(ombud, slug, "--at", at)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "--at" in err and "Traceback" not in err
    assert records(admin_database_url, slug) == []


def test_a_version_past_the_latest_is_refused_naming_at(ombud: Run, tenants, admin_database_url) -> None:
    slug, _ = tenants
    code, out, err = replay(ombud, slug, "--at", "4")
    assert (code, out, err) == (1, "", "ombud: feil: --at: henvendelsen har versjonene 1 til 3\n")
    assert records(admin_database_url, slug) == []


def test_an_unknown_reference_or_another_tenants_is_not_found(ombud: Run, tenants, admin_database_url) -> None:
    slug, _ = tenants
    code, out, err = ombud("audit", "replay", "--tenant", slug, "2025-0999", "--at", "1")
    assert (code, out) == (1, "") and "finner ingen henvendelse" in err and err.count("\n") == 1
    assert records(admin_database_url, slug) == []


def test_an_erased_inquiry_is_replayed_with_its_personal_fields_erased(ombud: Run, tenants) -> None:
    slug, other = tenants
    erase = (
        "inquiry",
        "erase",
        "--tenant",
        slug,
        "2025-0001",
        "--reason",
        "krav fra innbygger",
        "--outcome",
        "withdrawn",
    )
    assert ombud("--actor", STAFF, *erase)[0] == 0
    code, out, err = replay(ombud, slug, "--at", "1")
    assert code == 0, err
    assert ERASED in out and NAME not in out and "Prøvesen" not in out
    data = json.loads(replay(ombud, slug, "--at", "1", "--format", "json")[1])
    assert data["state"]["requester_name"] == ERASED and data["state"]["summary"] == ERASED
    assert data["state"]["contact"] is None  # nothing was given: nothing to erase
    assert data["details"]["requester_name"] == ERASED
    latest = json.loads(replay(ombud, slug, "--at", "4", "--format", "json")[1])
    assert latest["event"] == "Personopplysninger slettet" and latest["changes"][0]["field"] == "erased_on"
    twin = json.loads(ombud("audit", "replay", "--tenant", other, "2025-0001", "--at", "1", "--format", "json")[1])
    assert twin["state"]["requester_name"] == NAME  # the other kommune's inquiry of the same reference is untouched
