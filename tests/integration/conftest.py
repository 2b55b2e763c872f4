"""Fixtures of the integration tests: the `ombud` command run in-process against the test's database."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest

from infra.cli import main

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def ombud(
    database_url: str,
    admin_database_url: str,
    master_key: bytes,
    signing_key: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OMBUD_ADMIN_DATABASE_URL", admin_database_url)
    monkeypatch.setenv("OMBUD_MASTER_KEY", base64.b64encode(master_key).decode())
    monkeypatch.setenv("OMBUD_AUDIT_SIGNING_KEY", signing_key.decode())
    monkeypatch.setenv("OMBUD_DATA_DIR", str(tmp_path))

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run
