"""Sign-in and sign-out: email and password against argon2 hashes, with failed attempts rate-limited.

Failures are counted per account and address together, with waits that grow, so a stranger who guesses at a known
account only makes their own address wait: the real user, from an address that has not failed, signs in as always.
A generous limit per address stops one address from guessing across many accounts. Each attempt is counted, and its
wait set, before the password is checked, in one atomic step (web/rate_limits.py): parallel guesses get no more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from redis.asyncio import Redis

from domain import parsing
from domain.common import InvalidField
from projections.staff_accounts import find_by_email
from services.accounts import password_matches
from web import rate_limits, sessions
from web.client_address import client_address

WINDOW_SECONDS = 15 * 60  # failures are forgotten a quarter of an hour after the last one
FREE_FAILURES = 3  # typing mistakes: the first three failures cost no wait
MAX_WAIT_SECONDS = 15 * 60
FAILURES_PER_ADDRESS = 100  # then that address waits out the window, whichever accounts it tries
TOO_MANY = "For mange mislykkede forsøk. Vent litt og prøv igjen."


def wait_after(failures: int) -> int:
    """Seconds an account and address pair must wait after its n-th failure: none, then 10, 20, 40 … up to 15 minutes."""
    if failures <= FREE_FAILURES:
        return 0
    return min(MAX_WAIT_SECONDS, 10 * 2 ** min(failures - FREE_FAILURES - 1, 20))


_WAITS = tuple(wait_after(n) for n in range(1, FREE_FAILURES + 12))  # the last one, 15 minutes, holds from then on


@dataclass
class SignInForm:
    email: str = ""
    password: str = ""
    neste: str = ""


def start_page(staff: sessions.Staff) -> str:
    """Case workers land on their overview, auditors on the statistics, platform administrators on the kommuner,
    the network on its statistics."""
    if not staff.tenant:
        return "/plattform" if staff.role == "platform_admin" else "/nettverk"
    return f"/{staff.tenant}/oversikt" if staff.works_cases else f"/{staff.tenant}/statistikk"


def _safe_next(target: str) -> str | None:
    """Only a path on this site, one printable line: never `//elsewhere`, a full URL or a header of its own."""
    if not (target.isascii() and target.isprintable()) or len(target) > 2000:
        return None
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else None


def _counter_keys(email: str, address: str) -> tuple[str, str, str]:
    """The pair's failure count, the pair's wait, the address's failure count; hashed: no emails or addresses in Redis."""
    pair = hashlib.sha256(f"{email}\n{address}".encode()).hexdigest()
    return (
        f"ombud:innlogging:par:{pair}",
        f"ombud:innlogging:vent:{pair}",
        f"ombud:innlogging:adresse:{hashlib.sha256(address.encode()).hexdigest()}",
    )


class AuthController(Controller):
    @get("/login", name="login")
    async def form(self, neste: FromQuery[str] = "", ny: FromQuery[str] = "") -> Template:
        """`ny=1`: the invited person has just chosen their password (web/invitations.py)."""
        context = {"form": SignInForm(neste=_safe_next(neste) or ""), "new_account": ny == "1"}
        return Template("auth/login.html", context=context)

    @post("/login")
    async def sign_in(
        self, request: Request, data: Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
    ) -> Template | Redirect:
        redis: Redis = request.app.state.redis
        errors = {}
        try:
            email = parsing.text("email", data.email, max_length=320).lower()
        except InvalidField:
            email, errors["email"] = "", "Skriv e-postadressen slik den står på kontoen din."
        if not email and not errors:
            errors["email"] = "Skriv inn e-postadressen din."
        if not data.password:
            errors["password"] = "Skriv inn passordet ditt."
        if errors:
            return _form_again(data, errors, 400)
        keys = _counter_keys(email, client_address(request))
        counted = await rate_limits.attempt(
            redis, *keys, window_seconds=WINDOW_SECONDS, per_address=FAILURES_PER_ADDRESS, waits=_WAITS
        )
        if counted is None:
            request.app.state.sign_in_failures.add(1, {"reason": "throttled"})
            return _form_again(data, {"form": TOO_MANY}, 429)
        row = await find_by_email(request.app.state.db, email)
        row = row if row and row["active"] else None  # a deactivated account answers as an unknown one, as slowly
        if not await anyio.to_thread.run_sync(password_matches, row and row["password_hash"], data.password):
            request.app.state.sign_in_failures.add(1, {"reason": "credentials"})
            return _form_again(data, {"form": "Feil e-postadresse eller passord."}, 401)
        assert row is not None  # password_matches refuses a login that does not exist
        await rate_limits.succeeded(redis, *keys)
        await sessions.end(redis, request.cookies.get(sessions.COOKIE))
        staff = sessions.Staff(str(row["id"]), row["email"], row["role"], row["tenant_id"])
        token = await sessions.start(redis, staff, row["session_generation"])
        response = Redirect(_safe_next(data.neste) or start_page(staff), status_code=303)
        response.set_cookie(sessions.COOKIE, token, **request.app.state.cookie_flags)
        response.set_cookie(request.app.state.csrf_tokens.cookie(request.app.state.csrf_tokens.issue(token)))
        return response

    @post("/logout")
    async def sign_out(self, request: Request) -> Redirect:
        await sessions.end(request.app.state.redis, request.cookies.get(sessions.COOKIE))
        response = Redirect("/login", status_code=303)
        response.delete_cookie(sessions.COOKIE)
        return response


def _form_again(data: SignInForm, errors: dict[str, str], status: int) -> Template:
    form = SignInForm(email=data.email, neste=_safe_next(data.neste) or "")
    return Template("auth/login.html", context={"form": form, "errors": errors}, status_code=status)
