"""The auditor's verifier (tools/verify_bundle.py) is a second implementation of the chain's rules: it must reach the
platform's bytes exactly, run with nothing of the platform importable, and answer any file with one line."""

from __future__ import annotations

import ast
import base64
import json
import subprocess
import sys
import sysconfig
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.audit_chain import (
    COLUMNS,
    checkpoint_message,
    entry_bytes,
    entry_hash,
    field_bytes,
    genesis,
    key_id,
    link,
    timestamp,
)
from services.audit_signing import Signer, load_signer
from tests.conftest import VERIFIER

fields = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cs",))),
    st.integers(min_value=0, max_value=2**62),
    st.binary(max_size=64),
    st.uuids(),
    st.datetimes(timezones=st.just(UTC)),
)
rows = st.sampled_from(sorted(COLUMNS)).flatmap(
    lambda source: st.tuples(
        st.just(source), st.lists(fields, min_size=len(COLUMNS[source]), max_size=len(COLUMNS[source]))
    )
)
scopes = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(scope=scopes, chain=st.lists(rows, max_size=12))
def test_the_verifier_reaches_the_platforms_head_and_reads_its_fields_for_any_rows(
    verifier: ModuleType, scope: str, chain: list[tuple[str, list[object]]]
) -> None:
    ours, theirs = genesis(scope), verifier.genesis(scope)
    assert ours == theirs
    for source, values in chain:
        data = entry_bytes(source, values)
        assert verifier.fields(data) == [source.encode(), *(None if v is None else field_bytes(v) for v in values)]
        ours, theirs = link(ours, entry_hash(data)), verifier.link(theirs, verifier.sha256(data))
        assert ours == theirs


@settings(max_examples=200, deadline=None)
@given(
    scope=scopes,
    length=st.integers(min_value=1, max_value=2**62),
    head=st.binary(min_size=32, max_size=32),
    at=st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.just(UTC)),  # the platform's times are now-ish
)
def test_the_verifier_checks_the_very_message_the_platform_signs(
    verifier: ModuleType, scope: str, length: int, head: bytes, at: datetime
) -> None:
    assert verifier.TIME.fullmatch(timestamp(at))
    assert verifier.checkpoint_message(scope, length, head, timestamp(at)) == checkpoint_message(
        scope, length, head, at
    )


def test_the_verifier_names_a_key_as_the_platform_does(verifier: ModuleType, signing_key: bytes) -> None:
    public = load_signer(signing_key, "test").public_key
    assert verifier.key_id(verifier._public_key(public.pem().encode())) == key_id(public.raw) == public.key_id


def test_the_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    outside = {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names | {"__future__"}}
    assert outside and all(name.startswith("cryptography") for name in outside)


# With -S no .pth file runs, so the project's editable install is not on the path; only site-packages is added, for
# cryptography. The tool is run from a copy in an empty folder.
ISOLATED = (
    "import runpy, sys; sys.path.append(sys.argv.pop(1)); sys.argv = sys.argv[1:];"
    " runpy.run_path(sys.argv[0], run_name='__main__')"
)


