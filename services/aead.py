"""AES-256-GCM, the one way keys and personal fields are encrypted: a fresh nonce each time, and what the bytes
belong to (tenant, inquiry, field, epoch) as associated data, so bytes moved anywhere else do not decrypt.

The stored form is the 12-byte nonce followed by the ciphertext and its tag; every wrapped key, epoch file and
encrypted field in the database and on disk has this form, so it never changes.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


def encrypt(key: bytes, plaintext: bytes, associated: str) -> bytes:
    """The nonce, then the ciphertext of `plaintext` under `key`, bound to `associated`."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated.encode())


def decrypt(key: bytes, message: bytes, associated: str) -> bytes:
    """The plaintext; raises cryptography's InvalidTag if the bytes were altered, moved or made under another key."""
    return AESGCM(key).decrypt(message[:NONCE_BYTES], message[NONCE_BYTES:], associated.encode())
