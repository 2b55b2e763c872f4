"""Checks an audit bundle from `ombud audit export` on the auditor's own machine, trusting nothing of the platform.

One file, Python 3.9 or later, the standard library and the `cryptography` package (`pip install cryptography`):
it imports nothing of the platform, so what it believes is only what you read here. docs/audit.md explains it.

    python verify_bundle.py BUNDLE.json [--previous OLD.json] [--public-key office.pem] [--witness LIST.json]

Prints one line. "holder: ..." and exit 0: every entry hashes to what was sealed, the chain links from its start to
its end, and the end is a checkpoint signed by the bundle's key. "BRUDD ved posisjon N: <table> nr. K (henvendelse
REF): why" and exit 1: the first position where it does not hold. Exit 2: the files cannot be read.

The bundle is JSON (UTF-8) with five members:
    manifest     format "ombud-audit-bundle-1"; scope (the kommune's slug); exported_at; sealed_from, sealed_to (the
                 days asked for, or null); first_position, last_position (the range, 1 = the chain's first entry);
                 previous_hash (hex: the chain hash before first_position); entries (how many); key_id; rules (notes)
    public_key   the office's Ed25519 public key (PEM)
    checkpoints  [{length, head (hex), at, key_id, signature (base64)}]: those from first_position - 1 to the end
    entries      [{position, source, source_key, reference, data (base64 of the stored row, null when the row is
                 gone), entry_hash (hex), chain_hash (hex)}] in order; reference names the inquiry, if any
    unchained    [{source, source_key, reference, data}]: rows that lie among the range's rows (by their key) but
                 were never sealed into the chain, i.e. put in afterwards

The rules (the platform's domain/audit_chain.py implements them once, this file a second time):
    data         the source table's name, then the row's columns, each as a 4-byte big-endian length and its bytes
                 (a NULL is ff ff ff ff and nothing after); the first column is the row's key (source_key)
    entry hash   SHA-256(data)
    genesis      SHA-256("ombud-chain-1\\n" + scope): the chain hash at position 0
    chain hash   at position p: SHA-256(chain hash at p - 1 + entry hash at p)
    checkpoint   an Ed25519 signature over "ombud-checkpoint-1\\n" + scope + "\\n" + length + "\\n" + head (hex)
                 + "\\n" + at; head is the chain hash at position length; key_id is the first 16 hex digits of
                 SHA-256 of the raw 32-byte public key

With --previous OLD.json (a bundle you kept from before): the same scope and key, and the new chain has the same
chain hash as the old one at every position both cover, up to the old one's end: nothing the old bundle showed has
been changed since. With --public-key office.pem: the bundle's key is the one the office published. With --witness
LIST.json (a copy of /revisjon/KOMMUNE/sjekkpunkter, format "ombud-checkpoints-1": {"checkpoints": [{tenant,
length, head, at, key_id, signature}]}): every checkpoint the witness saw for this kommune is signed by the bundle's
key, the bundle reaches at least as far as the longest one, and the chain has its head wherever both cover.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

FORMAT = "ombud-audit-bundle-1"
WITNESS_FORMAT = "ombud-checkpoints-1"
TABLES = {"events": "hendelse", "access_records": "tilgangslogg", "account_records": "kontologg"}
NULL = b"\xff\xff\xff\xff"
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
REASONS = {
    "changed": "raden er endret etter at den ble forseglet",
    "missing": "raden er slettet",
    "inserted": "raden er satt inn i ettertid (den står ikke i kjeden)",
    "chain": "kjedens egen post er endret",
    "gap": "kjeden mangler en posisjon",
    "checkpoint": "stemmer ikke med det signerte sjekkpunktet: historikken før denne posisjonen er skrevet om",
    "signature": "sjekkpunktets signatur holder ikke (feil nøkkel eller endret sjekkpunkt)",
    "start": "kjeden begynner verken ved kommunens utgangspunkt eller ved et signert sjekkpunkt",
    "unsigned": "posten er ikke dekket av et signert sjekkpunkt",
    "label": "eksporten oppgir en annen tabell eller et annet nummer enn raden selv har",
    "rewritten": "historikken fram til hit er endret siden forrige eksport",
    "shorter": "den nye eksporten slutter før den forrige gjorde",
    "not_covered": "den nye eksporten begynner etter slutten av den forrige: det mellom er ikke kontrollert",
    "resigned": "sjekkpunktet er et annet enn i forrige eksport",
    "witness": "vitnets sjekkpunkt er ikke signert med eksportens nøkkel",
    "behind_witness": "eksporten slutter før et sjekkpunkt vitnet har sett: historikken er kortet av eller rullet"
    " tilbake",
    "witness_rewritten": "kjeden har et annet hode her enn sjekkpunktet vitnet har sett: historikken er skrevet om",
}


# The rules -----------------------------------------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def genesis(scope: str) -> bytes:
    return sha256(b"ombud-chain-1\n" + scope.encode("utf-8"))


def link(previous: bytes, entry_hash: bytes) -> bytes:
    return sha256(previous + entry_hash)


def checkpoint_message(scope: str, length: int, head: bytes, at: str) -> bytes:
    return f"ombud-checkpoint-1\n{scope}\n{length}\n{head.hex()}\n{at}".encode()


def key_id(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw(public_key)).hexdigest()[:16]


def raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def fields(data: bytes) -> list[bytes | None]:
    """An entry's data split into its fields (the source table's name first); ValueError if it is not so made."""
    found: list[bytes | None] = []
    at = 0
    while at < len(data):
        if at + 4 > len(data):
            raise ValueError("a field's length is cut short")
        size = data[at : at + 4]
        at += 4
        if size == NULL:
            found.append(None)
            continue
        end = at + int.from_bytes(size, "big")
        if end > len(data):
            raise ValueError("a field is cut short")
        found.append(data[at:end])
        at = end
    return found


# Reading a bundle ----------------------------------------------------------------------------------------------


class Unreadable(Exception):
    """The file is not a bundle this verifier can read (exit 2)."""


@dataclass(frozen=True)
class Checkpoint:
    length: int
    head: bytes
    at: str
    key_id: str
    signature: bytes


@dataclass(frozen=True)
class Entry:
    position: int
    source: str
    key: int
    reference: str | None
    data: bytes | None
    entry_hash: bytes
    chain_hash: bytes


@dataclass(frozen=True)
class Row:
    source: str
    key: int
    reference: str | None
    data: bytes


@dataclass(frozen=True)
class Bundle:
    scope: str
    first: int
    last: int
    previous: bytes
    key_id: str
    public_key: Ed25519PublicKey
    checkpoints: list[Checkpoint]
    entries: list[Entry]
    unchained: list[Row]


def load(path: str) -> Bundle:
    try:
        with open(path, "rb") as file:
            text = file.read()
    except OSError:
        raise Unreadable(f"{path}: filen kan ikke åpnes") from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise Unreadable(f"{path}: ikke en lesbar JSON-fil") from None
    try:
        return _bundle(document)
    except Unreadable as error:
        raise Unreadable(f"{path}: {error}") from None


def _bundle(document: object) -> Bundle:
    manifest = _get(document, "manifest", dict, "")
    if manifest.get("format") != FORMAT:
        raise Unreadable(f'manifest.format er ikke "{FORMAT}"')
    scope = _get(manifest, "scope", str, "manifest")
    first = _get(manifest, "first_position", int, "manifest")
    last = _get(manifest, "last_position", int, "manifest")
    if not 1 <= first <= last:
        raise Unreadable("manifest: first_position og last_position er ikke et område")
    entries = [_entry(item, f"entries[{n}]") for n, item in enumerate(_get(document, "entries", list, ""))]
    if len(entries) != _get(manifest, "entries", int, "manifest"):
        raise Unreadable("manifest.entries stemmer ikke med antallet poster i filen")
    return Bundle(
        scope=scope,
        first=first,
        last=last,
        previous=_hash(_get(manifest, "previous_hash", str, "manifest"), "manifest.previous_hash"),
        key_id=_get(manifest, "key_id", str, "manifest"),
        public_key=_public_key(_get(document, "public_key", str, "").encode()),
        checkpoints=[
            _checkpoint(item, f"checkpoints[{n}]") for n, item in enumerate(_get(document, "checkpoints", list, ""))
        ],
        entries=entries,
        unchained=[_row(item, f"unchained[{n}]") for n, item in enumerate(_get(document, "unchained", list, ""))],
    )


def _checkpoint(item: object, where: str) -> Checkpoint:
    at = _get(item, "at", str, where)
    if not TIME.fullmatch(at):
        raise Unreadable(f"{where}.at er ikke et tidspunkt som 2026-01-31T12:00:00.000000Z")
    signature = _base64(_get(item, "signature", str, where), f"{where}.signature")
    return Checkpoint(
        _get(item, "length", int, where),
        _hash(_get(item, "head", str, where), f"{where}.head"),
        at,
        _get(item, "key_id", str, where),
        signature,
    )


def _entry(item: object, where: str) -> Entry:
    data = _get(item, "data", (str, type(None)), where)
    return Entry(
        _get(item, "position", int, where),
        _source(item, where),
        _get(item, "source_key", int, where),
        _get(item, "reference", (str, type(None)), where),
        None if data is None else _base64(data, f"{where}.data"),
        _hash(_get(item, "entry_hash", str, where), f"{where}.entry_hash"),
        _hash(_get(item, "chain_hash", str, where), f"{where}.chain_hash"),
    )


def _row(item: object, where: str) -> Row:
    return Row(
        _source(item, where),
        _get(item, "source_key", int, where),
        _get(item, "reference", (str, type(None)), where),
        _base64(_get(item, "data", str, where), f"{where}.data"),
    )


def _get(item: object, name: str, kind: type | tuple[type, ...], where: str) -> object:
    label = f"{where}.{name}" if where else name
    if not isinstance(item, dict) or name not in item:
        raise Unreadable(f"{label} mangler")
    value = item[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise Unreadable(f"{label} har feil type")
    return value


def _source(item: object, where: str) -> str:
    source = _get(item, "source", str, where)
    if source not in TABLES:
        raise Unreadable(f"{where}.source er ingen kjent tabell")
    return source


def _hash(text: str, where: str) -> bytes:
    try:
        value = bytes.fromhex(text)
    except ValueError:
        raise Unreadable(f"{where} er ikke heksadesimal") from None
    if len(value) != 32:
        raise Unreadable(f"{where} er ikke 32 byte")
    return value


def _base64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Unreadable(f"{where} er ikke gyldig base64") from None


def _public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise Unreadable("public_key er ingen lesbar PEM-nøkkel") from None
    if not isinstance(key, Ed25519PublicKey):
        raise Unreadable("public_key er ingen Ed25519-nøkkel")
    return key


def load_witness(path: str) -> list[tuple[str, Checkpoint]]:
    """A witness's list of signed checkpoints, each with the kommune it names."""
    try:
        with open(path, "rb") as file:
            document = json.loads(file.read())
    except OSError:
        raise Unreadable(f"{path}: filen kan ikke åpnes") from None
    except (ValueError, RecursionError):
        raise Unreadable(f"{path}: ikke en lesbar JSON-fil") from None
    if not isinstance(document, dict) or document.get("format") != WITNESS_FORMAT:
        raise Unreadable(f'{path}: format er ikke "{WITNESS_FORMAT}"')
    try:
        items = _get(document, "checkpoints", list, "")
        return [
            (_get(i, "tenant", str, f"checkpoints[{n}]"), _checkpoint(i, f"checkpoints[{n}]"))
            for n, i in enumerate(items)
        ]
    except Unreadable as error:
        raise Unreadable(f"{path}: {error}") from None


