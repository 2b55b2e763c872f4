"""Databases of a test run's own on the test server, and the module-scoped pair for tests that tamper with theirs.

A test module that breaks stored rows on purpose imports `module_admin_database_url` and `module_database_url`:
they take the place of the session's `admin_database_url` and `database_url` for that module only, so nothing it
breaks is seen by any other test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.logins import APP_LOGIN, login_of, password_of, with_login
from infra.migrate import migrate
from infra.settings import Settings
from infra.throwaway import throwaway_database


def migrated_app_login(settings: Settings, server_url: str, admin_database_url: str) -> str:
    """Migrates the database; the app's login on it: DATABASE_URL's role when it is not the admin's, else APP_LOGIN."""
    app_url = settings.database_url if settings.admin_database_url and settings.database_url else None
    if app_url and login_of(app_url) != login_of(server_url):
        url = with_login(admin_database_url, login_of(app_url), password_of(app_url))
    else:
        url = with_login(admin_database_url, APP_LOGIN)
    migrate(admin_database_url, url)
    return url


@pytest.fixture(scope="module", name="admin_database_url")
def module_admin_database_url(server_url: str, migrated_template: str) -> Iterator[str]:
    """A copy of the session's migrated template: these modules test what breaks in a database, not migrating one."""
    with throwaway_database(server_url, "ombud_test", template=migrated_template) as url:
        yield url


@pytest.fixture(scope="module", name="database_url")
def module_database_url(settings: Settings, server_url: str, admin_database_url: str) -> str:
    return migrated_app_login(settings, server_url, admin_database_url)
