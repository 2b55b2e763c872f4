"""Staff accounts: creating them with an argon2 hash, changing, switching off and resetting them, checking a password.

Every change is recorded by the directory in the same transaction as the change itself (who, when, what).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from domain.account import (
    TENANT_ROLES,
    Account,
    normalise_email,
    require_display_name,
    require_password,
    require_role_and_tenant,
)
from domain.common import Context, DomainError, InvalidField, require_choice

RECOMMENDED = profiles.RFC_9106_LOW_MEMORY  # argon2id, 64 MiB, 3 passes: the library's default, ~0.2 s a hash here


class _Hashing:
    """The one hasher of the process, and a hash of its cost to check when the email is unknown, so that a wrong
    address costs as long as a wrong password. The dummy is made on first use, not when a command starts."""

    def __init__(self) -> None:
        self.hasher = PasswordHasher.from_parameters(RECOMMENDED)
        self._dummy: str | None = None

    def dummy(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash("ingen-konto-har-dette-passordet")
        return self._dummy

    def cheapest(self) -> None:
        self.hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
        self._dummy = None


_HASHING = _Hashing()


def use_cheapest_password_hashing() -> None:
    """For the test run alone, where no real password is kept: argon2id at its lowest cost (0.2 ms, not 0.2 s)."""
    _HASHING.cheapest()


class AccountDirectory(Protocol):
    """Each method changes the account and appends its account record in one transaction."""

    def add(self, account: Account, password_hash: str, by: Context) -> bool:
        """False if the email is taken."""

    def known_tenant(self, slug: str) -> bool: ...

    def change_role(self, account_id: uuid.UUID, tenant: str, role: str, by: Context) -> bool:
        """False if the tenant has no such account. Ends the account's sessions."""

    def set_active(self, account_id: uuid.UUID, tenant: str | None, active: bool, by: Context) -> bool:
        """False if there is no such account in the tenant (None: among the platform's own accounts).
        Deactivating ends the account's sessions; setting the state it already has records nothing."""

    def reset_password(self, email: str, password_hash: str, by: Context) -> bool:
        """False if no account has that email. Ends the account's sessions."""

    def set_display_name(self, account_id: uuid.UUID, tenant: str | None, name: str | None, by: Context) -> bool:
        """False if there is no such account in the tenant (None: among the platform's own accounts).
        Setting the name it already has records nothing; sessions go on."""

    def account_by_email(self, email: str) -> Account | None:
        """The account with that email, whatever its tenant: for the operator at the command line."""

    def invite(self, token_hash: bytes, account: Account, valid_for: timedelta, by: Context) -> bool:
        """Keeps the invitation (its token's hash only) with its record; False if the email has an account."""

    def open_invitation(self, token_hash: bytes) -> Account | None:
        """The account an unused, unexpired invitation will make; None for any other token."""

    def accept_invitation(self, token_hash: bytes, password_hash: str) -> uuid.UUID | None:
        """Uses the invitation once and makes its account with its record; None if it is not open (any more)."""


@dataclass(frozen=True)
class SetAccountActive:
    """Deactivate (active=False) or reactivate an account of a tenant, or of the platform when tenant is None."""

    account_id: str
    tenant: str | None
    active: bool


@dataclass(frozen=True)
class SetDisplayName:
    """Name an account of a tenant (of the platform when tenant is None); a blank name clears it."""

    account_id: str
    tenant: str | None
    display_name: str


@dataclass(frozen=True)
class NameAccountByEmail:
    """The operator names any account by its email (ombud user name)."""

    email: str
    display_name: str

    @property
    def removes_name(self) -> bool:
        """A blank name takes the name away: the account shows as its email again."""
        return not self.display_name.strip()


@dataclass(frozen=True)
class ResetPassword:
    email: str
    password: str


class EmailTaken(DomainError):
    """Another account has that email."""


class AccountNotFound(DomainError):
    """No account with that id in the tenant."""


def setup_context() -> Context:
    """Who creates the accounts that set-up code makes (the demo's, the tests'): no person, so no person's id."""
    return Context("oppsett", "system", str(uuid.uuid4()))


def create_account(
    directory: AccountDirectory,
    *,
    email: str,
    role: str,
    tenant: str | None,
    password: str,
    by: Context | None = None,
    display_name: str | None = None,
) -> Account:
    email = normalise_email(email)
    require_role_and_tenant(role, tenant)
    require_password(password)
    display_name = require_display_name(display_name)
    if tenant and not directory.known_tenant(tenant):
        raise DomainError("tenant", f"finner ingen kommune «{tenant}»")
    account = Account(uuid.uuid4(), email, role, tenant, display_name)
    if not directory.add(account, _HASHING.hasher.hash(password), by or setup_context()):
        raise EmailTaken("email", "det finnes allerede en konto med denne e-postadressen")
    return account