# Checking ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """Where a bundle stops holding, and why (one of REASONS)."""

    position: int
    reason: str
    source: str | None = None
    key: int | None = None
    reference: str | None = None

    def line(self, prefix: str = "BRUDD") -> str:
        where = f"{TABLES[self.source]} nr. {self.key}" if self.source else ""
        if self.reference:
            where += f" (henvendelse {self.reference})"
        return f"{prefix} ved posisjon {self.position}: " + (f"{where}: " if where else "") + REASONS[self.reason]


def _at(entry: Entry | Row, position: int, reason: str) -> Break:
    return Break(position, reason, entry.source, entry.key, entry.reference)


def check(bundle: Bundle) -> tuple[Break | None, dict[int, bytes]]:
    """The first break, if any; and the chain hash at each position from first_position - 1 on."""
    chain = {bundle.first - 1: bundle.previous}
    signed = {point.length: point for point in bundle.checkpoints}
    found = [b for b in (_start(bundle, signed), _walk(bundle, signed, chain), _inserted(bundle)) if b is not None]
    return (min(found, key=lambda b: b.position) if found else None), chain


def _signed_by(bundle: Bundle, point: Checkpoint) -> bool:
    if point.key_id != key_id(bundle.public_key):
        return False
    try:
        bundle.public_key.verify(point.signature, checkpoint_message(bundle.scope, point.length, point.head, point.at))
    except InvalidSignature:
        return False
    return True


