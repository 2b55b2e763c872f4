"""CSRF tokens bound to the session: a token taken from one session (or from before sign-in) is refused in another.

Double-submit as before (the cookie `ombud_csrf` and the form field `_csrf_token` or the header `x-csrftoken` must be
equal), and the token signs the session it belongs to: HMAC(secret, nonce | SHA-256 of the session cookie). Someone
who plants their own valid pair in a victim's browser (a sibling subdomain can set cookies) still fails: the pair
names the planter's session, not the victim's. Before sign-in the binding is empty; sign-in hands out a new token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar.datastructures import MutableScopeHeaders
from litestar.datastructures.cookie import Cookie
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware.base import MiddlewareProtocol
from litestar.utils.scope.state import ScopeState

from web.sessions import COOKIE as SESSION_COOKIE
from web.uploads import read_form

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "ombud_csrf"
HEADER = "x-csrftoken"
FIELD = "_csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXCLUDED = "/health"  # the probes: no session, no form


@dataclass(frozen=True)
class CsrfTokens:
    """The secret (derived from the master key, so every instance agrees) and how the cookie is set."""

    secret: bytes
    secure: bool

    def issue(self, session_token: str | None) -> str:
        nonce = secrets.token_hex(32)
        return nonce + self._mac(nonce, session_token)

    def holds(self, token: str, session_token: str | None) -> bool:
        """Made by us for this session (or for no session, before sign-in)."""
        nonce, mac = token[:64], token[64:]
        return len(nonce) == 64 and hmac.compare_digest(mac, self._mac(nonce, session_token))

    def cookie(self, token: str) -> Cookie:
        return Cookie(key=COOKIE, value=token, path="/", secure=self.secure, httponly=True, samesite="lax")

    def _mac(self, nonce: str, session_token: str | None) -> str:
        binding = hashlib.sha256(session_token.encode()).hexdigest() if session_token else ""
        return hmac.new(self.secret, f"{nonce}|{binding}".encode(), hashlib.sha256).hexdigest()


class SessionCsrfMiddleware(MiddlewareProtocol):
    """Safe methods get (or keep) a token for the request's session; every other method must bring that token."""

    def __init__(self, app: ASGIApp, tokens: CsrfTokens) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].startswith(EXCLUDED):
            await self.app(scope, receive, send)
            return
        request: Any = scope["litestar_app"].request_class(scope=scope, receive=receive)
        session = request.cookies.get(SESSION_COOKIE)
        cookie = request.cookies.get(COOKIE)
        state = ScopeState.from_scope(scope)
        if request.method in SAFE_METHODS:
            if cookie and self.tokens.holds(cookie, session):
                state.csrf_token = cookie
                await self.app(scope, receive, send)
                return
            state.csrf_token = token = self.tokens.issue(session)
            await self.app(scope, receive, self._setting_cookie(send, token))
            return
        sent = request.headers.get(HEADER)
        if not sent and request.content_type[0] in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
            sent = (await read_form(request)).get(FIELD)  # a form with files: in memory (web/uploads.py)
        if not (
            isinstance(sent, str)
            and cookie
            and hmac.compare_digest(sent.encode(), cookie.encode())
            and self.tokens.holds(cookie, session)
        ):
            raise PermissionDeniedException("CSRF token verification failed")
        state.csrf_token = cookie
        await self.app(scope, receive, send)

    def _setting_cookie(self, send: Send, token: str) -> Send:
        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                MutableScopeHeaders.from_message(message).add(
                    "set-cookie", self.tokens.cookie(token).to_header(header="")
                )
            await send(message)

        return send_with_cookie
