"""Unit tests run the services on the library's in-memory persistence."""

from __future__ import annotations

import os
import uuid
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from uuid import UUID

import pytest

from domain.account import Account
from domain.common import Context
from services.attachments import InMemoryAttachments
from services.inquiry_keys import InMemoryInquiryKeys
from services.key_epochs import InMemoryEpochStore
from services.platform import Platform
from services.sent_letters import InMemorySentLetters


class InMemoryAccountDirectory:
    def __init__(self, tenants: InMemoryTenantDirectory) -> None:
        self.tenants = tenants
        self.accounts: dict[UUID, Account] = {}
        self.inactive: set[UUID] = set()
        self.hashes: dict[UUID, str] = {}
        self.records: list[tuple[str, UUID, str, str]] = []  # (change, account, actor, actor role)

    def add(self, account: Account, password_hash: str, by: Context) -> bool:
        if any(a.email == account.email for a in self.accounts.values()):
            return False
        self.accounts[account.id] = account
        self.hashes[account.id] = password_hash
        self.records.append(("created", account.id, by.user_id, by.role))
        return True

    def known_tenant(self, slug: str) -> bool:
        return slug in self.tenants.keys

    def change_role(self, account_id: UUID, tenant: str, role: str, by: Context) -> bool:
        found = self.accounts.get(account_id)
        if found is None or found.tenant != tenant:
            return False
        self.accounts[account_id] = replace(found, role=role)
        self.records.append(("role_changed", account_id, by.user_id, by.role))
        return True

    def set_active(self, account_id: UUID, tenant: str | None, active: bool, by: Context) -> bool:
        found = self.accounts.get(account_id)
        if found is None or found.tenant != tenant:
            return False
        if (account_id not in self.inactive) != active:
            (self.inactive.discard if active else self.inactive.add)(account_id)
            self.records.append(("reactivated" if active else "deactivated", account_id, by.user_id, by.role))
        return True

    def reset_password(self, email: str, password_hash: str, by: Context) -> bool:
        found = next((a for a in self.accounts.values() if a.email == email), None)
        if found is None:
            return False
        self.hashes[found.id] = password_hash
        self.records.append(("password_reset", found.id, by.user_id, by.role))
        return True

    def set_display_name(self, account_id: UUID, tenant: str | None, name: str | None, by: Context) -> bool:
        found = self.accounts.get(account_id)
        if found is None or found.tenant != tenant:
            return False
        if found.display_name != name:
            self.accounts[account_id] = replace(found, display_name=name)
            self.records.append(("name_set", account_id, by.user_id, by.role))
        return True

    def account_by_email(self, email: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.email == email), None)


class InMemoryTenantDirectory:
    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        self.staff = InMemoryAccountDirectory(self)
        self.inquiry_key_stores: dict[str, InMemoryInquiryKeys] = {}
        self.attachment_stores: dict[str, InMemoryAttachments] = {}
        self.sent_letter_stores: dict[str, InMemorySentLetters] = {}
        self.sharing: dict[str, bool] = {}

    def inquiry_keys(self, slug: str) -> InMemoryInquiryKeys:
        return self.inquiry_key_stores.setdefault(slug, InMemoryInquiryKeys())

    def search_keys(self, slug: str) -> None:
        return None  # no read model in memory: the words' hashes are used as they are

    def attachments(self, slug: str) -> InMemoryAttachments:
        return self.attachment_stores.setdefault(slug, InMemoryAttachments())

    def sent_letters(self, slug: str) -> InMemorySentLetters:
        return self.sent_letter_stores.setdefault(slug, InMemorySentLetters())

    def add(self, slug: str, wrapped_key: bytes, shares_statistics: bool = True) -> bool:
        if slug in self.keys:
            return False
        self.keys[slug] = wrapped_key
        self.sharing[slug] = shares_statistics
        return True

    def remove(self, slug: str, by: Context) -> None:
        self.keys.pop(slug, None)
        self.sharing.pop(slug, None)

    def set_sharing(self, slug: str, shares: bool, by: Context) -> bool:
        if slug not in self.keys:
            return False
        self.sharing[slug] = shares
        return True

    def sharing_slugs(self) -> list[str]:
        return sorted(slug for slug, shares in self.sharing.items() if shares)

    def sharing_change(self, slug: str) -> AbstractContextManager[None]:
        return nullcontext()  # one process, one thread: nothing to serialise

    def wrapped_key(self, slug: str) -> bytes | None:
        return self.keys.get(slug)

    def wrapped_keys(self, slugs: list[str]) -> dict[str, bytes]:
        return {slug: self.keys[slug] for slug in slugs if slug in self.keys}

    def stored_profiles(self, slugs: list[str]) -> dict:
        return {}  # the events live in each office's own memory: read one by one

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
    platform = Platform(directory, master_key, epochs=InMemoryEpochStore())
    yield platform
    platform.close()