def _start(bundle: Bundle, signed: dict[int, Checkpoint]) -> Break | None:
    """The chain starts at the genesis, or at a signed checkpoint whose head is previous_hash."""
    if bundle.first == 1:
        return None if bundle.previous == genesis(bundle.scope) else Break(1, "start")
    point = signed.get(bundle.first - 1)
    if point is None:
        return Break(bundle.first, "start")
    if not _signed_by(bundle, point):
        return Break(point.length, "signature")
    return None if point.head == bundle.previous else Break(point.length, "checkpoint")


def _walk(bundle: Bundle, signed: dict[int, Checkpoint], chain: dict[int, bytes]) -> Break | None:
    """Every position in turn: the row is there, hashes to its entry hash, links to its chain hash, and checkpoints
    on the way hold; then nothing is missing at the end, and the end is signed."""
    running, expected, signed_to = bundle.previous, bundle.first, bundle.first - 1
    for entry in bundle.entries:
        if entry.position != expected:
            return Break(expected, "gap")
        if entry.data is None:
            return _at(entry, entry.position, "missing")
        digest = sha256(entry.data)
        if digest != entry.entry_hash:
            return _at(entry, entry.position, "changed")
        if not _labelled(entry):
            return _at(entry, entry.position, "label")
        running = link(running, digest)
        if running != entry.chain_hash:
            return _at(entry, entry.position, "chain")
        chain[entry.position] = running
        point = signed.get(entry.position)
        if point is not None:
            if not _signed_by(bundle, point):
                return _at(entry, entry.position, "signature")
            if point.head != running:
                return _at(entry, entry.position, "checkpoint")
            signed_to = entry.position
        expected += 1
    if expected <= bundle.last or any(length > bundle.last for length in signed):
        return Break(expected, "gap")
    return None if signed_to == bundle.last else Break(signed_to + 1, "unsigned")


