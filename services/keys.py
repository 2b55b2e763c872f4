"""Tenant encryption keys, wrapped by the platform master key so the database never holds a usable key."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag

from services import aead

KEY_BYTES = 32


def new_tenant_key() -> str:
    """A fresh AES-256 key in the form the event store's cipher takes (base64)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def parse_master_key(encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError as error:
        raise MasterKeyError("OMBUD_MASTER_KEY", "er ikke gyldig base64") from error
    if len(key) != KEY_BYTES:
        raise MasterKeyError("OMBUD_MASTER_KEY", f"må være {KEY_BYTES} byte (base64), var {len(key)}")
    return key


def wrap(master_key: bytes, tenant_key: str, slug: str) -> bytes:
    """AES-GCM with the slug as associated data, so a wrapped key only opens for its own tenant."""
    return aead.encrypt(master_key, tenant_key.encode(), slug)


def unwrap(master_key: bytes, wrapped: bytes, slug: str) -> str:
    try:
        return aead.decrypt(master_key, wrapped, slug).decode()
    except InvalidTag as error:
        raise MasterKeyError(slug, "nøkkelen kan ikke åpnes med denne hovednøkkelen") from error


class MasterKeyError(Exception):
    """A key is malformed or cannot be unwrapped."""

    def __init__(self, subject: str, message: str) -> None:
        super().__init__(f"{subject}: {message}")
