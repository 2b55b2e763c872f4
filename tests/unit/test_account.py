"""Account rules: a real email address, a role that fits the tenant, a long enough password."""

from __future__ import annotations

import pytest

from domain.account import normalise_email, require_password, require_role_and_tenant
from domain.common import InvalidField


def test_an_email_is_compared_in_lower_case_without_spaces() -> None:
    assert normalise_email("  Kari.Nordmann@Eksempel.INVALID ") == "kari.nordmann@eksempel.invalid"


@pytest.mark.parametrize("email", ["", "kari", "kari@", "@eksempel.no", "kari@eksempel", "kari nordmann@eksempel.no"])
def test_a_malformed_email_names_the_field(email: str) -> None:
    with pytest.raises(InvalidField) as error:
        normalise_email(email)
    assert error.value.field == "email"


@pytest.mark.parametrize(
    ("role", "tenant"), [("caseworker", None), ("auditor", ""), ("network", "drammen"), ("king", None)]
)
def test_roles_inside_a_tenant_need_one_and_roles_above_must_not_have_one(role: str, tenant: str | None) -> None:
    with pytest.raises(InvalidField) as error:
        require_role_and_tenant(role, tenant)
    assert error.value.field in ("tenant", "role")


def test_a_short_password_is_refused() -> None:
    with pytest.raises(InvalidField, match="minst 12 tegn"):
        require_password("elleve-tegn")
    require_password("tolv-tegn-ok")
