"""The one-time link by which a new office's first administrator chooses a password and so gets their account.

The token is in the path only; logs name the route's template, never the path (web/errors.py), and the page is not
cached. A used, expired or unknown link answers the same 404 page text: it reveals nothing about other links.
"""

from __future__ import annotations

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.account import MIN_PASSWORD_LENGTH, Account
from services.accounts import InvalidPasswords, InvitationClosed
from services.platform import Platform

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class InvitationController(Controller):
    path = "/invitasjon/{token:str}"

    @get("/", name="invitation")
    async def form(self, request: Request, token: FromPath[str]) -> Template:
        platform: Platform = request.app.state.platform
        account = await anyio.to_thread.run_sync(platform.open_invitation, token)
        return _page(account, {}, 200 if account else 404)

    @post("/")
    async def accept(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
        platform: Platform = request.app.state.platform
        password, repeated = form.get("password", ""), form.get("repeated", "")
        try:
            await anyio.to_thread.run_sync(lambda: platform.accept_invitation(token, password, repeated))
        except InvalidPasswords as invalid:
            account = await anyio.to_thread.run_sync(platform.open_invitation, token)
            return _page(account, invalid.errors, 422 if account else 404)
        except InvitationClosed:
            return _page(None, {}, 404)
        return Redirect("/login?ny=1", status_code=303, headers=NO_STORE)  # no address in a URL


def _page(account: Account | None, errors: dict[str, str], status: int) -> Template:
    context = {"account": account, "errors": errors, "min_length": MIN_PASSWORD_LENGTH}
    return Template("invitation/page.html", context=context, status_code=status, headers=NO_STORE)
