"""A list page's query parameters, read with the edge's parsers: an odd value falls back to its default and says so.

Query values come from links and plain GET forms that anyone can edit, so a page answers an odd value with
itself (status 400), the default in the value's place and a notice naming the parameter, never with a 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import TypeVar

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler

from domain import parsing
from domain.common import InvalidField

T = TypeVar("T")
LABELS = {
    "year": "år",
    "page": "side",
    "status": "status",
    "area": "tjenesteområde",
    "case_type": "sakstype",
    "assignee": "saksbehandler",
    "q": "søk",
    "sort": "sortering",
    "henvendelse": "henvendelse",
    "registrert": "registrert",
    "versjon": "versjon",
    "dato": "dato",
    "tidspunkt": "tidspunkt",
    "etter": "dato etter",
    "som_levert": "som levert",
}


@dataclass(frozen=True)
class Notice:
    label: str
    reason: str


@dataclass
class QueryValues:
    """Collects a notice for each value it could not use; `status_code` is 400 when there is one."""

    notices: list[Notice] = field(default_factory=list)

    @property
    def status_code(self) -> int:
        return 400 if self.notices else 200

    def number(self, name: str, value: str, *, low: int, high: int, default: int | None = None) -> int | None:
        """A blank value is the default without a notice."""
        try:
            parsed = parsing.optional_whole_number(name, value, low=low, high=high)
        except InvalidField as refused:
            return self.refuse(refused, default)
        return default if parsed is None else parsed

    def year(self, value: str) -> int | None:
        """The `year` parameter: a year business dates may have, or None (the page's own default)."""
        return self.number("year", value, low=parsing.MIN_YEAR, high=parsing.MAX_YEAR)

    def text(self, name: str, value: str, *, max_length: int, printable: bool = False) -> str:
        """`printable`: only characters one can see or type (a search never matches anything else)."""
        try:
            parsed = parsing.text(name, value, max_length=max_length)
        except InvalidField as refused:
            return self.refuse(refused, "")
        if printable and not parsed.isprintable():
            return self.refuse(InvalidField(name, "inneholder tegn som ikke kan søkes etter"), "")
        return parsed

    def day(self, name: str, value: str) -> date | None:
        """A blank value is None without a notice."""
        try:
            return parsing.optional_day(name, value)
        except InvalidField as refused:
            return self.refuse(refused, None)

    def clock(self, name: str, value: str) -> time | None:
        """A blank value is None without a notice."""
        try:
            return parsing.optional_clock(name, value)
        except InvalidField as refused:
            return self.refuse(refused, None)

    def choice(self, name: str, value: str, choices: Iterable[str], *, default: str) -> str:
        """A blank value is the default without a notice."""
        if not value:
            return default
        try:
            return parsing.choice(name, value, choices)
        except InvalidField as refused:
            return self.refuse(refused, default)

    def refuse(self, refused: InvalidField, default: T) -> T:
        """The notice for a value the page could not use (the field it names), and what it uses instead."""
        name = refused.field or "-"
        self.notices.append(Notice(LABELS.get(name, name), refused.message))
        return default


def plain_file_path(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """The static files' guard: a name with NUL, or longer than any file's, is missing rather than an OS error."""
    try:
        parsing.text("file_path", str(connection.path_params.get("file_path", "")), max_length=200)
    except InvalidField:
        raise NotFoundException() from None
