"""A display name is one short line a colleague reads: validated at the edge of the domain, recorded when it changes."""

from __future__ import annotations

import pytest

from domain.account import MAX_DISPLAY_NAME, require_display_name, shown_name
from domain.common import Context, InvalidField, require_choice
from services.accounts import (
    AccountNotFound,
    NameAccountByEmail,
    SetDisplayName,
    name_account_by_email,
)
from services.platform import Platform
from tests.unit.conftest import InMemoryTenantDirectory
from tests.unit.helpers import slug_fixture  # noqa: F401 (the fixture `slug`)

PASSWORD = "et-langt-testpassord"
SETUP = Context("oppsett", "system", "k-0")


def test_a_name_is_trimmed_and_its_inner_spaces_collapsed() -> None:
    assert require_display_name("  Kari   Prøvesen ") == "Kari Prøvesen"
    assert require_display_name("Åse Ødegård-Ærlig") == "Åse Ødegård-Ærlig"


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_name_is_no_name_and_the_email_shows_instead(blank: str | None) -> None:
    assert require_display_name(blank) is None
    assert shown_name(require_display_name(blank), "kari@eksempel.invalid") == "kari@eksempel.invalid"
    assert shown_name("Kari Prøvesen", "kari@eksempel.invalid") == "Kari Prøvesen"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Kari\x00Prøvesen", "kontrolltegn"),
        ("Kari\nPrøvesen", "linjeskift"),
        ("Kari\tPrøvesen", "kontrolltegn"),
        ("Kari\u202eProvesen", "kontrolltegn"),  # a right-to-left override would turn the name around
        ("K" * (MAX_DISPLAY_NAME + 1), f"høyst {MAX_DISPLAY_NAME} tegn"),
        (42, "tekst"),
    ],
)
def test_an_odd_name_is_refused_in_norwegian_naming_the_field(typed: object, says: str) -> None:
    with pytest.raises(InvalidField) as refused:
        require_display_name(typed)
    assert refused.value.field == "display_name"
    assert refused.value.message.startswith("Navnet") and says in refused.value.message


def test_the_longest_name_allowed_is_kept_whole() -> None:
    assert require_display_name("K" * MAX_DISPLAY_NAME) == "K" * MAX_DISPLAY_NAME


def test_an_administrator_names_an_account_of_their_tenant_and_the_change_is_recorded_once(
    platform: Platform, slug: str, directory: InMemoryTenantDirectory
) -> None:
    account = platform.create_account(SETUP, slug, email="kari@eksempel.invalid", role="caseworker", password=PASSWORD)
    assert account.display_name is None
    admin = Context("admin-1", "tenant_admin", "k-2")
    platform.set_display_name(admin, SetDisplayName(str(account.id), slug, "Kari Prøvesen"))
    platform.set_display_name(admin, SetDisplayName(str(account.id), slug, " Kari  Prøvesen "))  # the same name
    accounts = directory.staff
    assert accounts.accounts[account.id].display_name == "Kari Prøvesen"
    assert [r[0] for r in accounts.records if r[1] == account.id] == ["created", "name_set"]
    platform.set_display_name(admin, SetDisplayName(str(account.id), slug, ""))
    assert accounts.accounts[account.id].display_name is None


def test_another_tenants_account_or_no_account_is_not_found(
    platform: Platform, slug: str, directory: InMemoryTenantDirectory
) -> None:
    account = platform.create_account(SETUP, slug, email="kari@eksempel.invalid", role="caseworker", password=PASSWORD)
    admin = Context("admin-2", "tenant_admin", "k-3")
    for command in (
        SetDisplayName(str(account.id), "annenby", "Kari Prøvesen"),
        SetDisplayName("ikke-en-id", slug, "Kari Prøvesen"),
    ):
        with pytest.raises(AccountNotFound):
            platform.set_display_name(admin, command)
    assert directory.staff.accounts[account.id].display_name is None


def test_an_account_can_be_named_when_it_is_created_and_by_email_at_the_command_line(
    platform: Platform, slug: str, directory: InMemoryTenantDirectory
) -> None:
    account = platform.create_account(
        SETUP, slug, email="ola@eksempel.invalid", role="auditor", password=PASSWORD, display_name=" Ola Testesen "
    )
    assert account.display_name == "Ola Testesen"
    accounts = directory.staff
    name_account_by_email(accounts, SETUP, NameAccountByEmail("OLA@eksempel.invalid", "Ola Prøvesen"))
    assert accounts.accounts[account.id].display_name == "Ola Prøvesen"
    with pytest.raises(AccountNotFound):
        name_account_by_email(accounts, SETUP, NameAccountByEmail("ingen@eksempel.invalid", "Ingen"))
    with pytest.raises(InvalidField):
        platform.create_account(
            SETUP, slug, email="nul@eksempel.invalid", role="auditor", password=PASSWORD, display_name="A\x00B"
        )


def test_a_refused_choice_names_the_choices_in_norwegian_not_by_code() -> None:
    with pytest.raises(InvalidField) as refused:
        require_choice("participants", "innbygger", ("ombud", "requester", "relative"))
    assert refused.value.message == "ugyldig verdi «innbygger»; velg en av: Ombudet, Innbyggeren, Pårørende"
