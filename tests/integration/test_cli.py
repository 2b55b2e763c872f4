"""The `ombud` command: every command has help, bad input names the field, and nothing is half-written."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from infra.cli import build_parser, main
from tests import factories
from tests.helpers import INQUIRY_EVENTS
from tests.integration.conftest import Run


@pytest.fixture
def tenant(ombud: Run, new_slug: Callable[[], str]) -> str:
    slug = new_slug()
    assert ombud("tenant", "create", slug, "--name", "Prøvekommune", "--population", "1234")[0] == 0
    return slug


def event_count(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'events'")]
        return sum(conn.execute(f'SELECT count(*) FROM events."{t}"').fetchone()[0] for t in tables)


def all_command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    paths.append([*prefix, name])
                    walk(sub, [*prefix, name])

    walk(build_parser(), [])
    return paths


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p))
def test_every_command_has_help(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*path, "--help"])
    assert exit_.value.code == 0
    assert "bruk: ombud" in capsys.readouterr().out


def test_the_console_script_is_installed() -> None:
    result = subprocess.run(
        [Path(sys.executable).parent / "ombud", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "tenant" in result.stdout and "inquiry" in result.stdout


def test_an_inquiry_goes_through_its_whole_life_from_the_command_line(ombud: Run, tenant: str) -> None:
    code, out, _ = ombud(
        "inquiry",
        "receive",
        "--tenant",
        tenant,
        "--received-on",
        "03.01.2024",
        "--channel",
        "email",
        "--requester-role",
        "relative",
        "--service-area",
        "Plan og bygg",
        "--case-type",
        "no_reply",
        "--summary",
        "Venter på svar",
        "--requester-name",
        "Testperson Prøvesen",
    )
    assert code == 0
    reference = out.split()[0]
    assert reference == "2024-0001"
    steps = [
        ("assign", "--assignee", "ombud"),
        ("interim-reply",),
        ("forward", "--to-body", "county_governor", "--reason", "Hører under Statsforvalteren"),
        ("meeting", "--participants", "ombud", "--participants", "requester"),
        ("complaint", "--to", "county_governor", "--about", "Vedtak"),
        ("decide", "--outcome", "partly_upheld"),
        ("note", "--text", "Fulgt opp"),
        ("recategorise", "--service-area", "helse", "--case-types", "complaint_help"),
        ("resolve", "--outcome", "assisted"),
        ("reopen", "--reason", "Ny informasjon"),
    ]
    for day, (verb, *options) in enumerate(steps, start=4):
        code, _, err = ombud("inquiry", verb, "--tenant", tenant, reference, "--on", f"2024-01-{day:02d}", *options)
        assert code == 0, err

    code, out, _ = ombud("inquiry", "history", "--tenant", tenant, reference, "--json")
    history = json.loads(out)
    assert [e["event"] for e in history] == list(INQUIRY_EVENTS)
    assert all(e["actor_id"].startswith("cli:") and e["correlation_id"] for e in history)
    code, out, _ = ombud("inquiry", "show", "--tenant", tenant, reference, "--json")
    shown = json.loads(out)
    assert (shown["status"], shown["primary_area"], shown["version"]) == ("open", "helse", 11)


def test_tenant_list_shows_created_tenants(ombud: Run, tenant: str) -> None:
    code, out, _ = ombud("tenant", "list", "--json")
    assert code == 0
    assert {"slug": tenant, "name": "Prøvekommune", "population": 1234, "shares_statistics": True} in json.loads(out)


@pytest.mark.parametrize(
    ("overrides", "exit_code", "named"),
    [
        ({"--received-on": "31.02.2024"}, 2, "--received-on"),
        ({"--received-on": (date.today() + timedelta(days=2)).isoformat()}, 1, "received_on"),
        ({"--channel": "brevdue"}, 2, "--channel"),
        ({"--service-area": "Finnes ikke"}, 1, "service_area"),
        ({"--case-type": "ukjent"}, 1, "case_types"),
        ({"--summary": " "}, 1, "summary"),
        ({"--reference": "ugyldig referanse!"}, 1, "reference"),
    ],
    ids=[
        "impossible-date",
        "future-date",
        "unknown-channel",
        "unknown-area",
        "unknown-case-type",
        "blank-summary",
        "bad-reference",
    ],
)
def test_bad_input_gives_one_line_naming_the_field_and_writes_nothing(
    ombud: Run, tenant: str, database_url: str, overrides: dict[str, str], exit_code: int, named: str
) -> None:
    before = event_count(database_url)
    code, out, err = ombud(*factories.receive_args(tenant, overrides))
    assert code == exit_code
    assert len(err.strip().splitlines()) == 1
    assert named in err
    assert out == ""
    assert event_count(database_url) == before


def test_an_action_on_a_resolved_inquiry_is_refused_and_writes_nothing(
    ombud: Run, tenant: str, database_url: str
) -> None:
    reference = ombud(*factories.receive_args(tenant))[1].split()[0]
    assert (
        ombud("inquiry", "resolve", "--tenant", tenant, reference, "--on", "2024-02-02", "--outcome", "guided")[0] == 0
    )
    before = event_count(database_url)
    code, _, err = ombud("inquiry", "note", "--tenant", tenant, reference, "--on", "2024-02-03", "--text", "Sent notat")
    assert code == 1
    assert "avsluttet" in err
    assert event_count(database_url) == before


def test_a_stale_expected_version_is_reported_as_a_conflict(ombud: Run, tenant: str) -> None:
    reference = ombud(*factories.receive_args(tenant))[1].split()[0]
    assert ombud("inquiry", "assign", "--tenant", tenant, reference, "--on", "2024-02-02", "--assignee", "a")[0] == 0
    code, _, err = ombud(
        "inquiry",
        "assign",
        "--tenant",
        tenant,
        reference,
        "--on",
        "2024-02-02",
        "--assignee",
        "b",
        "--expected-version",
        "1",
    )
    assert code == 1
    assert "endret av en annen" in err


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["inquiry", "show", "--tenant", "finnes-ikke", "2024-0001"], "tenant"),
        (["tenant", "create", "Ugyldig Slug", "--name", "X"], "slug"),
        (["tenant", "create", "ok-slug", "--name", "X", "--population", "-5"], "--population"),
    ],
)
def test_unknown_or_malformed_names_are_refused(ombud: Run, argv: list[str], named: str) -> None:
    code, _, err = ombud(*argv)
    assert code in (1, 2)
    assert named in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_inquiry_is_reported_not_found(ombud: Run, tenant: str) -> None:
    code, _, err = ombud("inquiry", "history", "--tenant", tenant, "1999-9999")
    assert code == 1
    assert "finner ingen henvendelse" in err


def test_a_database_url_without_a_master_key_is_refused(ombud: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMBUD_MASTER_KEY")
    code, _, err = ombud("tenant", "list")
    assert code == 1
    assert "OMBUD_MASTER_KEY" in err


def test_import_reports_each_bad_row_and_exits_non_zero(ombud: Run, tenant: str, tmp_path: Path) -> None:
    log = tmp_path / "logg.csv"
    log.write_text("reference;received_on;service_area\nR-1;2023-01-05;Helse\nR-2;2023-13-01;Helse\n", encoding="utf-8")
    code, _, err = ombud("import", "--tenant", tenant, str(log))
    assert code == 1
    assert "linje 3, kolonne received_on" in err
    assert ombud("inquiry", "show", "--tenant", tenant, "R-1")[0] == 1  # nothing imported

    log.write_text("reference;received_on;service_area\nR-1;2023-01-05;Helse\n", encoding="utf-8")
    code, out, _ = ombud("import", "--tenant", tenant, str(log))
    assert (code, out.strip()) == (0, "importerte 1 henvendelser; 0 fantes fra før")


def test_import_of_a_missing_file_names_the_file(ombud: Run, tenant: str, tmp_path: Path) -> None:
    code, _, err = ombud("import", "--tenant", tenant, str(tmp_path / "finnes-ikke.csv"))
    assert code == 1
    assert "finnes-ikke.csv" in err


def test_user_create_reads_the_password_from_standard_input_and_stores_only_a_hash(
    ombud: Run, tenant: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = f"ny-{tenant}@eksempel.invalid"
    monkeypatch.setattr("sys.stdin", io.StringIO("et-langt-hemmelig-passord\n"))
    code, out, _ = ombud(
        "user", "create", "--tenant", tenant, "--email", email.upper(), "--role", "caseworker", "--password-stdin"
    )
    assert code == 0, out
    assert email in out
    with psycopg.connect(database_url) as conn:
        stored = conn.execute(
            "SELECT role, tenant_id, password_hash FROM platform.account_for_sign_in(%s)", (email,)
        ).fetchone()
    assert stored[:2] == ("caseworker", tenant)
    assert stored[2].startswith("$argon2id$") and "hemmelig" not in stored[2]


@pytest.mark.parametrize(
    ("args", "password", "field"),
    [
        (["--role", "caseworker"], "et-langt-hemmelig-passord", "tenant"),
        (["--role", "network", "--tenant", "TENANT"], "et-langt-hemmelig-passord", "tenant"),
        (["--role", "caseworker", "--tenant", "TENANT"], "kort", "password"),
        (["--role", "caseworker", "--tenant", "finnes-ikke"], "et-langt-hemmelig-passord", "tenant"),
    ],
    ids=["tenant-role-without-tenant", "platform-role-with-tenant", "short-password", "unknown-tenant"],
)
def test_user_create_names_the_field_at_fault(
    ombud: Run, tenant: str, monkeypatch: pytest.MonkeyPatch, args: list[str], password: str, field: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    args = [tenant if a == "TENANT" else a for a in args]
    code, _, err = ombud("user", "create", "--email", f"x-{tenant}@eksempel.invalid", *args, "--password-stdin")
    assert code == 1
    assert f"feil: {field}:" in err


def test_the_same_email_cannot_get_a_second_account(ombud: Run, tenant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    email = f"dobbel-{tenant}@eksempel.invalid"
    for expected in (0, 1):
        monkeypatch.setattr("sys.stdin", io.StringIO("et-langt-hemmelig-passord\n"))
        code, _, err = ombud(
            "user", "create", "--tenant", tenant, "--email", email, "--role", "auditor", "--password-stdin"
        )
        assert code == expected
    assert "email: det finnes allerede" in err


def test_user_reset_password_replaces_the_hash_ends_the_sessions_and_is_recorded_in_the_tenant_only(
    ombud: Run, tenant: str, admin_database_url: str, monkeypatch: pytest.MonkeyPatch, new_slug: Callable[[], str]
) -> None:
    other = new_slug()
    assert ombud("tenant", "create", other, "--name", "Annenby")[0] == 0
    email = f"glemsk-{tenant}@eksempel.invalid"
    monkeypatch.setattr("sys.stdin", io.StringIO("et-langt-hemmelig-passord\n"))
    assert (
        ombud("user", "create", "--tenant", tenant, "--email", email, "--role", "caseworker", "--password-stdin")[0]
        == 0
    )
    query = "SELECT password_hash, session_generation FROM platform.accounts WHERE email = %s"
    with psycopg.connect(admin_database_url) as conn:
        before = conn.execute(query, (email,)).fetchone()
    monkeypatch.setattr("sys.stdin", io.StringIO("et-nytt-langt-passord\n"))
    code, out, _ = ombud(
        "--actor", "drift-test", "user", "reset-password", "--email", email.upper(), "--password-stdin"
    )
    assert code == 0 and "nytt passord er satt" in out and email not in out  # no address in the terminal
    with psycopg.connect(admin_database_url) as conn:
        after = conn.execute(query, (email,)).fetchone()
        records = conn.execute(
            "SELECT r.tenant_id, r.change, r.actor_id FROM audit.account_records r JOIN platform.accounts a"
            " ON a.id = r.account_id WHERE a.email = %s ORDER BY r.id",
            (email,),
        ).fetchall()
        others = conn.execute("SELECT count(*) FROM audit.account_records WHERE tenant_id = %s", (other,)).fetchone()
    assert after[0] != before[0] and after[0].startswith("$argon2id$") and after[1] == before[1] + 1
    assert [r[:2] for r in records] == [(tenant, "created"), (tenant, "password_reset")]
    assert records[1][2] == "drift-test" and others == (0,)
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    code, _, err = ombud("user", "reset-password", "--email", email, "--password-stdin")
    assert code == 1 and "feil: password:" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("et-nytt-langt-passord\n"))
    code, _, err = ombud("user", "reset-password", "--email", "ingen@eksempel.invalid", "--password-stdin")
    assert code == 1 and "feil: email:" in err
