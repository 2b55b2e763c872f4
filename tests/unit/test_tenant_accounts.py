"""A tenant administrator's account rules: tenant roles only, their own tenant only, never their own role."""

from __future__ import annotations

import pytest

from domain.common import Context, InvalidField
from services.accounts import AccountNotFound
from services.platform import Platform

PASSWORD = "et-langt-testpassord"


@pytest.fixture
def slug(platform: Platform) -> str:
    admin = Context("plattform-admin", "platform_admin", "k-1")
    platform.create_tenant(admin, slug="proveby", name="Prøveby kommune")
    platform.create_tenant(admin, slug="annenby", name="Annenby kommune")
    return "proveby"


def test_an_administrator_creates_accounts_in_tenant_roles_only(platform: Platform, slug: str) -> None:
    account = platform.create_account(slug, email="Ny@Eksempel.invalid", role="auditor", password=PASSWORD)
    assert (account.email, account.role, account.tenant) == ("ny@eksempel.invalid", "auditor", slug)
    with pytest.raises(InvalidField) as error:
        platform.create_account(slug, email="nett@eksempel.invalid", role="network", password=PASSWORD)
    assert error.value.field == "role"


def test_a_role_changes_within_the_tenant_but_never_ones_own(platform: Platform, slug: str) -> None:
    me = platform.create_account(slug, email="admin@eksempel.invalid", role="tenant_admin", password=PASSWORD)
    colleague = platform.create_account(slug, email="kollega@eksempel.invalid", role="caseworker", password=PASSWORD)
    platform.change_role(slug, account_id=str(colleague.id), role="auditor", changed_by=str(me.id))
    with pytest.raises(InvalidField):
        platform.change_role(slug, account_id=str(me.id), role="caseworker", changed_by=str(me.id))
    with pytest.raises(InvalidField):
        platform.change_role(slug, account_id=str(colleague.id), role="platform_admin", changed_by=str(me.id))
    with pytest.raises(AccountNotFound):
        platform.change_role("annenby", account_id=str(colleague.id), role="caseworker", changed_by=str(me.id))
    with pytest.raises(AccountNotFound):
        platform.change_role(slug, account_id="ikke-en-id", role="caseworker", changed_by=str(me.id))
