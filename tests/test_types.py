"""The application code type-checks (mypy, strict on domain/ and services/), or a type mistake waits for production."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["domain", "services", "projections", "web", "infra"]
# Kept between runs (mypy checks only what changed): a warm run takes seconds, a cold one about a minute.
CACHE = ROOT / ".mypy_cache"


def _mypy(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_mypy_checks_the_five_packages() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert sorted(config["files"]) == sorted(PACKAGES)


def test_mypy_finds_no_error() -> None:
    result = _mypy(cwd=ROOT, cache=CACHE / "tree")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_a_type_mistake_in_the_domain_fails_and_the_domain_is_checked_strictly(tmp_path: Path) -> None:
    """On a copy of domain/ with one bad module added: the real tree is never touched."""
    shutil.copytree(ROOT / "domain", tmp_path / "domain", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "domain" / "deliberate_mistake.py").write_text(
        '"""A module with one plain type error and one thing only strict mode refuses."""\n\n\n'
        "def count() -> int:\n"
        '    return "many"\n\n\n'
        "def untyped(value):\n"
        "    return value\n",
        encoding="utf-8",
    )

    result = _mypy("domain", cwd=tmp_path, cache=CACHE / "probe")

    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 2, result.stdout
    assert errors[0].startswith("domain/deliberate_mistake.py:5: error:") and "[return-value]" in errors[0]
    assert errors[1].startswith("domain/deliberate_mistake.py:8: error:") and "[no-untyped-def]" in errors[1]