def change_role(directory: AccountDirectory, by: Context, *, tenant: str, account_id: str, role: str) -> None:
    """A tenant's administrator moves one of the tenant's accounts between the tenant roles, never their own."""
    require_choice("role", role, TENANT_ROLES)
    if account_id == by.user_id:
        raise InvalidField("role", "du kan ikke endre din egen rolle")
    if not directory.change_role(_account_id(account_id), tenant, role, by):
        raise AccountNotFound("account", "finner ingen slik konto i kommunen")


def set_active(directory: AccountDirectory, by: Context, command: SetAccountActive) -> None:
    """An administrator switches an account of their own scope off or on again, never their own."""
    if command.account_id == by.user_id:
        raise InvalidField("account", "du kan ikke deaktivere din egen konto")
    if not directory.set_active(_account_id(command.account_id), command.tenant, command.active, by):
        raise AccountNotFound("account", "finner ingen slik konto")


def set_display_name(directory: AccountDirectory, by: Context, command: SetDisplayName) -> None:
    """An administrator names an account of their own scope, their own included."""
    name = require_display_name(command.display_name)
    if not directory.set_display_name(_account_id(command.account_id), command.tenant, name, by):
        raise AccountNotFound("account", "finner ingen slik konto")


def name_account_by_email(directory: AccountDirectory, by: Context, command: NameAccountByEmail) -> Account:
    """The operator names an account found by its email; returns the account as it was found."""
    name = require_display_name(command.display_name)
    account = directory.account_by_email(normalise_email(command.email))
    if account is None or not directory.set_display_name(account.id, account.tenant, name, by):
        raise AccountNotFound("email", "finner ingen konto med denne e-postadressen")
    return account


def reset_password(directory: AccountDirectory, by: Context, command: ResetPassword) -> None:
    """A new password, chosen by the operator; every session of the account ends."""
    email = normalise_email(command.email)
    require_password(command.password)
    if not directory.reset_password(email, _HASHING.hasher.hash(command.password), by):
        raise AccountNotFound("email", "finner ingen konto med denne e-postadressen")


INVITATION_VALID_FOR = timedelta(hours=72)
INVITABLE_ROLES = ("tenant_admin",)  # the first person of a new office; they add their colleagues themselves
INVITERS = ("platform_admin",)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")  # what secrets.token_urlsafe makes; anything else is no invitation


class NotAnInviter(DomainError):
    """Only a platform administrator invites an office's first administrator."""


def invite_first_admin(
    directory: AccountDirectory, by: Context, *, tenant: str, email: str, display_name: str | None = None
) -> str:
    """A one-time invitation for a new office's administrator; returns the token for the link, which is kept nowhere
    but in the link: the directory stores its hash. The invited person chooses their own password on the link's page,
    so no password passes through the platform administrator."""
    if by.role not in INVITERS:
        raise NotAnInviter("role", "bare plattformadministratorer kan invitere en kommunes første administrator")
    email = normalise_email(email)
    display_name = require_display_name(display_name)
    if not directory.known_tenant(tenant):
        raise DomainError("tenant", f"finner ingen kommune «{tenant}»")
    token = secrets.token_urlsafe(32)
    account = Account(uuid.uuid4(), email, INVITABLE_ROLES[0], tenant, display_name)
    if not directory.invite(_token_hash(token), account, INVITATION_VALID_FOR, by):
        raise EmailTaken("email", "det finnes allerede en konto med denne e-postadressen")
    return token


def open_invitation(directory: AccountDirectory, token: str) -> Account | None:
    """The account the invitation will make, while it is unused and unexpired; None for any other text."""
    return directory.open_invitation(_token_hash(token)) if _TOKEN.fullmatch(token) else None


def accept_invitation(directory: AccountDirectory, token: str, password: str, repeated: str) -> Account:
    """The invited person's own password: the account is made and the link used up, once."""
    errors = {}
    try:
        require_password(password)
    except InvalidField as error:
        errors["password"] = error.message
    if not errors and password != repeated:
        errors["repeated"] = "må være det samme passordet som over"
    if errors:
        raise InvalidPasswords(errors)
    account = open_invitation(directory, token)
    if account is None or directory.accept_invitation(_token_hash(token), _HASHING.hasher.hash(password)) is None:
        raise InvitationClosed("token", "lenken er allerede brukt eller har utløpt")
    return account


class InvalidPasswords(DomainError):
    """Every field of the password form that is wrong, at once."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors)), next(iter(errors.values())))
        self.errors = errors


class InvitationClosed(DomainError):
    """The link is unknown, used or expired."""


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def password_matches(password_hash: str | None, password: str) -> bool:
    """Takes as long for an unknown account (None) as for a known one."""
    try:
        return _HASHING.hasher.verify(password_hash or _HASHING.dummy(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _account_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise AccountNotFound("account", "finner ingen slik konto") from None
