"""Measures `make demo` on a fresh clone: from `make install` (up to date) and `ombud demo` to the login page answering.

Each run starts from an empty data folder, with DATABASE_URL, REDIS_URL and every OMBUD_ variable unset, so the demo
starts its embedded PostgreSQL and Redis as on a new machine. With `--baseline DIR` (another checkout, e.g. an
earlier commit with its own `.venv`) the two take turns, run by run, so both see the same load.

    .venv/bin/python -m bench.demo_start --baseline /tmp/demo-base --repeats 3
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8790
TIMEOUT = 600.0


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def one_start(checkout: Path, port: int) -> float:
    """Seconds from `make install` to /login answering 200, on an empty data folder; the demo is stopped after."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "OMBUD_"))}
    with tempfile.TemporaryDirectory(prefix="demo-start-") as data:
        env.update(OMBUD_DATA_DIR=data, PYTHONPATH=str(checkout))  # PYTHONPATH: a baseline sharing another's .venv
        started = time.perf_counter()
        subprocess.run(["make", "-s", "install"], cwd=checkout, check=True)
        demo = subprocess.Popen(
            [str(checkout / ".venv" / "bin" / "ombud"), "demo", "--port", str(port)],
            cwd=checkout,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            while not answers(port):
                if demo.poll() is not None or time.perf_counter() - started > TIMEOUT:
                    raise RuntimeError(f"{checkout}: the demo ended or never answered")
                time.sleep(0.1)
            return time.perf_counter() - started
        finally:
            demo.send_signal(signal.SIGTERM)  # stops its embedded servers too
            try:
                demo.wait(timeout=60)
            except subprocess.TimeoutExpired:
                demo.kill()
                demo.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another checkout with its own .venv, run in turn with this one")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each checkout")
    parser.add_argument("--port", type=int, default=PORT, help="the port the demos listen on, one at a time")
    args = parser.parse_args()
    checkouts = {"this checkout": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    seconds: dict[str, list[float]] = {label: [] for label in checkouts}
    for _ in range(args.repeats):
        for label, checkout in checkouts.items():
            load = os.getloadavg()[0]
            took = one_start(checkout, args.port)
            seconds[label].append(took)
            print(f"{label}: {took:.1f} s to the login page (load average {load:.1f} before)", flush=True)
    for label, runs in seconds.items():
        print(f"{label}: median {statistics.median(runs):.1f} s, min {min(runs):.1f} s over {len(runs)} runs")


if __name__ == "__main__":
    main()
