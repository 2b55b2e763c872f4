"""Staff accounts: creating them with an argon2 hash, and checking a password at sign-in."""

from __future__ import annotations

import uuid
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.account import TENANT_ROLES, Account, normalise_email, require_password, require_role_and_tenant
from domain.common import DomainError, InvalidField, require_choice

_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
# Checked when the email is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("ingen-konto-har-dette-passordet")


class AccountDirectory(Protocol):
    def add(self, account: Account, password_hash: str) -> bool:
        """False if the email is taken."""

    def known_tenant(self, slug: str) -> bool: ...

    def change_role(self, account_id: uuid.UUID, tenant: str, role: str) -> bool:
        """False if the tenant has no such account."""


class EmailTaken(DomainError):
    """Another account has that email."""


def create_account(directory: AccountDirectory, *, email: str, role: str, tenant: str | None, password: str) -> Account:
    email = normalise_email(email)
    require_role_and_tenant(role, tenant)
    require_password(password)
    if tenant and not directory.known_tenant(tenant):
        raise DomainError("tenant", f"finner ingen kommune «{tenant}»")
    account = Account(uuid.uuid4(), email, role, tenant)
    if not directory.add(account, _HASHER.hash(password)):
        raise EmailTaken("email", "det finnes allerede en konto med denne e-postadressen")
    return account


def change_role(directory: AccountDirectory, *, tenant: str, account_id: str, role: str, changed_by: str) -> None:
    """A tenant's administrator moves one of the tenant's accounts between the tenant roles, never their own."""
    require_choice("role", role, TENANT_ROLES)
    if account_id == changed_by:
        raise InvalidField("role", "du kan ikke endre din egen rolle")
    try:
        parsed = uuid.UUID(account_id)
    except ValueError:
        raise AccountNotFound("account", "finner ingen slik konto i kommunen") from None
    if not directory.change_role(parsed, tenant, role):
        raise AccountNotFound("account", "finner ingen slik konto i kommunen")


def password_matches(password_hash: str | None, password: str) -> bool:
    """Takes as long for an unknown account (None) as for a known one."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class AccountNotFound(DomainError):
    """No account with that id in the tenant."""
