"""Screenshots for the README, taken from the real app on the demo data, so they show what a caseworker sees today.

Run with `make screenshots`: a throwaway database on DATABASE_URL's server (or an embedded PostgreSQL, as the tests
use), the demo tenants and accounts, the projection worker caught up, the app on loopback, Debian's chromium.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from domain.common import Context
from infra.directory import PostgresAccountDirectory, PostgresTenantDirectory
from infra.embedded import start_postgres, start_redis
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.settings import Settings
from infra.throwaway import migrated_throwaway_database
from services.demo import DEMO_PASSWORD, create_demo_accounts, load_demo
from services.platform import Platform
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, projecting, serving
from web.app import create_app

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
TENANT = "drammen"
CASEWORKER = "saksbehandler@drammen.demo"
NETWORK = "nettverk@ombud.demo"
MAX_BYTES = 300_000


def main() -> int:
    settings = Settings.from_environment()
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ombud-screenshots-")))
        server_url = (
            settings.admin_database_url
            or settings.database_url
            or stack.enter_context(start_postgres(scratch / "postgres")).url
        )
        redis_url = settings.redis_url or stack.enter_context(start_redis(scratch / "redis")).url
        database_url = stack.enter_context(migrated_throwaway_database(server_url, "ombud_screenshots"))
        datastore = open_datastore(database_url, pool_size=2, max_overflow=3)
        stack.callback(datastore.close)
        master_key = os.urandom(32)
        platform = Platform(
            PostgresTenantDirectory(datastore),
            master_key,
            factory_maker(datastore),
            epochs=DirectoryEpochStore(scratch / "key-epochs", master_key),
        )
        stack.callback(platform.close)
        print("laster demodata …")
        load_demo(platform, Context("skjermbilder", "platform_admin", str(uuid.uuid4())), progress=print)
        create_demo_accounts(PostgresAccountDirectory(datastore))
        stack.enter_context(projecting(platform, database_url))  # caught up before it starts following
        url = stack.enter_context(serving(create_app(platform, database_url, redis_url)))
        OUT.mkdir(parents=True, exist_ok=True)
        written = take_screenshots(url)
    too_large = [f"{path.name}: {path.stat().st_size} bytes" for path in written if path.stat().st_size > MAX_BYTES]
    for path in written:
        print(f"{path.relative_to(OUT.parents[1])}: {path.stat().st_size // 1000} kB")
    if too_large:
        print("larger than 300 kB: " + ", ".join(too_large), file=sys.stderr)
        return 1
    return 0


def take_screenshots(base_url: str) -> list[Path]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        signed_in = browser.new_context(base_url=base_url, locale="nb-NO", viewport=VIEWPORT).new_page()
        sign_in(signed_in, CASEWORKER)
        network = browser.new_context(base_url=base_url, locale="nb-NO", viewport=VIEWPORT).new_page()
        sign_in(network, NETWORK)
        citizen = browser.new_context(base_url=base_url, locale="nb-NO", viewport=VIEWPORT).new_page()
        shots: list[tuple[str, Page, Callable[[Page], None]]] = [
            ("oversikt", signed_in, lambda p: p.goto(f"/{TENANT}/oversikt")),
            ("henvendelser", signed_in, lambda p: p.goto(f"/{TENANT}/henvendelser")),
            ("henvendelse", signed_in, open_an_inquiry),
            ("ny-henvendelse", signed_in, lambda p: p.goto(f"/{TENANT}/henvendelser/ny")),
            ("statistikk-2023", signed_in, lambda p: p.goto(f"/{TENANT}/statistikk?year=2023")),
            ("utadrettet", signed_in, lambda p: p.goto(f"/{TENANT}/utadrettet")),
            ("kontaktskjema", citizen, lambda p: p.goto(f"/{TENANT}/kontakt")),
            ("nettverk", network, lambda p: p.goto("/nettverk")),
        ]
        written = []
        for name, page, reach in shots:
            reach(page)
            page.wait_for_load_state("networkidle")
            path = OUT / f"{name}.png"
            page.screenshot(path=path)
            written.append(path)
        browser.close()
    return written


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Logg inn").click()


def open_an_inquiry(page: Page) -> None:
    """An open inquiry with a few steps behind it, and one of its action forms opened."""
    page.goto(f"/{TENANT}/henvendelser?status=open&sort=eldste")
    page.locator("#resultater tbody a").first.click()
    page.wait_for_load_state()
    page.locator("summary", has_text="Videresend").click()


if __name__ == "__main__":
    sys.exit(main())
