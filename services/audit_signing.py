"""The Ed25519 key that signs the audit chain's checkpoints: kept outside the database, so whoever can rewrite the
database still cannot sign a rewritten history (docs/audit.md)."""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from domain.audit_chain import Checkpoint, key_id
from services.signed_heads import SignedHeads

_SEED_BYTES = 32


class Signer:
    """Signs checkpoints; knows its public key and the key's short id, and (`memory`) what it signed last."""

    def __init__(self, private_key: Ed25519PrivateKey, memory: SignedHeads | None = None) -> None:
        self._private_key = private_key
        self.public_key = PublicKey(private_key.public_key())
        self.memory = memory

    def sign(self, message: bytes) -> bytes:
        return self._private_key.sign(message)


class PublicKey:
    """Checks a checkpoint's signature; prints itself for an office to publish."""

    def __init__(self, key: Ed25519PublicKey) -> None:
        self._key = key
        self.raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.key_id = key_id(self.raw)

    def pem(self) -> str:
        return self._key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def holds(self, checkpoint: Checkpoint) -> bool:
        """The checkpoint was signed by this key, over exactly its scope, length, head and time."""
        if checkpoint.key_id != self.key_id:
            return False
        try:
            self._key.verify(checkpoint.signature, checkpoint.message())
        except InvalidSignature:
            return False
        return True


def new_signing_key_pem() -> bytes:
    """A fresh private key as unencrypted PKCS #8 PEM (what `openssl genpkey -algorithm ed25519` writes)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_signer(data: bytes, setting: str, memory: SignedHeads | None = None) -> Signer:
    """A PKCS #8 PEM private key, or base64 of the 32-byte Ed25519 seed; an error names the setting, never the key.

    `memory`: the signer's record of what it signed (services/signed_heads.py); without it nothing is remembered."""
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text, password=None)
        except (ValueError, TypeError):
            raise SigningKeyError(setting, "er ingen lesbar PEM-nøkkel (PKCS #8, uten passord)") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError(setting, "må være en Ed25519-nøkkel")
        return Signer(key, memory)
    try:
        seed = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SigningKeyError(setting, "er verken PEM eller gyldig base64") from None
    if len(seed) != _SEED_BYTES:
        raise SigningKeyError(setting, f"må være {_SEED_BYTES} byte (base64), var {len(seed)}")
    return Signer(Ed25519PrivateKey.from_private_bytes(seed), memory)


class SigningKeyError(Exception):
    """The signing key is missing, unreadable or of the wrong kind."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
