"""Erasure against the real servers: the key is destroyed, nothing else stored changes, the statistics stay the same."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import psycopg
import pytest

from domain.common import Context
from domain.inquiry import ERASED, Inquiry
from services.application import OfficeApplication, table_prefix
from services.inquiry_keys import DecryptionFailed
from services.keys import unwrap
from services.platform import Platform
from tests import factories
from tests.helpers import query
from tests.integration.conftest import Run

NAME = "Åsmund Slettesen"
CONTACT = "asmund.slettesen@example.invalid"
SUMMARY = "Åsmund Slettesen klager på vedtak om støttekontakt."
NOTE = "Åsmund ringte om saken sin."
REASON = "Sendt videre etter ønske fra Åsmund"
ABOUT = "Klage på Åsmunds vedtak"
ATTACHMENT = "Vedtaket Åsmund fikk"
PERSONAL = (NAME, CONTACT, SUMMARY, NOTE, REASON, ABOUT, ATTACHMENT)


def receive_full(ombud: Run, tenant: str, reference: str) -> None:
    personal = {"--summary": SUMMARY, "--requester-name": NAME, "--contact": CONTACT}
    code, _, err = ombud(
        *factories.receive_args(tenant, {"--reference": reference, "--case-type": "no_reply", **personal})
    )
    assert code == 0, err
    for verb, *options in (
        ("note", "--text", NOTE),
        ("forward", "--to-body", "nav", "--reason", REASON),
        ("complaint", "--to", "county_governor", "--about", ABOUT),
        ("resolve", "--outcome", "assisted"),
    ):
        code, _, err = ombud("inquiry", verb, "--tenant", tenant, reference, "--on", "2024-02-02", *options)
        assert code == 0, err


def annual_report(ombud: Run, tenant: str) -> str:
    code, out, err = ombud("report", "annual", "--tenant", tenant, "--year", "2024", "--format", "json")
    assert code == 0, err
    return out


def every_table_as_text(admin_database_url: str) -> str:
    """A plain dump: every row of every table of ours, as text (bytea as hex)."""
    with psycopg.connect(admin_database_url) as conn:
        tables = conn.execute(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
            " WHERE schemaname IN ('events', 'platform', 'read', 'audit', 'public')"
        ).fetchall()
        return "\n".join(
            str(row[0]) for (table,) in tables for row in conn.execute(f"SELECT t::text FROM {table} t").fetchall()
        )


def tenant_events(admin_database_url: str, slug: str) -> list[tuple[str, int, bytes]]:
    with psycopg.connect(admin_database_url) as conn:
        return [
            (str(r[0]), r[1], bytes(r[2]))
            for r in conn.execute(
                f"SELECT originator_id, originator_version, state FROM events.{table_prefix(slug)}_events"
                " ORDER BY notification_id"
            ).fetchall()
        ]


def tenant_key(admin_database_url: str, master_key: bytes, slug: str) -> str:
    with psycopg.connect(admin_database_url) as conn:
        row = conn.execute("SELECT wrapped_key FROM platform.tenants WHERE slug = %s", (slug,)).fetchone()
    return unwrap(master_key, bytes(row[0]), slug)


def contains_any(text: str, secrets: tuple[str, ...]) -> list[str]:
    return [s for s in secrets if s in text or s.encode().hex() in text or json.dumps(s)[1:-1] in text]


def test_erasure_leaves_no_personal_text_anywhere_and_keeps_the_annual_report(
    ombud: Run, admin_database_url: str, master_key: bytes, new_slug: Callable[[], str], tmp_path: Path
) -> None:
    office, other_office = new_slug(), new_slug()
    for slug in (office, other_office):
        assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
        receive_full(ombud, slug, "2024-0001")
    receive_full(ombud, office, "2024-0002")
    without_attachment = annual_report(ombud, office)
    document = tmp_path / "vedtak.txt"
    document.write_text(f"Vedtak for {NAME}, {CONTACT}\n")  # an attachment's bytes and title: sealed, then erased
    code, _, err = ombud("inquiry", "attach", "--tenant", office, "2024-0001", str(document), "--title", ATTACHMENT)
    assert code == 0, err
    assert annual_report(ombud, office) == without_attachment
    assert len(query(admin_database_url, "SELECT 1 FROM platform.attachments WHERE tenant_id = %s", (office,))) == 1
    reports_before = [annual_report(ombud, slug) for slug in (office, other_office)]
    events_before = tenant_events(admin_database_url, office)

    code, out, err = ombud(
        "inquiry", "erase", "--tenant", office, "2024-0001", "--reason", "krav fra innbygger", "--outcome", "withdrawn"
    )

    assert code == 0, err
    assert [annual_report(ombud, slug) for slug in (office, other_office)] == reports_before
    events_after = tenant_events(admin_database_url, office)
    assert events_after[: len(events_before)] == events_before  # nothing stored was rewritten
    assert len(events_after) == len(events_before) + 1
    for verb in ("show", "history"):
        for json_flag in ((), ("--json",)):
            code, out, err = ombud("inquiry", verb, "--tenant", office, "2024-0001", *json_flag)
            assert code == 0, err
            assert contains_any(out, PERSONAL) == []
            assert ERASED in out
    # The one erased inquiry only: the office's other inquiry and the other tenant's same reference still open.
    for slug, reference in ((office, "2024-0002"), (other_office, "2024-0001")):
        shown = json.loads(ombud("inquiry", "show", "--tenant", slug, reference, "--json")[1])
        assert (shown["requester_name"], shown["contact"], shown["summary"]) == (NAME, CONTACT, SUMMARY)
    # A plain dump holds no personal text, and neither do the erased inquiry's events with the tenant cipher off.
    assert contains_any(every_table_as_text(admin_database_url), PERSONAL) == []
    assert query(admin_database_url, "SELECT 1 FROM platform.attachments WHERE tenant_id = %s", (office,)) == []
    cipher = OfficeApplication(office, tenant_key(admin_database_url, master_key, office)).mapper.cipher
    erased_id = str(Inquiry.id_for("2024-0001"))
    opened = "\n".join(cipher.decrypt(state).decode() for oid, _, state in events_after if oid == erased_id)
    assert contains_any(opened, PERSONAL) == []
    keys = query(
        admin_database_url,
        "SELECT tenant_id, inquiry_id::text, wrapped_key IS NULL, destroyed_at IS NOT NULL"
        " FROM platform.inquiry_keys WHERE tenant_id IN (%s, %s)",
        (office, other_office),
    )
    assert sorted((t == office and i == erased_id, gone, stamped) for t, i, gone, stamped in keys) == [
        (False, False, False),
        (False, False, False),
        (True, True, True),
    ]

    code, _, err = ombud(
        "inquiry", "erase", "--tenant", office, "2024-0001", "--reason", "krav fra innbygger", "--outcome", "withdrawn"
    )
    assert code == 1 and err.count("\n") == 1 and "allerede slettet" in err
    code, _, err = ombud("inquiry", "note", "--tenant", office, "2024-0001", "--text", "Ny opplysning")
    assert code == 1 and err.count("\n") == 1


def test_the_erase_command_says_the_reason_must_hold_no_personal_data(ombud: Run) -> None:
    code, out, _ = ombud("inquiry", "erase", "--help")
    assert code == 0
    assert "aldri personopplysninger" in " ".join(out.split())


def test_erasing_an_open_inquiry_at_the_command_line_needs_its_outcome_and_closes_it(
    ombud: Run, new_slug: Callable[[], str]
) -> None:
    slug = new_slug()
    assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
    assert ombud(*factories.receive_args(slug, {"--reference": "2024-0009"}))[0] == 0
    erase = ("inquiry", "erase", "--tenant", slug, "2024-0009", "--reason", "krav fra innbygger")
    code, _, err = ombud(*erase)
    assert code == 1 and err.count("\n") == 1 and "velg utfall" in err
    assert json.loads(ombud("inquiry", "show", "--tenant", slug, "2024-0009", "--json")[1])["status"] == "open"
    code, _, err = ombud(*erase, "--outcome", "withdrawn")
    assert code == 0, err
    shown = json.loads(ombud("inquiry", "show", "--tenant", slug, "2024-0009", "--json")[1])
    assert (shown["status"], shown["outcome"], shown["summary"]) == ("resolved", "withdrawn", ERASED)


ON = date(2024, 2, 1)


def receive(platform: Platform, ctx: Context, slug: str, reference: str, *, summary: str = SUMMARY) -> str:
    office = platform.office(slug)
    factories.receive(
        office, ctx, reference=reference, received_on=ON, summary=summary, requester_name=NAME, contact=CONTACT
    )
    return str(office.inquiry(reference).id)


def forge(admin_database_url: str, key: str, slug: str, inquiry_id: str, field: str, envelope: object) -> None:
    """As someone with the database and the tenant key would: puts another envelope into a Received event."""
    cipher = OfficeApplication(slug, key).mapper.cipher
    table = f"events.{table_prefix(slug)}_events"
    with psycopg.connect(admin_database_url) as conn:
        (state,) = conn.execute(
            f"SELECT state FROM {table} WHERE originator_id = %s AND originator_version = 1", (inquiry_id,)
        ).fetchone()
        event = json.loads(cipher.decrypt(bytes(state)))
        event[field] = envelope
        conn.execute(
            f"UPDATE {table} SET state = %s WHERE originator_id = %s AND originator_version = 1",
            (cipher.encrypt(json.dumps(event).encode()), inquiry_id),
        )


def envelope_of(admin_database_url: str, key: str, slug: str, inquiry_id: str, field: str) -> object:
    cipher = OfficeApplication(slug, key).mapper.cipher
    with psycopg.connect(admin_database_url) as conn:
        (state,) = conn.execute(
            f"SELECT state FROM events.{table_prefix(slug)}_events WHERE originator_id = %s AND originator_version = 1",
            (inquiry_id,),
        ).fetchone()
    return json.loads(cipher.decrypt(bytes(state)))[field]


def test_a_ciphertext_moved_between_inquiries_fields_or_tenants_fails_to_open(
    platform: Platform, admin: Context, caseworker: Context, admin_database_url: str, master_key: bytes,
    new_slug: Callable[[], str],
) -> None:  # fmt: skip
    a, b = new_slug(), new_slug()
    for slug in (a, b):
        platform.create_tenant(admin, slug=slug, name="Prøvekommune")
    key_a, key_b = (tenant_key(admin_database_url, master_key, slug) for slug in (a, b))
    first, second, third = (receive(platform, caseworker, a, f"2024-000{n}") for n in (1, 2, 3))
    in_b = receive(platform, caseworker, b, "2024-0009")

    forge(admin_database_url, key_a, a, first, "summary", envelope_of(admin_database_url, key_a, a, second, "summary"))
    forge(admin_database_url, key_a, a, second, "summary", envelope_of(admin_database_url, key_a, a, second, "contact"))
    other_tenant = envelope_of(admin_database_url, key_b, b, in_b, "summary")
    forge(admin_database_url, key_a, a, third, "summary", other_tenant)

    fresh = platform.office(a)
    for reference in ("2024-0001", "2024-0002", "2024-0003"):
        with pytest.raises(DecryptionFailed):
            fresh.inquiry(reference)
    assert platform.office(b).inquiry("2024-0009").summary == SUMMARY


def refused(conn: psycopg.Connection, tenant: str, statement: str, inquiry_id: object) -> None:
    """The app's login, with the tenant set, may not run the statement on the inquiry's key row."""
    with pytest.raises(psycopg.errors.Error), conn.transaction():
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant,))
        conn.execute(statement, (inquiry_id,))


def test_the_app_login_can_only_destroy_a_key_never_restore_change_or_delete_it(
    platform: Platform, admin: Context, caseworker: Context, database_url: str, new_slug: Callable[[], str]
) -> None:
    from services.office import EraseInquiry

    slug, other = new_slug(), new_slug()
    for s in (slug, other):
        platform.create_tenant(admin, slug=s, name="Prøvekommune")
    inquiry_id = receive(platform, caseworker, slug, "2024-0001")
    other_id = receive(platform, caseworker, other, "2024-0001")
    assert inquiry_id == other_id  # the same reference names the same id in both tenants
    platform.office(slug).handle(
        factories.as_admin(admin), EraseInquiry("2024-0001", ON, "kassasjon", outcome="withdrawn")
    )

    with psycopg.connect(database_url) as conn:
        for statement in (
            "UPDATE platform.inquiry_keys SET wrapped_key = '\\x00', destroyed_at = NULL WHERE inquiry_id = %s",
            "UPDATE platform.inquiry_keys SET created_at = now() WHERE inquiry_id = %s",
            "DELETE FROM platform.inquiry_keys WHERE inquiry_id = %s",
        ):
            refused(conn, slug, statement, inquiry_id)
        for statement in (  # a live key is only ever re-wrapped under a newer epoch, never back or sideways
            "UPDATE platform.inquiry_keys SET epoch = 99, wrapped_key = '\\x00', destroyed_at = now()"
            " WHERE inquiry_id = %s",
            "UPDATE platform.inquiry_keys SET wrapped_key = '\\x00' WHERE inquiry_id = %s",
            "UPDATE platform.inquiry_keys SET epoch = NULL, wrapped_key = '\\x00' WHERE inquiry_id = %s",
            "UPDATE platform.inquiry_keys SET epoch = 0 WHERE inquiry_id = %s",
        ):
            refused(conn, other, statement, other_id)
        refused(  # nor a destroyed one back under a new epoch
            conn,
            slug,
            "UPDATE platform.inquiry_keys SET epoch = 99, wrapped_key = '\\x00', destroyed_at = NULL WHERE inquiry_id = %s",
            inquiry_id,
        )
    assert platform.office(slug).inquiry("2024-0001").summary == ERASED
    assert platform.office(other).inquiry("2024-0001").summary == SUMMARY