def _labelled(entry: Entry) -> bool:
    """The row's own first fields are the table and the key the bundle gives it."""
    try:
        own = fields(entry.data or b"")
    except ValueError:
        return False
    return own[:2] == [entry.source.encode(), str(entry.key).encode()]


def _inserted(bundle: Bundle) -> Break | None:
    """A row put in afterwards breaks the chain where the next sealed row of its table stands."""
    found = []
    for row in bundle.unchained:
        later = [e.position for e in bundle.entries if e.source == row.source and e.key > row.key]
        found.append(_at(row, min(later, default=bundle.last + 1), "inserted"))
    return min(found, key=lambda b: b.position) if found else None


def extends(new: Bundle, new_chain: dict[int, bytes], old: Bundle, old_chain: dict[int, bytes]) -> Break | None:
    """The new chain agrees with the old bundle at every position both cover, to the old one's end."""
    if old.last > new.last:
        return Break(new.last + 1, "shorter")
    if old.last < new.first - 1:
        return Break(old.last + 1, "not_covered")
    at = {entry.position: entry for entry in new.entries}
    for position in range(max(old.first, new.first) - 1, old.last + 1):
        if old_chain[position] != new_chain[position]:
            entry = at.get(position)
            return _at(entry, position, "rewritten") if entry else Break(position, "rewritten")
    again = {point.length: point for point in new.checkpoints}
    for point in old.checkpoints:
        if point.length in again and again[point.length] != point:
            return Break(point.length, "resigned")
    return None


