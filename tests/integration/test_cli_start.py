"""An `ombud` command imports what it uses: no chart, spreadsheet or document library, no web app, and no other
command's module, so that it starts quickly (docs/performance.md, "The command line's start")."""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.cli import build_parser, command

HEAVY = ("matplotlib", "numpy", "openpyxl", "docx", "scipy", "litestar", "web.app", "opentelemetry.sdk")
ROOT = Path(__file__).resolve().parents[2]


def imported_after(argv: list[str], env: dict[str, str]) -> tuple[int, list[str], list[str]]:
    """Runs the command in a fresh interpreter; its exit status, the heavy modules it imported, and infra's."""
    script = (
        "import json, sys\n"
        "from infra.cli import main\n"
        "try:\n"
        f"    code = main({argv!r})\n"
        "except SystemExit as exit_:\n"
        "    code = exit_.code or 0\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m in {HEAVY!r})\n"
        "infra = sorted(m for m in sys.modules if m.startswith('infra.'))\n"
        "print(json.dumps([code, heavy, infra]), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    code, heavy, infra = json.loads(done.stderr.strip().splitlines()[-1])
    return code, heavy, infra


@pytest.fixture
def command_env(database_url: str, master_key: bytes, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMBUD_", "OTEL_"))}
    return {
        **env,
        "DATABASE_URL": database_url,
        "OMBUD_MASTER_KEY": base64.b64encode(master_key).decode(),
        "OMBUD_DATA_DIR": str(tmp_path),
    }


def test_listing_the_tenants_imports_no_document_chart_or_web_library(command_env: dict[str, str]) -> None:
    code, heavy, infra = imported_after(["tenant", "list", "--json"], command_env)
    assert code == 0 and "infra.runtime" in infra  # it did open the runtime and read the tenants
    assert heavy == []
    assert "infra.audit_commands" not in infra and "infra.delivery_commands" not in infra


def test_help_imports_neither_the_runtime_nor_the_database_driver(command_env: dict[str, str]) -> None:
    code, heavy, infra = imported_after(["--help"], command_env)
    assert code == 0
    assert heavy == []
    assert "infra.runtime" not in infra and "infra.audit_commands" not in infra


def test_every_command_names_a_function_that_exists() -> None:
    """Commands are named by text and imported when run: a misspelt name must fail here, not in someone's hands."""
    found: list[str] = []

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    run = sub.get_default("run")
                    if run is not None:
                        found.append(run)
                        assert callable(command(run)), run
                    walk(sub)

    walk(build_parser())
    assert len(found) > 40
