"""The dependency direction domain ← services ← {projections, web} ← infra holds and the style is kept, or the design erodes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_every_module_says_why_it_exists() -> None:
    missing = []
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {".venv", "tests", "bench"}:
            continue
        text = path.read_text(encoding="utf-8").lstrip()
        if not text.startswith('"""'):
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [Path(sys.executable).parent / "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_ruff_finds_nothing_to_lint() -> None:
    result = _ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_file_is_formatted_as_ruff_formats_it() -> None:
    result = _ruff("format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr
