"""The signer's record beside its key: written whole, never moved back, read back exactly; and the published form of a
checkpoint, which the witnesses, the record and the auditor's verifier share."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from domain.audit_chain import WITNESS_FORMAT, Checkpoint, checkpoint_message, from_published, published
from domain.common import DomainError
from domain.tenant import require_slug
from services.audit_signing import Signer, load_signer, new_signing_key_pem
from services.signed_heads import SignedHeads


@pytest.fixture
def signer() -> Signer:
    return load_signer(new_signing_key_pem(), "OMBUD_AUDIT_SIGNING_KEY")


def signed(signer: Signer, scope: str, length: int) -> Checkpoint:
    at = datetime(2026, 3, 1, 9, 15, 0, 123456, tzinfo=UTC)
    head = bytes([length % 256]) * 32
    message = checkpoint_message(scope, length, head, at)
    return Checkpoint(scope, length, head, at, signer.public_key.key_id, signer.sign(message))


def test_a_checkpoint_survives_the_published_form_and_its_signature_still_holds(signer: Signer) -> None:
    point = signed(signer, "drammen", 1234)
    again = from_published(json.loads(json.dumps(published(point))))
    assert again == point and signer.public_key.holds(again)
    assert set(published(point)) == {"tenant", "length", "head", "at", "key_id", "signature"}


@pytest.mark.parametrize(
    "change",
    [{"length": "12"}, {"length": True}, {"length": 0}, {"head": "ab"}, {"head": "zz" * 32}, {"at": "2026-03-01"},
     {"signature": "ikke base64!"}, {"signature": "AAAA"}, {"tenant": None}],
)  # fmt: skip
def test_a_published_checkpoint_that_is_not_so_made_is_refused_naming_the_field(
    signer: Signer, change: dict[str, object]
) -> None:
    item = published(signed(signer, "drammen", 12)) | change
    with pytest.raises(ValueError, match="sjekkpunktets"):
        from_published(item)


def test_the_record_keeps_the_last_checkpoint_per_chain_and_never_moves_back(signer: Signer, tmp_path: Path) -> None:
    memory = SignedHeads(tmp_path / "signert")
    assert memory.last("drammen") is None
    memory.remember(signed(signer, "drammen", 10))
    memory.remember(signed(signer, "trondheim", 3))
    memory.remember(signed(signer, "drammen", 12))
    memory.remember(signed(signer, "drammen", 11))  # a slower signer's older checkpoint: not kept
    assert memory.last("drammen") == signed(signer, "drammen", 12)
    assert SignedHeads(tmp_path / "signert").last("trondheim") == signed(signer, "trondheim", 3)
    files = sorted(p.name for p in (tmp_path / "signert").iterdir())
    assert files == [".lock", "drammen.json", "trondheim.json"]  # no temporary file left behind
    assert json.loads((tmp_path / "signert" / "drammen.json").read_text())["format"] == WITNESS_FORMAT
    assert oct(os.stat(tmp_path / "signert").st_mode & 0o777) == oct(0o700)


def test_a_record_that_cannot_be_read_is_one_line_naming_the_setting_and_never_read_as_empty(
    signer: Signer, tmp_path: Path
) -> None:
    memory = SignedHeads(tmp_path)
    (tmp_path / "drammen.json").write_text("{ikke json", encoding="utf-8")
    with pytest.raises(DomainError) as broken:
        memory.last("drammen")
    assert broken.value.field == "OMBUD_AUDIT_SIGNER_STATE_DIR" and "drammen.json" in broken.value.message
    other = published(signed(signer, "trondheim", 4))
    (tmp_path / "drammen.json").write_text(json.dumps({"last": other}), encoding="utf-8")
    with pytest.raises(DomainError, match="en annen kjede"):
        memory.last("drammen")
    with pytest.raises(ValueError):
        memory.last("../drammen")


def test_the_auditors_verifier_reads_the_published_form_the_platform_writes(
    verifier: ModuleType, signer: Signer, tmp_path: Path
) -> None:
    point = signed(signer, "drammen", 7)
    witness = tmp_path / "vitne.json"
    witness.write_text(json.dumps({"format": WITNESS_FORMAT, "checkpoints": [published(point)]}), encoding="utf-8")
    [(tenant, read)] = verifier.load_witness(str(witness))
    assert tenant == "drammen" and (read.length, read.head, read.signature) == (7, point.head, point.signature)
    witness.write_text(json.dumps({"format": "noe annet", "checkpoints": []}), encoding="utf-8")
    with pytest.raises(verifier.Unreadable, match="ombud-checkpoints-1"):
        verifier.load_witness(str(witness))


def test_no_kommune_can_be_named_after_the_public_list_of_checkpoints() -> None:
    with pytest.raises(DomainError):
        require_slug("revisjon")  # /revisjon/{kommune}/sjekkpunkter is the platform's own path
