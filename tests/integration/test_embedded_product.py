"""On a fresh machine (no DATABASE_URL, no REDIS_URL) the product runs on its embedded servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.cli import main

pytestmark = pytest.mark.embedded


def test_the_command_line_works_without_any_server_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Its own master key (made in the data folder), so its own key epochs too: not the run's shared folder.
    for name in ("DATABASE_URL", "REDIS_URL", "OMBUD_MASTER_KEY", "OMBUD_KEY_EPOCH_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMBUD_DATA_DIR", str(tmp_path))

    assert main(["tenant", "create", "testby", "--name", "Testby kommune"]) == 0
    assert (
        main(
            [
                "inquiry",
                "receive",
                "--tenant",
                "testby",
                "--received-on",
                "2024-05-02",
                "--channel",
                "web",
                "--requester-role",
                "user",
                "--service-area",
                "NAV",
                "--summary",
                "Prøvesak",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["inquiry", "show", "--tenant", "testby", "2024-0001", "--json"]) == 0

    assert json.loads(capsys.readouterr().out)["primary_area"] == "nav"
    assert (tmp_path / "master.key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "postgres").is_dir()
