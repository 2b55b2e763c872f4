"""Server-side sessions in Redis: the browser holds only a random token; the server knows who it is.

A session ends after IDLE_SECONDS without use, at the app's absolute lifetime whatever the activity, and as soon as
its account's session generation moves on (a role change, deactivation or password reset, in PostgreSQL), so no
session outlives a change to its account, however old it is.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass
from uuid import uuid4

from litestar.connection import ASGIConnection
from redis.asyncio import Redis

from domain.account import AUDIT_READERS, CASE_WORKERS, ERASERS, shown_name
from domain.common import Context
from projections.staff_accounts import SessionState, session_state

COOKIE = "ombud_sesjon"
IDLE_SECONDS = 8 * 60 * 60  # a working day without activity signs out


@dataclass(frozen=True)
class Staff:
    """The signed-in person as the session knows them: enough to decide access, nothing about cases."""

    account_id: str
    email: str
    role: str
    tenant: str | None
    display_name: str | None = None  # read afresh on every request, never kept in the session

    @property
    def name(self) -> str:
        """Who is signed in, as the header says it."""
        return shown_name(self.display_name, self.email)

    @property
    def works_cases(self) -> bool:
        return self.role in CASE_WORKERS

    @property
    def may_erase(self) -> bool:
        return self.role in ERASERS

    @property
    def may_audit(self) -> bool:
        return self.role in AUDIT_READERS

    def acting(self) -> Context:
        """Who does what a request asks, for the events and records it writes: one correlation id per request."""
        return Context(self.account_id, self.role, str(uuid4()))


class SignInRequired(Exception):
    """No valid session; the app answers by sending the browser to /login."""


def session_key(token: str) -> str:
    return "ombud:sesjon:" + hashlib.sha256(token.encode()).hexdigest()  # a leaked Redis dump holds no tokens


async def start(redis: Redis, staff: Staff, generation: int) -> str:
    """A fresh token at every sign-in, so a token planted before sign-in is worth nothing after it.
    `generation` is the account's session generation read with the password hash at sign-in."""
    token = secrets.token_urlsafe(32)
    known = {key: value for key, value in asdict(staff).items() if key != "display_name"}
    session = {"staff": known, "started_at": time.time(), "generation": generation}
    await redis.set(session_key(token), json.dumps(session), ex=IDLE_SECONDS)
    return token


async def end(redis: Redis, token: str | None) -> None:
    if token:
        await redis.delete(session_key(token))


async def signed_in_staff(request: ASGIConnection) -> Staff | None:
    """The session's staff member, or None on pages anyone may see."""
    try:
        return await current_staff(request)
    except SignInRequired:
        return None


async def current_staff(request: ASGIConnection) -> Staff:
    """The session's staff member, its idle time renewed; raises SignInRequired without a valid one.

    Read once per request: the route's guard and the handler's `staff` share what the first of them found.
    """
    known = request.state.get("staff")
    if isinstance(known, Staff):
        return known
    staff = await _session_staff(request)
    request.state.staff = staff
    return staff


async def _session_staff(request: ASGIConnection) -> Staff:
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired
    redis: Redis = request.app.state.redis
    data = await redis.getex(session_key(token), ex=IDLE_SECONDS)
    if data is None:
        raise SignInRequired
    session = json.loads(data)
    state = await _still_valid(request, session)
    if state is None:
        await redis.delete(session_key(token))
        raise SignInRequired
    return Staff(**{**session["staff"], "display_name": state.display_name})


async def _still_valid(request: ASGIConnection, session: dict) -> SessionState | None:
    """Within the absolute lifetime, and the account still active at the generation the session began with:
    then the account's state (its display name with it), else None."""
    started_at = session.get("started_at")  # absent in sessions from before the lifetime: they end
    if "staff" not in session or started_at is None:
        return None
    if time.time() - started_at > request.app.state.session_max_seconds:
        return None
    staff = session["staff"]
    state = await session_state(request.app.state.db, staff["account_id"], staff["tenant"])
    return state if state is not None and state.generation == session.get("generation") else None
