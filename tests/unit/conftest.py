"""Unit tests run the services on the library's in-memory persistence."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from uuid import UUID

import pytest

from domain.account import Account
from domain.common import Context
from services.platform import Platform


class InMemoryAccountDirectory:
    def __init__(self, tenants: InMemoryTenantDirectory) -> None:
        self.tenants = tenants
        self.accounts: dict[UUID, Account] = {}

    def add(self, account: Account, password_hash: str) -> bool:
        if any(a.email == account.email for a in self.accounts.values()):
            return False
        self.accounts[account.id] = account
        return True

    def known_tenant(self, slug: str) -> bool:
        return slug in self.tenants.keys

    def change_role(self, account_id: UUID, tenant: str, role: str) -> bool:
        found = self.accounts.get(account_id)
        if found is None or found.tenant != tenant:
            return False
        self.accounts[account_id] = replace(found, role=role)
        return True


class InMemoryTenantDirectory:
    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        self.staff = InMemoryAccountDirectory(self)

    def add(self, slug: str, wrapped_key: bytes) -> bool:
        if slug in self.keys:
            return False
        self.keys[slug] = wrapped_key
        return True

    def remove(self, slug: str) -> None:
        self.keys.pop(slug, None)

    def wrapped_key(self, slug: str) -> bytes | None:
        return self.keys.get(slug)

    def slugs(self) -> list[str]:
        return sorted(self.keys)

    def accounts(self) -> InMemoryAccountDirectory:
        return self.staff


@pytest.fixture
def ctx() -> Context:
    return Context("rådgiver-1", "caseworker", str(uuid.uuid4()))


@pytest.fixture
def directory() -> InMemoryTenantDirectory:
    return InMemoryTenantDirectory()


@pytest.fixture
def master_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def platform(directory: InMemoryTenantDirectory, master_key: bytes) -> Platform:
    platform = Platform(directory, master_key)
    yield platform
    platform.close()