def run_isolated(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    tool = tmp_path / "verify_bundle.py"
    tool.write_bytes(VERIFIER.read_bytes())
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", ISOLATED, sysconfig.get_paths()["purelib"], str(tool), *args],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def bundle_of(scope: str, chain: list[tuple[str, tuple[object, ...]]], signer: Signer) -> dict:
    """A bundle made with the platform's own arithmetic (no database), signed at its end."""
    entries, running = [], genesis(scope)
    for position, (source, values) in enumerate(chain, 1):
        data = entry_bytes(source, values)
        running = link(running, entry_hash(data))
        entries.append(
            {
                "position": position,
                "source": source,
                "source_key": values[0],
                "reference": None,
                "data": base64.b64encode(data).decode(),
                "entry_hash": entry_hash(data).hex(),
                "chain_hash": running.hex(),
            }
        )
    at = datetime.now(UTC)
    signature = signer.sign(checkpoint_message(scope, len(chain), running, at))
    return {
        "manifest": {
            "format": "ombud-audit-bundle-1",
            "scope": scope,
            "first_position": 1,
            "last_position": len(chain),
            "previous_hash": genesis(scope).hex(),
            "entries": len(chain),
            "key_id": signer.public_key.key_id,
        },
        "public_key": signer.public_key.pem(),
        "checkpoints": [
            {
                "length": len(chain),
                "head": running.hex(),
                "at": timestamp(at),
                "key_id": signer.public_key.key_id,
                "signature": base64.b64encode(signature).decode(),
            }
        ],
        "entries": entries,
        "unchained": [],
    }


def fake_chain(scope: str) -> list[tuple[str, tuple[object, ...]]]:
    inquiry, now = uuid.uuid4(), datetime.now(UTC)
    return [
        ("events", (1, inquiry, 1, "domain.inquiry:Inquiry.Received", b"\x00sealed state")),
        ("access_records", (1, scope, now, "cli:testesen", "caseworker", inquiry, "drift", "cli")),
        ("events", (2, inquiry, 2, "domain.inquiry:Inquiry.Resolved", b"\x01more sealed state")),
        ("account_records", (1, scope, now, uuid.uuid4(), "created", "caseworker", None, "cli:testesen", "system")),
    ]


def test_the_verifier_runs_with_nothing_of_the_platform_importable(tmp_path: Path, signing_key: bytes) -> None:
    probe = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            "import sys; sys.path.append(sys.argv[1]); import domain",
            sysconfig.get_paths()["purelib"],
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 1 and "ModuleNotFoundError" in probe.stderr  # the platform really is out of reach
    bundle = bundle_of("prøvekommune", fake_chain("prøvekommune"), load_signer(signing_key, "test"))
    (tmp_path / "bundle.json").write_text(json.dumps(bundle), encoding="utf-8")
    result = run_isolated(tmp_path, "bundle.json")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("holder: prøvekommune, posisjon 1–4 (4 poster, 1 signerte sjekkpunkter")

    bundle["entries"][2]["data"] = base64.b64encode(b"\x00\x00\x00\x06events").decode()
    (tmp_path / "bundle.json").write_text(json.dumps(bundle), encoding="utf-8")
    result = run_isolated(tmp_path, "bundle.json")
    assert result.returncode == 1
    assert result.stdout == "BRUDD ved posisjon 3: hendelse nr. 2: raden er endret etter at den ble forseglet\n"


def damaged(bundle: dict, how: str) -> object:
    """The bundle with one member broken the way `how` says."""
    if how == "not an object":
        return [bundle]
    broken = json.loads(json.dumps(bundle))
    if how == "no entries":
        del broken["entries"]
    elif how == "a position as text":
        broken["entries"][0]["position"] = "1"
    elif how == "a position as true":
        broken["entries"][0]["position"] = True
    elif how == "data not base64":
        broken["entries"][0]["data"] = "ikke base64!"
    elif how == "a short hash":
        broken["entries"][0]["chain_hash"] = "abcd"
    elif how == "an unknown table":
        broken["entries"][0]["source"] = "accounts"
    elif how == "another format":
        broken["manifest"]["format"] = "ombud-audit-bundle-0"
    elif how == "a count that lies":
        broken["manifest"]["entries"] = 3
    elif how == "no key":
        broken["public_key"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
    elif how == "a time in another form":
        broken["checkpoints"][0]["at"] = "2026-01-31 12:00:00"
    return broken


@pytest.mark.parametrize(
    "how",
    [
        "not an object",
        "no entries",
        "a position as text",
        "a position as true",
        "data not base64",
        "a short hash",
        "an unknown table",
        "another format",
        "a count that lies",
        "no key",
        "a time in another form",
    ],
)
def test_a_file_that_is_no_bundle_gets_one_line_and_exit_2(
    verifier: ModuleType, signing_key: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    bundle = bundle_of("prøvekommune", fake_chain("prøvekommune"), load_signer(signing_key, "test"))
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(damaged(bundle, how)), encoding="utf-8")
    assert verifier.main([str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"kan ikke lese {path}: ") and err.count("\n") == 1


@pytest.mark.parametrize("content", [b"", b"{", b"\xff\xfe\x00garbage", b"[" * 100_000])
def test_bytes_that_are_no_json_get_one_line_and_exit_2(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(content)
    assert verifier.main([str(path)]) == 2
    assert capsys.readouterr().err == f"kan ikke lese {path}: ikke en lesbar JSON-fil\n"
    assert verifier.main([str(tmp_path / "finnes-ikke.json")]) == 2
