"""Drives HTTP load from its own process, so the client's work never runs inside the server being measured.

`wrk` (C, one thread) is used when it is installed: it costs the shared cores far less than a Python
client. Without it, `python -m bench.load` is a small asyncio client over httpx with the same
contract: a JSON request on stdin, a JSON result on stdout.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Load:
    """`users` connections for `seconds`; each picks a random path of `paths` (path, is_htmx_fragment)."""

    base_url: str
    cookie: str
    paths: list[tuple[str, bool]]
    users: int
    seconds: float
    think_ms: tuple[int, int] | None = None  # a pause before each request (uniform); None: back to back


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    generator: str

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def drive(load: Load) -> Result:
    return _wrk(load) if shutil.which("wrk") else _python_client(load)


_LUA = """
local paths = %(paths)s
local plain = {["Cookie"] = %(cookie)s}
local fragment = {["Cookie"] = %(cookie)s, ["HX-Request"] = "true", ["HX-Target"] = "resultater"}
local think = %(think)s
math.randomseed(%(seed)d)
request = function()
  local p = paths[math.random(#paths)]
  local headers = {}
  for k, v in pairs(p[2] and fragment or plain) do headers[k] = v end
  return wrk.format("GET", p[1], headers)
end
if think then
  delay = function() return math.random(think[1], think[2]) end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests": %%d, "micros": %%d, "errors": %%d, "p50": %%d, "p95": %%d, "p99": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    return json.dumps(text)  # JSON string escapes are valid Lua string escapes for these ASCII paths


def _wrk(load: Load) -> Result:
    """One wrk thread is enough for 50 connections on loopback and leaves the other core to the server."""
    paths = "{" + ", ".join(f"{{{_lua_string(p)}, {'true' if htmx else 'false'}}}" for p, htmx in load.paths) + "}"
    think = f"{{{load.think_ms[0]}, {load.think_ms[1]}}}" if load.think_ms else "nil"
    script = _LUA % {
        "paths": paths,
        "cookie": _lua_string(load.cookie),
        "think": think,
        "seed": random.randrange(2**31),
    }
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "load.lua"
        path.write_text(script)
        seconds = max(1, round(load.seconds))
        done = subprocess.run(
            ["wrk", "-t1", f"-c{load.users}", f"-d{seconds}s", "--timeout", "5s", "-s", str(path), load.base_url],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
            check=True,
        )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    # wrk counts transport errors and 4xx/5xx; the caller checks before and after that the session still holds
    return Result(
        figures["requests"],
        figures["micros"] / 1e6,
        figures["errors"],
        figures["p50"] / 1000,
        figures["p95"] / 1000,
        figures["p99"] / 1000,
        "wrk",
    )


def _python_client(load: Load) -> Result:
    request = {
        "base_url": load.base_url,
        "cookie": load.cookie,
        "paths": load.paths,
        "users": load.users,
        "seconds": load.seconds,
        "think_ms": load.think_ms,
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=load.seconds + 60,
        check=True,
    )
    return Result(**json.loads(done.stdout))


async def _client(request: dict) -> dict:
    import httpx

    latencies: list[float] = []
    errors = 0
    rng = random.Random()
    plain = {"cookie": request["cookie"]}
    fragment = {**plain, "hx-request": "true", "hx-target": "resultater"}
    think = request["think_ms"]
    limits = httpx.Limits(max_connections=request["users"], max_keepalive_connections=request["users"])
    async with httpx.AsyncClient(base_url=request["base_url"], limits=limits, timeout=5.0) as client:
        started = time.perf_counter()
        deadline = started + request["seconds"]

        async def user() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                if think:
                    await asyncio.sleep(rng.uniform(*think) / 1000)
                path, htmx = rng.choice(request["paths"])
                sent = time.perf_counter()
                try:
                    response = await client.get(path, headers=fragment if htmx else plain)
                    errors += response.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(user() for _ in range(request["users"])))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "errors": errors,
        "p50_ms": cuts[49] * 1000,
        "p95_ms": cuts[94] * 1000,
        "p99_ms": cuts[98] * 1000,
        "generator": "python-httpx",
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_client(json.loads(sys.stdin.read())))))