def witnessed(bundle: Bundle, chain: dict[int, bytes], seen: list[Checkpoint]) -> Break | None:
    """Every checkpoint a witness saw is the bundle's key's, within the bundle's reach, and agrees with its chain."""
    for point in sorted(seen, key=lambda p: p.length):
        if not _signed_by(bundle, point):
            return Break(point.length, "witness")
        if point.length > bundle.last:
            return Break(bundle.last + 1, "behind_witness")
        if point.length in chain and chain[point.length] != point.head:
            return Break(point.length, "witness_rewritten")
    return None


# The command ---------------------------------------------------------------------------------------------------


def judge(
    bundle: Bundle,
    previous: Bundle | None,
    published: Ed25519PublicKey | None,
    witness: list[tuple[str, Checkpoint]] | None = None,
) -> tuple[int, str]:
    """The exit status and the one line to print."""
    if bundle.key_id != key_id(bundle.public_key):
        return 1, "BRUDD: manifestets key_id er ikke nøkkelen eksporten har med"
    if published is not None and raw(published) != raw(bundle.public_key):
        return 1, f"BRUDD: eksportens nøkkel ({bundle.key_id}) er ikke den kontoret har publisert ({key_id(published)})"
    broken, chain = check(bundle)
    if broken is not None:
        return 1, broken.line()
    holds = (
        f"holder: {bundle.scope}, posisjon {bundle.first}–{bundle.last} ({len(bundle.entries)} poster,"
        f" {len(bundle.checkpoints)} signerte sjekkpunkter, nøkkel {bundle.key_id})"
    )
    if witness is not None:
        seen = [point for tenant, point in witness if tenant == bundle.scope]
        if not seen:
            return 1, f"BRUDD: vitnet har ingen sjekkpunkter for {bundle.scope}"
        broken = witnessed(bundle, chain, seen)
        if broken is not None:
            return 1, broken.line()
        holds += f"; stemmer med vitnets {len(seen)} sjekkpunkter"
    if previous is None:
        return 0, holds
    if previous.scope != bundle.scope:
        return 1, f"BRUDD: forrige eksport gjelder et annet revisjonsspor ({previous.scope})"
    if raw(previous.public_key) != raw(bundle.public_key):
        return 1, f"BRUDD: forrige eksport er signert med en annen nøkkel ({key_id(previous.public_key)})"
    old_broken, old_chain = check(previous)
    if old_broken is not None:
        return 1, old_broken.line("BRUDD i forrige eksport")
    broken = extends(bundle, chain, previous, old_chain)
    if broken is not None:
        return 1, broken.line()
    return 0, f"{holds}; forlenger forrige eksport (posisjon {previous.first}–{previous.last}) uten endringer"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kontroller en eksport av revisjonssporet (ombud audit export).")
    parser.add_argument("bundle", help="eksporten (JSON)")
    parser.add_argument("--previous", help="en tidligere eksport av samme kommune, som den nye skal forlenge")
    parser.add_argument("--public-key", help="den offentlige nøkkelen kontoret har publisert (PEM)")
    parser.add_argument("--witness", help="et vitnes kopi av sjekkpunktene (/revisjon/KOMMUNE/sjekkpunkter, JSON)")
    args = parser.parse_args(argv)
    try:
        bundle = load(args.bundle)
        previous = load(args.previous) if args.previous else None
        published = _published(args.public_key) if args.public_key else None
        witness = load_witness(args.witness) if args.witness else None
    except Unreadable as error:
        print(f"kan ikke lese {error}", file=sys.stderr)
        return 2
    status, line = judge(bundle, previous, published, witness)
    print(line)
    return status


def _published(path: str) -> Ed25519PublicKey:
    try:
        with open(path, "rb") as file:
            return _public_key(file.read())
    except OSError:
        raise Unreadable(f"{path}: filen kan ikke åpnes") from None
    except Unreadable:
        raise Unreadable(f"{path}: ingen Ed25519-nøkkel i PEM") from None


if __name__ == "__main__":
    sys.exit(main())
