"""Measures the server-rendered pages under 50 concurrent users against the app's own floor (/health), in one run.

The app runs as production runs it (`ombud serve`: uvicorn on 127.0.0.1) in its own process, and the
load comes from another (bench.load), so neither the tenant setup nor the client shares the server's
interpreter.
"""

from __future__ import annotations

import base64
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
from eventsourcing.postgres import PostgresDatastore

from bench.load import Load, Result, drive
from domain.common import Context, today_in_norway
from domain.inquiry import CHANNELS, FORWARD_BODIES, REQUESTER_ROLES, RESOLUTION_OUTCOMES, Inquiry
from infra.directory import PostgresAccountDirectory
from infra.logins import worker_url_for
from projections.worker import ProjectionWorker
from services.accounts import create_account
from services.importing import import_case_log
from services.office import Office
from services.platform import Platform

SLUG = "nettside"
USERS = 50
PASSWORD = "et-langt-ytelsespassord"
CASEWORKERS = ("Testesen Testperson", "Eksempel Saksbehandler", "Prøve Rådgiver", "Demo Ombud", "Fiktiv Jurist")
THINK_MS = (500, 1500)  # a user who clicks about once a second: harsher than people are


@dataclass(frozen=True)
class Tenant:
    references: list[str]
    areas: list[str]
    case_types: list[str]
    years: list[int]


def build_tenant(
    platform: Platform, datastore: PostgresDatastore, url: str, inquiries: int, *, admin_url: str
) -> tuple[Tenant, float]:
    """A tenant with `inquiries` over six years: imported, assigned and mostly resolved, then projected."""
    ctx = Context("bench", "caseworker", "bench-web")
    office = platform.create_tenant(ctx, slug=SLUG, name="Ytelse kommune")
    today = today_in_norway()
    profile = office.profile()
    areas = [area.code for area in profile.taxonomy_on(today).areas]
    case_types = [code for code, _ in profile.case_types]
    started = time.perf_counter()
    rows = _case_log_rows(inquiries, today, areas, case_types)
    import_case_log(office, ctx, ("\n".join(rows) + "\n").encode())
    _assign_and_resolve(office, ctx, [row.split(",")[0] for row in rows[1:]], today)
    worker = ProjectionWorker(platform, worker_url_for(url))
    try:
        worker.catch_up(SLUG)
    finally:
        worker.close()
    with psycopg.connect(admin_url, autocommit=True) as conn:  # what autovacuum does within a minute of a live database
        conn.execute("VACUUM ANALYZE read.inquiries")
    create_account(
        PostgresAccountDirectory(datastore),
        email="ytelse@eksempel.invalid",
        role="caseworker",
        tenant=SLUG,
        password=PASSWORD,
    )
    references = [row.split(",")[0] for row in rows[1:]]
    years = sorted({int(reference[:4]) for reference in references})
    return Tenant(references, areas, case_types, years), time.perf_counter() - started


