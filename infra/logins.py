"""Database URLs for the logins (the web's, the worker's and the owner/admin's), derived from one another."""

from __future__ import annotations

import getpass
from urllib.parse import quote, urlsplit, urlunsplit

from psycopg.conninfo import conninfo_to_dict

APP_LOGIN = "ombud_app"  # the app's login when only the admin login is given (embedded server, tests)
WORKER_LOGIN = "ombud_worker"  # the worker's login when OMBUD_WORKER_DATABASE_URL is unset (docs/security.md)


def login_of(url: str) -> str:
    """The role a URL logs in as (libpq's default, the OS user, when the URL names none)."""
    return str(conninfo_to_dict(url).get("user") or getpass.getuser())


def password_of(url: str) -> str | None:
    return str(conninfo_to_dict(url).get("password") or "") or None


def with_login(url: str, user: str, password: str | None = None) -> str:
    """The same server and database, another login (the password only if given)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    credentials = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}"))


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + quote(name, safe="")))


def worker_url_for(database_url: str) -> str:
    """The worker's default login: WORKER_LOGIN on DATABASE_URL's server and database, no password of its own."""
    return with_login(database_url, WORKER_LOGIN)
