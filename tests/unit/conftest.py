"""Unit tests run the services on the library's in-memory persistence."""

from __future__ import annotations

import os
import uuid

import pytest

from domain.common import Context
from services.platform import Platform


class InMemoryTenantDirectory:
    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}

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
