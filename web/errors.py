"""Error answers in the site's layout and in bokmål, and one log line per unexpected error that carries no input.

Litestar logs exceptions only in debug mode and answers in JSON; here a person gets a page (JSON only when the
client asks for it), and an unexpected error gets an id that the page shows and the log line carries, with
the exception's type and the route's template. Never the request, the path's values or the exception's
message: those may hold names and case text.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import uuid4

from asyncpg import InterfaceError, PostgresError
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Template
from litestar.status_codes import HTTP_403_FORBIDDEN, HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap, Receive, Scope, Send
from redis.exceptions import RedisError

from services.case_commands import NotAllowed
from web.sessions import Staff, signed_in_staff

LOG = logging.getLogger("ombud.web.errors")
PAGES = (400, 403, 404, 413, 500, 503)  # each has its own template; other statuses share errors/other.html
SUMMARIES = {  # for clients that asked for JSON
    400: "Forespørselen inneholder verdier som ikke kan brukes.",
    403: "Du har ikke tilgang til dette.",
    404: "Siden finnes ikke.",
    405: "Denne handlingen er ikke tillatt her.",
    413: "Forespørselen er for stor.",
    429: "For mange forespørsler. Vent litt og prøv igjen.",
    500: "Noe gikk galt hos oss.",
    503: "Tjenesten er midlertidig utilgjengelig. Prøv igjen om litt.",
}


def error_pages() -> ExceptionHandlersMap:
    """The app's handlers: known HTTP answers by status, everything else as an unexpected error."""
    return {HTTPException: http_error, NotAllowed: not_allowed, Exception: unexpected_error}


def http_error(request: Request, error: HTTPException) -> Response[Any]:
    """A server-side status keeps its code, and is logged like any unexpected error."""
    headers = dict(error.headers or {})
    if error.status_code >= HTTP_500_INTERNAL_SERVER_ERROR:
        return answer(request, error.status_code, _logged(request, error), headers=headers)
    return answer(request, error.status_code, None, headers=headers)


def not_allowed(request: Request, _: NotAllowed) -> Response[Any]:
    """The service layer refused the signed-in role a command (a route's guard let it through): 403, nothing written."""
    return answer(request, HTTP_403_FORBIDDEN, None)


def unexpected_error(request: Request, error: Exception) -> Response[Any]:
    """Logged with an id the person can quote to support; the page says no more than that something failed."""
    return answer(request, HTTP_500_INTERNAL_SERVER_ERROR, _logged(request, error))


def _logged(request: Request, error: Exception) -> str:
    error_id = uuid4().hex[:12]
    route = request.scope.get("path_template") or "-"
    LOG.error("uventet feil %s: %s %s %s", error_id, type(error).__name__, request.method, route)
    return error_id


def answer(request: Request, status: int, error_id: str | None, headers: dict[str, str] | None = None) -> Response[Any]:
    """The error page for `status` in the site's layout (its main part for htmx), or JSON for a client asking for it."""
    headers = {**(headers or {}), "Cache-Control": "no-store"}
    if _wants_json(request):
        body = {"status_code": status, "detail": SUMMARIES.get(status, SUMMARIES[400 if status < 500 else 500])}
        if error_id:
            body["feil_id"] = error_id
        return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)
    template = f"errors/{status}.html" if status in PAGES else "errors/other.html"
    context = {"status": status, "error_id": error_id}
    if request.headers.get("hx-request"):  # the page's main part, in place of the page's main part
        headers |= {"HX-Retarget": "#main", "HX-Reswap": "innerHTML"}
        return HTMXBlockTemplate(
            template_name=template, block_name="main", context=context, status_code=status, headers=headers
        )
    return _SignedInPage(template, context=context, status_code=status, headers=headers)


class _SignedInPage(Template):
    """An error page that keeps the menu and «Logg ut» for whoever is signed in. When no route matched, no guard has
    looked at the session yet, and an exception handler cannot wait for the session store: the page asks it as it is
    sent. A session store that does not answer leaves the page as anyone sees it, never a second error."""

    def to_asgi_response(self, app: Any, request: Request, **kwargs: Any) -> Any:
        render = super().to_asgi_response

        async def respond(scope: Scope, receive: Receive, send: Send) -> None:
            staff = request.state.get("staff")
            if not isinstance(staff, Staff):
                try:
                    staff = await signed_in_staff(request)
                except (RedisError, PostgresError, InterfaceError, OSError):
                    staff = None
            self.context["staff"] = staff
            await render(app, request, **kwargs)(scope, receive, send)

        return respond


def _wants_json(request: Request) -> bool:
    return request.accept.best_match([MediaType.HTML, MediaType.JSON], default=MediaType.HTML) == MediaType.JSON
