"""Sign-in and sign-out: email and password against argon2 hashes, with failed attempts rate-limited."""

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
from web import sessions

WINDOW_SECONDS = 15 * 60
FAILURES_PER_ACCOUNT = 5  # then that account waits, whoever tries
FAILURES_PER_ADDRESS = 20  # then that address waits, whichever accounts it tries


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


def _counter_keys(email: str, address: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.encode()).hexdigest()  # no email addresses in Redis keys
    return f"ombud:innlogging:konto:{digest}", f"ombud:innlogging:adresse:{address}"


class AuthController(Controller):
    @get("/login", name="login")
    async def form(self, neste: FromQuery[str] = "") -> Template:
        return Template("auth/login.html", context={"form": SignInForm(neste=_safe_next(neste) or "")})

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
        address = request.client.host if request.client else "ukjent"
        account_key, address_key = _counter_keys(email, address)
        failures = [int(n or 0) for n in await redis.mget(account_key, address_key)]
        if failures[0] >= FAILURES_PER_ACCOUNT or failures[1] >= FAILURES_PER_ADDRESS:
            message = "For mange mislykkede forsøk. Vent et kvarter og prøv igjen."
            return _form_again(data, {"form": message}, 429)
        row = await find_by_email(request.app.state.db, email)
        if not await anyio.to_thread.run_sync(password_matches, row and row["password_hash"], data.password):
            async with redis.pipeline(transaction=True) as pipe:
                for key in (account_key, address_key):
                    pipe.incr(key)
                    pipe.expire(key, WINDOW_SECONDS)
                await pipe.execute()
            return _form_again(data, {"form": "Feil e-postadresse eller passord."}, 401)
        await redis.delete(account_key)
        await sessions.end(redis, request.cookies.get(sessions.COOKIE))
        staff = sessions.Staff(str(row["id"]), row["email"], row["role"], row["tenant_id"])
        token = await sessions.start(redis, staff)
        response = Redirect(_safe_next(data.neste) or start_page(staff), status_code=303)
        response.set_cookie(sessions.COOKIE, token, **request.app.state.cookie_flags)
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