def _case_log_rows(inquiries: int, today: date, areas: list[str], case_types: list[str]) -> list[str]:
    """Six years back from today, evenly; no resolution yet (that follows the assignment)."""
    rng = random.Random(11)
    first = date(today.year - 5, 1, 1)
    span = (today - first).days
    rows = [
        "reference,received_on,service_area,case_types,channel,requester,forwarded_to,meetings_held,interim_reply_on"
    ]
    numbers: dict[int, int] = {}
    for n in range(inquiries):
        received = first + timedelta(days=span * n // inquiries)
        numbers[received.year] = numbers.get(received.year, 0) + 1
        types = "|".join(rng.sample(case_types, rng.choice((1, 1, 1, 2))))
        forwarded = rng.choice(FORWARD_BODIES) if rng.random() < 0.08 else ""
        interim = received + timedelta(days=rng.randint(5, 25)) if rng.random() < 0.3 else None
        rows.append(
            f"{received.year}-{numbers[received.year]:04d},{received},{rng.choice(areas)},{types},"
            f"{rng.choice(CHANNELS)},{rng.choice(REQUESTER_ROLES)},{forwarded},{1 if rng.random() < 0.1 else ''},"
            f"{interim if interim and interim <= today else ''}"
        )
    return rows


def _assign_and_resolve(office: Office, ctx: Context, references: list[str], today: date, batch: int = 500) -> None:
    """Nearly all get a caseworker; all but the last ~10 weeks' are resolved.

    Straight on the aggregates and saved 500 at a time: Office.assign would save (and lock) once per change.
    """
    rng = random.Random(12)
    for start in range(0, len(references), batch):
        changed = []
        for reference in references[start : start + batch]:
            inquiry = office.app.repository.get(Inquiry.id_for(reference))
            if rng.random() < 0.97:
                inquiry.assign(ctx, on=inquiry.received_on, assignee=rng.choice(CASEWORKERS))
            age = (today - inquiry.received_on).days
            if age > 70 or (age > 14 and rng.random() < 0.5):
                on = min(today, inquiry.received_on + timedelta(days=rng.randint(3, 60)))
                inquiry.resolve(ctx, on=on, outcome=rng.choice(RESOLUTION_OUTCOMES))
            changed.append(inquiry)
        office.app.save(*changed)


def list_paths(tenant: Tenant, rng: random.Random) -> list[tuple[str, bool]]:
    """What people do on the list: the first page mostly, paging, filters and sorts."""
    base = f"/{SLUG}/henvendelser"
    pages = max(1, len(tenant.references) // 50)
    paths: list[tuple[str, bool]] = [(base, False)] * 40
    paths += [(f"{base}?page={rng.randint(2, pages)}", False) for _ in range(25)]
    paths += [(f"{base}?status=open", False)] * 15 + [
        (f"{base}?status=resolved&page={rng.randint(1, 20)}", False) for _ in range(5)
    ]
    paths += [(f"{base}?area={urllib.parse.quote(area)}", False) for area in tenant.areas]
    paths += [(f"{base}?case_type={case_type}", False) for case_type in tenant.case_types]
    paths += [(f"{base}?assignee={urllib.parse.quote(name)}&status=open", False) for name in CASEWORKERS]
    paths += [(f"{base}?year={year}&sort=eldste", False) for year in tenant.years]
    paths += [(f"{base}?sort=referanse&page={rng.randint(1, pages)}", False) for _ in range(5)]
    # A search posts its words (never in the address, docs/security.md), so it is not in this GET mix.
    return paths


def page_paths(tenant: Tenant, rng: random.Random) -> list[tuple[str, bool]]:
    return [
        (f"/{SLUG}/henvendelser/{reference}", False)
        for reference in rng.sample(tenant.references, min(2000, len(tenant.references)))
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(url: str, master_key: bytes, scratch: Path, redis_url: str | None, extra: list[str]) -> Iterator[Server]:
    """`ombud serve` in its own process group on a free port; stopped (TERM, then KILL) on the way out."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OMBUD_ADMIN_DATABASE_URL": "",  # the database is migrated: `ombud serve` needs only the app's login
        "OMBUD_MASTER_KEY": base64.b64encode(master_key).decode(),
        "OMBUD_DATA_DIR": str(scratch / "serve"),
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    log = (scratch / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "infra.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, server, scratch / "serve.log")
        yield Server(base, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()


def _wait_until_healthy(base: str, server: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"ombud serve stopped (status {server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"ombud serve did not answer /health within {seconds:.0f} s")


@dataclass(frozen=True)
class Server:
    base: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time so far of the server and its worker processes (Linux): per request, a figure that others' load
        barely moves."""
        return sum(_cpu_seconds(pid) for pid in _process_tree(self.pid))


def _process_tree(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(child) for child in task.read_text().split()]
    return [pid, *(descendant for child in children for descendant in _process_tree(child))]


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def sign_in(base: str) -> str:
    """GET /login for the CSRF cookie, POST the form with its token; the Cookie header for later requests (with the
    session's own CSRF token, which the sign-in answer sets).

    Cookies are kept by hand: the app sets them Secure, which a cookie jar would not send over plain HTTP.
    """
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(f"{base}/login", timeout=10) as response:
        csrf = SimpleCookie("\n".join(response.headers.get_all("set-cookie") or []))["ombud_csrf"].value
    form = urllib.parse.urlencode({"email": "ytelse@eksempel.invalid", "password": PASSWORD, "_csrf_token": csrf})
    request = urllib.request.Request(f"{base}/login", data=form.encode(), headers={"cookie": f"ombud_csrf={csrf}"})
    try:
        opener.open(request, timeout=10)
        raise RuntimeError("sign-in did not redirect")
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise RuntimeError(f"sign-in answered {answer.code}") from None
        cookies = SimpleCookie("\n".join(answer.headers.get_all("set-cookie") or []))
    # Sign-in hands out a CSRF token bound to the new session (web/csrf.py).
    return f"ombud_csrf={cookies['ombud_csrf'].value}; ombud_sesjon={cookies['ombud_sesjon'].value}"


def require_ok(base: str, cookie: str, paths: list[tuple[str, bool]]) -> None:
    """A redirect to /login or an error page would be measured as a fast answer: check a sample first."""
    opener = urllib.request.build_opener(_NoRedirect)
    for path, _ in paths:
        try:
            with opener.open(urllib.request.Request(base + path, headers={"cookie": cookie}), timeout=10) as answer:
                if answer.status != 200:
                    raise RuntimeError(f"{path} answered {answer.status}")
        except urllib.error.HTTPError as answer:
            raise RuntimeError(f"{path} answered {answer.code}") from None


@dataclass(frozen=True)
class Measured:
    result: Result
    cpu_ms: float  # server CPU per request


@dataclass(frozen=True)
class Figures:
    name: str
    back_to_back: list[Measured]
    with_think_time: list[Measured]


def _measured(server: Server, load: Load) -> Measured:
    before = server.cpu_seconds()
    result = drive(load)
    return Measured(result, (server.cpu_seconds() - before) * 1000 / max(1, result.requests))


def measure(server: Server, cookie: str, tenant: Tenant, *, seconds: float, rounds: int) -> list[Figures]:
    """Each round measures /health, the list and the page in turn, so noise from others hits all three."""
    base, rng = server.base, random.Random(13)
    targets = {
        "GET /health (baseline: the framework's floor)": [("/health", False)],
        "inquiry list /{tenant}/henvendelser": list_paths(tenant, rng),
        "inquiry page /{tenant}/henvendelser/{reference}": page_paths(tenant, rng),
    }
    for paths in targets.values():
        require_ok(base, cookie, rng.sample(paths, min(20, len(paths))))
        drive(Load(base, cookie, paths, USERS, min(2.0, seconds)))  # warm-up: caches, pools, JIT-free but lazy imports
    results: dict[str, tuple[list[Measured], list[Measured]]] = {name: ([], []) for name in targets}
    for _ in range(rounds):
        for name, paths in targets.items():
            results[name][0].append(_measured(server, Load(base, cookie, paths, USERS, seconds)))
            results[name][1].append(_measured(server, Load(base, cookie, paths, USERS, seconds, THINK_MS)))
    require_ok(base, cookie, [("/health", False), targets["inquiry list /{tenant}/henvendelser"][0]])
    return [Figures(name, *pair) for name, pair in results.items()]


def table(figures: list[Figures], inquiries: int, seconds: float, rounds: int) -> list[str]:
    generator = figures[0].back_to_back[0].result.generator
    lines = [
        f"Pages: tenant of {inquiries:,} inquiries, {USERS} users, {seconds:g} s per measurement, {rounds} round(s),"
        f" load by {generator}; each cell: median of rounds (range p95).",
        "",
        "| page | 50 users back to back: p50 / p95 / p99 | throughput | 50 users, think time"
        f" {THINK_MS[0]}–{THINK_MS[1]} ms: p50 / p95 / p99 | throughput | server CPU per request | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        every = f.back_to_back + f.with_think_time
        lines.append(
            f"| {f.name} | {_cell(f.back_to_back)} | {_rate(f.back_to_back)} | {_cell(f.with_think_time)} |"
            f" {_rate(f.with_think_time)} | {_median([m.cpu_ms for m in every]):.1f} ms |"
            f" {sum(m.result.errors for m in every)} |"
        )
    return lines


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _cell(measured: list[Measured]) -> str:
    results = [m.result for m in measured]
    p95s = [r.p95_ms for r in results]
    spread = f" ({min(p95s):.1f}–{max(p95s):.1f})" if len(results) > 1 else ""
    return (
        f"{_median([r.p50_ms for r in results]):.1f} / {_median(p95s):.1f}{spread} /"
        f" {_median([r.p99_ms for r in results]):.1f} ms"
    )


def _rate(measured: list[Measured]) -> str:
    return f"{_median([m.result.per_second for m in measured]):,.0f}/s"
