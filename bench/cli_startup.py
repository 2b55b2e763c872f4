"""Measures how long an `ombud` command takes as a whole process with many tenants: `ombud tenant list` and `--help`.

The tenants are real (created by the platform, each with its event tables and its profile); each command runs in a
fresh interpreter, as a script or a person runs it, several times after a warm-up; the figures are min/median/max of
the wall time. Baselines in the same run: the interpreter's floor (`python -c pass`) and, with `--baseline DIR`, the
same commands from another checkout (an earlier commit, with its own `.venv`), run in turn with this one's.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.server import bench_server
from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.settings import Settings
from infra.throwaway import migrated_throwaway_database
from services.platform import Platform

HERE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Timed:
    label: str
    seconds: list[float]

    def cells(self) -> str:
        low, mid, high = min(self.seconds), statistics.median(self.seconds), max(self.seconds)
        return f"{low * 1000:,.0f} / {mid * 1000:,.0f} / {high * 1000:,.0f} ms"


def create_tenants(app_url: str, master_key: bytes, epoch_dir: Path, count: int) -> float:
    """`count` tenants with their tables and profiles, as `ombud tenant create` makes them; returns seconds."""
    started = time.perf_counter()
    datastore = open_datastore(app_url, pool_size=2, max_overflow=2)
    platform = Platform(
        PostgresTenantDirectory(datastore),
        master_key,
        factory_maker(datastore),
        epochs=DirectoryEpochStore(epoch_dir, master_key),
    )
    ctx = Context("bench", "platform_admin", "bench-cli")
    try:
        for n in range(count):
            platform.create_tenant(ctx, slug=f"kommune{n:03d}", name=f"Testkommune {n:03d}", population=1_000 + n)
            platform.close()  # an office per tenant held open would only cost the bench memory
    finally:
        platform.close()
        datastore.close()
    return time.perf_counter() - started


def environment(app_url: str, master_key: bytes, scratch: Path) -> dict[str, str]:
    """What the command line needs for the app's login on the migrated database (no admin login, no telemetry)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OMBUD_", "OTEL_")) and key not in ("DATABASE_URL", "PYTHONPATH")
    }
    return {
        **env,
        "DATABASE_URL": app_url,
        "OMBUD_MASTER_KEY": base64.b64encode(master_key).decode(),
        "OMBUD_DATA_DIR": str(scratch),
        "OMBUD_KEY_EPOCH_DIR": str(scratch / "key-epochs"),
    }


def timed_runs(commands: dict[str, tuple[Sequence[str], Path]], env: dict[str, str], runs: int) -> list[Timed]:
    """Each command once to warm the disk cache, then `runs` rounds taking the commands in turn (A B A B …), so a
    drift of the machine's speed touches each alike; a command that fails stops the bench with its output."""
    seconds: dict[str, list[float]] = {label: [] for label in commands}
    for round_ in range(runs + 1):
        for label, (argv, cwd) in commands.items():
            started = time.perf_counter()
            done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"bench: {label} failed ({done.returncode}):\n{done.stderr.decode()[-2000:]}")
            if round_:
                seconds[label].append(elapsed)
    return [Timed(label, values) for label, values in seconds.items()]


def measure(app_url: str, master_key: bytes, scratch: Path, runs: int, baseline: Path | None) -> list[Timed]:
    """`ombud tenant list` and `ombud --help` from this checkout (and from the baseline's), and the floor."""
    python = Path(sys.executable)
    commands: dict[str, tuple[Sequence[str], Path]] = {
        "`python -c pass` (the interpreter's floor)": ([python, "-c", "pass"], HERE)
    }
    checkouts = [("this commit", python, HERE)]
    if baseline is not None:
        checkouts.append(("baseline", baseline / ".venv" / "bin" / "python", baseline))
    for name, interpreter, root in checkouts:
        commands[f"`ombud --help`, {name}"] = ([interpreter, "-m", "infra.cli", "--help"], root)
        commands[f"`ombud tenant list`, {name}"] = ([interpreter, "-m", "infra.cli", "tenant", "list"], root)
    return timed_runs(commands, environment(app_url, master_key, scratch), runs)


def run(server_url: str, tenants: int, runs: int, baseline: Path | None) -> list[str]:
    """The table's lines: a throwaway database with `tenants` tenants, each command timed `runs` times."""
    with tempfile.TemporaryDirectory() as folder, migrated_throwaway_database(server_url, "ombud_bench_cli") as app_url:
        scratch = Path(folder)
        master_key = os.urandom(32)
        setup = create_tenants(app_url, master_key, scratch / "key-epochs", tenants)
        load = os.getloadavg()[0]
        figures = measure(app_url, master_key, scratch, runs, baseline)
        lines = [
            f"{tenants} tenants made in {setup:.0f} s; {runs} runs of each command after a warm-up, in turn;"
            f" load average before {load:.2f}, after {os.getloadavg()[0]:.2f}.",
            "",
            "| command (whole process) | wall min / median / max |",
            "|---|---|",
        ]
        return lines + [f"| {timed.label} | {timed.cells()} |" for timed in figures]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cli_startup", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="20 tenants, 1 run: shows the code works (CI)")
    parser.add_argument("--tenants", type=int, default=400)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="another checkout (with its .venv) to time in the same run")
    args = parser.parse_args(argv)
    tenants, runs = (20, 1) if args.quick else (args.tenants, args.runs)
    settings = Settings.from_environment()
    with bench_server(settings) as (_, server_url):
        print("\n".join(run(server_url, tenants, runs, args.baseline)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
