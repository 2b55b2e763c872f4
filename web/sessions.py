"""Server-side sessions in Redis: the browser holds only a random token; the server knows who it is."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass

from litestar import Request
from litestar.exceptions import NotFoundException
from redis.asyncio import Redis

from domain.account import CASE_WORKERS

COOKIE = "ombud_sesjon"
IDLE_SECONDS = 8 * 60 * 60  # a working day without activity signs out


@dataclass(frozen=True)
class Staff:
    """The signed-in person as the session knows them: enough to decide access, nothing about cases."""

    account_id: str
    email: str
    role: str
    tenant: str | None

    @property
    def works_cases(self) -> bool:
        return self.role in CASE_WORKERS

    def require_tenant(self, slug: str, roles: tuple[str, ...]) -> None:
        """Another tenant's URL, or a role without access, answers 404 and reveals nothing."""
        if self.tenant != slug or self.role not in roles:
            raise NotFoundException()


class SignInRequired(Exception):
    """No valid session; the app answers by sending the browser to /login."""


def _key(token: str) -> str:
    return "ombud:sesjon:" + hashlib.sha256(token.encode()).hexdigest()  # a leaked Redis dump holds no tokens


def _account_key(account_id: str) -> str:
    return f"ombud:sesjoner:{account_id}"  # the account's session keys, so a role change can end them all


async def start(redis: Redis, staff: Staff) -> str:
    """A fresh token at every sign-in, so a token planted before sign-in is worth nothing after it."""
    token = secrets.token_urlsafe(32)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(_key(token), json.dumps(asdict(staff)), ex=IDLE_SECONDS)
        pipe.sadd(_account_key(staff.account_id), _key(token))
        pipe.expire(_account_key(staff.account_id), IDLE_SECONDS)
        await pipe.execute()
    return token


async def end_all(redis: Redis, account_id: str) -> None:
    """Signs the account out everywhere: after a role change its sessions would still carry the old role."""
    sessions = await redis.smembers(_account_key(account_id))
    await redis.delete(_account_key(account_id), *sessions)


async def end(redis: Redis, token: str | None) -> None:
    if token:
        await redis.delete(_key(token))


async def signed_in_staff(request: Request) -> Staff | None:
    """The session's staff member, or None on pages anyone may see."""
    try:
        return await current_staff(request)
    except SignInRequired:
        return None


async def current_staff(request: Request) -> Staff:
    """The session's staff member, its idle time renewed; raises SignInRequired without one."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired
    redis: Redis = request.app.state.redis
    data = await redis.getex(_key(token), ex=IDLE_SECONDS)
    if data is None:
        raise SignInRequired
    return Staff(**json.loads(data))
