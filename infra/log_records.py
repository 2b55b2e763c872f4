"""Log records that never carry an exception's message or a searched word: set up by every `ombud` process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any


def type_name(error: BaseException) -> str:
    """The exception's class as `module.Qualname`: what telemetry and logs say of an error."""
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def configure_logging() -> None:
    """Every log record, ours or a library's, carries exceptions by type and stack only (idempotent); an access log
    line, should one be switched on, shows the path without its query string; matplotlib's notes stay out."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "strips_exception_messages", False):
        logging.setLogRecordFactory(records_without_exception_messages(factory))
    # matplotlib notes its font cache and its category units at INFO on every chart a report draws: not for a console.
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, WithoutQueryStrings) for f in access.filters):
        access.addFilter(WithoutQueryStrings())


class WithoutQueryStrings(logging.Filter):
    """uvicorn's access line (client, method, path with query, version, status): the query can hold a searched name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            record.args = (*record.args[:2], record.args[2].split("?", 1)[0], *record.args[3:])
        return True


def records_without_exception_messages(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """Wraps a log record factory: an exception logged (as exc_info, message or argument) loses its message."""

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.exc_info = (type(error), _without_message(error, {}), error.__traceback__)
        if isinstance(record.msg, BaseException):
            record.msg = type_name(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(type_name(a) if isinstance(a, BaseException) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: type_name(v) if isinstance(v, BaseException) else v for k, v in record.args.items()}
        return record

    make.strips_exception_messages = True  # type: ignore[attr-defined]
    return make


def _without_message(error: BaseException, seen: dict[int, BaseException]) -> BaseException:
    """A stand-in that formats as the error's type, traceback and chain, with every message left out."""
    if id(error) in seen:
        return seen[id(error)]
    kind = type(error)
    stand_in_type = type(
        kind.__name__,
        (Exception,),
        {"__module__": kind.__module__, "__qualname__": kind.__qualname__, "__str__": _no_text},
    )
    stand_in = stand_in_type()
    seen[id(error)] = stand_in
    stand_in.__traceback__ = error.__traceback__
    stand_in.__suppress_context__ = error.__suppress_context__
    if error.__cause__ is not None:
        stand_in.__cause__ = _without_message(error.__cause__, seen)
    if error.__context__ is not None:
        stand_in.__context__ = _without_message(error.__context__, seen)
    return stand_in


def _no_text(_: BaseException) -> str:
    return ""
