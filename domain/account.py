"""Who may sign in, in which role and for which kommune: the rules an account must follow."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from uuid import UUID

from domain.common import InvalidField
from domain.names import role_name

# Roles that work inside one tenant, and roles above the tenants.
TENANT_ROLES = ("caseworker", "tenant_admin", "auditor")
PLATFORM_ROLES = ("network", "platform_admin")
STAFF_ROLES = TENANT_ROLES + PLATFORM_ROLES
# Roles that may read the tenant's statistics and download its annual report.
REPORT_READERS = TENANT_ROLES
# Who may mark the annual report as delivered to the council (read.delivered_reports).
REPORT_DELIVERERS = ("tenant_admin",)
# Roles that do the case work: register inquiries and their steps, outreach; auditors only read.
CASE_WORKERS = ("caseworker", "tenant_admin")
ERASERS = ("tenant_admin",)  # who may erase an inquiry's personal data for good
# Roles that read the audit trail: the access log, and an inquiry's history replayed step by step.
AUDIT_READERS = ("auditor", "tenant_admin")
MIN_PASSWORD_LENGTH = 12
# What happens to an account, each recorded with who and when (audit.account_records).
ACCOUNT_CHANGES = ("created", "role_changed", "deactivated", "reactivated", "password_reset", "name_set", "invited")
# A display name is a person's name as colleagues read it (personal data: never logged); the column checks it too.
MAX_DISPLAY_NAME = 100
# The record scope of accounts above the tenants: no tenant slug can take it, and row-level security still applies.
PLATFORM_SCOPE = "_platform"

# An e-mail address as every form accepts it: accounts and the letterhead.
EMAIL_ADDRESS = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,}")


@dataclass(frozen=True)
class Account:
    id: UUID
    email: str
    role: str
    tenant: str | None
    display_name: str | None = None


def record_scope(tenant: str | None) -> str:
    """Whose account records an account's changes join: its tenant's, or the platform's own."""
    return tenant or PLATFORM_SCOPE


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL_ADDRESS.fullmatch(email):
        raise InvalidField("email", "må være en e-postadresse")
    return email


def require_role_and_tenant(role: str, tenant: str | None) -> None:
    if role not in STAFF_ROLES:
        raise InvalidField("role", f"ukjent rolle «{role}» (velg en av: {', '.join(map(role_name, STAFF_ROLES))})")
    if role in TENANT_ROLES and not tenant:
        raise InvalidField("tenant", f"rollen {role_name(role).lower()} hører til én kommune: oppgi kommunen")
    if role in PLATFORM_ROLES and tenant:
        raise InvalidField("tenant", f"rollen {role_name(role).lower()} hører ikke til én kommune")


def require_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField("password", f"må ha minst {MIN_PASSWORD_LENGTH} tegn")


def require_display_name(name: object) -> str | None:
    """A name of one line without control characters; blank means no name (the email shows instead)."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise InvalidField("display_name", "Navnet må være tekst")
    if any(unicodedata.category(character) in ("Cc", "Cf", "Cs", "Zl", "Zp") for character in name):
        raise InvalidField("display_name", "Navnet kan ikke inneholde linjeskift eller kontrolltegn")
    name = " ".join(name.split())
    if len(name) > MAX_DISPLAY_NAME:
        raise InvalidField("display_name", f"Navnet kan ha høyst {MAX_DISPLAY_NAME} tegn")
    return name or None


def shown_name(display_name: str | None, email: str) -> str:
    """Who a person is on every page: their display name, the email only when they have none."""
    return display_name or email
