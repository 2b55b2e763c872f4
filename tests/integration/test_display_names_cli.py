"""The operator names staff at the command line: `ombud user create --name` and `ombud user name`, recorded, never echoed."""

from __future__ import annotations

import io
from collections.abc import Callable

import psycopg
import pytest

from tests.integration.conftest import Run

NAME = "Kari Prøvesen"


def name_and_changes(admin_database_url: str, email: str) -> tuple[str | None, list[tuple[str, str]]]:
    with psycopg.connect(admin_database_url) as conn:
        name = conn.execute("SELECT display_name FROM platform.accounts WHERE email = %s", (email,)).fetchone()[0]
        records = conn.execute(
            "SELECT r.tenant_id, r.change FROM audit.account_records r JOIN platform.accounts a ON a.id = r.account_id"
            " WHERE a.email = %s ORDER BY r.id",
            (email,),
        ).fetchall()
    return name, records


def test_the_operator_names_an_account_at_creation_and_renames_it_later(
    ombud: Run, admin_database_url: str, monkeypatch: pytest.MonkeyPatch, new_slug: Callable[[], str]
) -> None:
    tenant, other = new_slug(), new_slug()
    for slug in (tenant, other):
        assert ombud("tenant", "create", slug, "--name", "Prøvekommune")[0] == 0
    email = f"kari-{tenant}@eksempel.invalid"
    monkeypatch.setattr("sys.stdin", io.StringIO("et-langt-hemmelig-passord\n"))
    code, out, _ = ombud(
        "user",
        "create",
        "--tenant",
        tenant,
        "--email",
        email,
        "--role",
        "caseworker",
        "--name",
        NAME,
        "--password-stdin",
    )
    assert code == 0 and NAME not in out
    assert name_and_changes(admin_database_url, email) == (NAME, [(tenant, "created")])
    code, out, _ = ombud("--actor", "drift-test", "user", "name", "--email", email.upper(), "--name", "Kari Nordprøve")
    assert code == 0 and out.strip() == "navnet er satt" and "Nordprøve" not in out  # personal data: not echoed
    assert name_and_changes(admin_database_url, email) == (
        "Kari Nordprøve",
        [(tenant, "created"), (tenant, "name_set")],
    )
    assert ombud("user", "name", "--email", email, "--name", "")[0] == 0
    assert name_and_changes(admin_database_url, email)[0] is None
    with psycopg.connect(admin_database_url) as conn:
        assert conn.execute("SELECT count(*) FROM audit.account_records WHERE tenant_id = %s", (other,)).fetchone() == (
            0,
        )


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--name", "Kari\nPrøvesen"], "Navnet kan ikke inneholde linjeskift eller kontrolltegn"),
        (["--name", "K" * 101], "Navnet kan ha høyst 100 tegn"),
        (["--name", "Kari"], "email: finner ingen konto"),
    ],
)
def test_a_bad_name_or_unknown_address_is_one_line_naming_the_field(ombud: Run, argv: list[str], says: str) -> None:
    code, _, err = ombud("user", "name", "--email", "ingen@eksempel.invalid", *argv)
    assert code != 0 and says in err and len(err.strip().splitlines()) == 1
