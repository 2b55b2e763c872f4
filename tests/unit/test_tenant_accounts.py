"""Account rules: tenant roles only, own tenant only, never one's own role or account; every change recorded."""

from __future__ import annotations

import pytest

from domain.account import Account
from domain.common import Context, InvalidField
from services.accounts import AccountNotFound, ResetPassword, SetAccountActive, reset_password
from services.platform import Platform
from tests.unit.conftest import InMemoryTenantDirectory
from tests.unit.helpers import slug_fixture  # noqa: F401 (the fixture `slug`)

PASSWORD = "et-langt-testpassord"


def admin_of(platform: Platform, slug: str) -> Context:
    me = platform.create_account(
        Context("oppsett", "system", "k-2"),
        slug,
        email="admin@eksempel.invalid",
        role="tenant_admin",
        password=PASSWORD,
    )
    return Context(str(me.id), "tenant_admin", "k-3")


def colleague_of(platform: Platform, me: Context, slug: str) -> Account:
    """A caseworker the administrator makes in the office."""
    return platform.create_account(me, slug, email="kollega@eksempel.invalid", role="caseworker", password=PASSWORD)


def test_an_administrator_creates_accounts_in_tenant_roles_only(platform: Platform, slug: str) -> None:
    me = admin_of(platform, slug)
    account = platform.create_account(me, slug, email="Ny@Eksempel.invalid", role="auditor", password=PASSWORD)
    assert (account.email, account.role, account.tenant) == ("ny@eksempel.invalid", "auditor", slug)
    with pytest.raises(InvalidField) as error:
        platform.create_account(me, slug, email="nett@eksempel.invalid", role="network", password=PASSWORD)
    assert error.value.field == "role"


def test_a_role_changes_within_the_tenant_but_never_ones_own(platform: Platform, slug: str) -> None:
    me = admin_of(platform, slug)
    colleague = colleague_of(platform, me, slug)
    platform.change_role(me, slug, account_id=str(colleague.id), role="auditor")
    with pytest.raises(InvalidField):
        platform.change_role(me, slug, account_id=me.user_id, role="caseworker")
    with pytest.raises(InvalidField):
        platform.change_role(me, slug, account_id=str(colleague.id), role="platform_admin")
    with pytest.raises(AccountNotFound):
        platform.change_role(me, "annenby", account_id=str(colleague.id), role="caseworker")
    with pytest.raises(AccountNotFound):
        platform.change_role(me, slug, account_id="ikke-en-id", role="caseworker")


def test_an_account_is_deactivated_within_its_scope_but_never_ones_own(
    platform: Platform, slug: str, directory: InMemoryTenantDirectory
) -> None:
    me = admin_of(platform, slug)
    colleague = colleague_of(platform, me, slug)
    platform.set_account_active(me, SetAccountActive(str(colleague.id), slug, active=False))
    assert colleague.id in directory.staff.inactive
    with pytest.raises(InvalidField):
        platform.set_account_active(me, SetAccountActive(me.user_id, slug, active=False))
    for scope in ("annenby", None):
        with pytest.raises(AccountNotFound):
            platform.set_account_active(me, SetAccountActive(str(colleague.id), scope, active=True))
    platform.set_account_active(me, SetAccountActive(str(colleague.id), slug, active=True))
    assert colleague.id not in directory.staff.inactive


def test_every_change_is_recorded_with_who_made_it_and_a_repeated_state_is_not(
    platform: Platform, slug: str, directory: InMemoryTenantDirectory
) -> None:
    me = admin_of(platform, slug)
    colleague = colleague_of(platform, me, slug)
    platform.change_role(me, slug, account_id=str(colleague.id), role="auditor")
    for active in (False, False, True):
        platform.set_account_active(me, SetAccountActive(str(colleague.id), slug, active=active))
    operator = Context("cli:drift", "platform_admin", "k-4")
    reset_password(directory.staff, operator, ResetPassword("Kollega@eksempel.invalid", "et-nytt-langt-passord"))
    assert [(change, actor) for change, account, actor, _ in directory.staff.records if account == colleague.id] == [
        ("created", me.user_id),
        ("role_changed", me.user_id),
        ("deactivated", me.user_id),
        ("reactivated", me.user_id),
        ("password_reset", "cli:drift"),
    ]


def test_a_reset_password_follows_the_password_rules_and_needs_a_known_account(
    platform: Platform, slug: str, directory: InMemoryTenantDirectory
) -> None:
    operator = Context("cli:drift", "platform_admin", "k-4")
    admin_of(platform, slug)
    with pytest.raises(InvalidField) as error:
        reset_password(directory.staff, operator, ResetPassword("admin@eksempel.invalid", "kort"))
    assert error.value.field == "password"
    with pytest.raises(AccountNotFound):
        reset_password(directory.staff, operator, ResetPassword("ingen@eksempel.invalid", "et-nytt-langt-passord"))
