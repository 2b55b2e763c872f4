"""Shared fixtures: a throwaway database on the real server (or embedded), Redis, and platforms on them.

The tests run as the app runs: `database_url` is the least-privileged login (DATABASE_URL's role, or `ombud_app`);
`admin_database_url` is the owner/admin login (OMBUD_ADMIN_DATABASE_URL, else DATABASE_URL's), which made the
database and migrated it, for the few tests that need the owner's powers.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from domain.common import Context
from infra.directory import PostgresTenantDirectory
from infra.embedded import start_postgres, start_redis
from infra.eventstore import factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.logins import worker_url_for
from infra.settings import Settings
from infra.throwaway import throwaway_database
from projections.worker import ProjectionWorker
from services.accounts import use_cheapest_password_hashing
from services.audit_signing import new_signing_key_pem
from services.platform import Platform
from tests.private_database import migrated_app_login

# No real password is kept by a test: hashing at the recommended cost (about 0.2 s a hash or check) cost the run
# minutes. The product's own cost is checked by tests/unit/test_password_hashing.py in a process of its own.
use_cheapest_password_hashing()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_environment()


@pytest.fixture(scope="session")
def server_url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The admin login on the test server (as in CI), or the superuser of an embedded PostgreSQL on a fresh machine."""
    if settings.admin_database_url or settings.database_url:
        yield settings.admin_database_url or settings.database_url  # type: ignore[misc]
        return
    with start_postgres(tmp_path_factory.mktemp("data")) as server:
        yield server.url


@pytest.fixture(scope="session")
def admin_database_url(server_url: str) -> Iterator[str]:
    """A database of our own on that server, made and migrated by the admin login, dropped afterwards."""
    with throwaway_database(server_url, "ombud_test") as url:
        yield url


@pytest.fixture(scope="session")
def database_url(settings: Settings, server_url: str, admin_database_url: str) -> str:
    """The app's login on that database: DATABASE_URL's role when it is not the admin's, else APP_LOGIN."""
    return migrated_app_login(settings, server_url, admin_database_url)


@pytest.fixture(scope="session")
def redis_url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if settings.redis_url:
        yield settings.redis_url
        return
    with start_redis(tmp_path_factory.mktemp("data")) as server:
        yield server.url


@pytest.fixture(scope="session")
def master_key() -> bytes:
    return os.urandom(32)


@pytest.fixture(scope="session", autouse=True)
def epoch_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The key epochs' folder (OMBUD_KEY_EPOCH_DIR) that every platform, command and child process of the run shares:
    a key wrapped by one must open in the others, whatever OMBUD_DATA_DIR a test gives its commands."""
    folder = tmp_path_factory.mktemp("key-epochs")
    before = os.environ.get("OMBUD_KEY_EPOCH_DIR")
    os.environ["OMBUD_KEY_EPOCH_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("OMBUD_KEY_EPOCH_DIR")
    else:
        os.environ["OMBUD_KEY_EPOCH_DIR"] = before


@pytest.fixture(scope="session")
def signing_key() -> bytes:
    """The audit chain's checkpoint key (PEM), as OMBUD_AUDIT_SIGNING_KEY holds it."""
    return new_signing_key_pem()


VERIFIER = Path(__file__).resolve().parent.parent / "tools" / "verify_bundle.py"


@pytest.fixture(scope="session")
def verifier() -> ModuleType:
    """tools/verify_bundle.py loaded as a module (it is a lone script, not part of any package)."""
    spec = importlib.util.spec_from_file_location("verify_bundle", VERIFIER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["verify_bundle"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def make_platform(database_url: str, master_key: bytes, epoch_dir: Path) -> Iterator[Callable[..., Platform]]:
    """Builds platforms as separate processes would: each with its own bounded pool."""
    opened: list[tuple[Platform, object]] = []

    def make(pool_size: int = 2, max_overflow: int = 3) -> Platform:
        datastore = open_datastore(database_url, pool_size=pool_size, max_overflow=max_overflow)
        platform = Platform(
            PostgresTenantDirectory(datastore),
            master_key,
            factory_maker(datastore),
            epochs=DirectoryEpochStore(epoch_dir, master_key),
        )
        opened.append((platform, datastore))
        return platform

    yield make
    for platform, datastore in opened:
        platform.close()
        datastore.close()  # type: ignore[attr-defined]


@pytest.fixture
def platform(make_platform: Callable[..., Platform]) -> Platform:
    return make_platform()


@pytest.fixture
def worker(platform: Platform, database_url: str) -> Iterator[ProjectionWorker]:
    """The projection worker over the test's platform."""
    worker = ProjectionWorker(platform, worker_url_for(database_url))
    yield worker
    worker.close()


@pytest.fixture
def admin() -> Context:
    return Context("plattform-admin", "platform_admin", str(uuid.uuid4()))


@pytest.fixture
def caseworker() -> Context:
    return Context("rådgiver-test", "caseworker", str(uuid.uuid4()))


@pytest.fixture
def new_slug() -> Callable[[], str]:
    """Unique tenant slugs, so tests sharing the database never collide."""
    return lambda: f"k{uuid.uuid4().hex[:10]}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No server outlives the test run: the embedded ones this process still holds, then any that a test's
    subprocess left running in this run's temporary folders (never the machine's own, nor another run's)."""
    from infra.embedded import close_all
    from infra.stopping import stop_servers_in

    close_all()
    basetemp = getattr(getattr(session.config, "_tmp_path_factory", None), "_basetemp", None)
    if basetemp is not None:
        stop_servers_in(Path(basetemp))


@pytest.fixture
def sharing_flag(platform: Platform, admin: Context) -> Callable[[str, bool], None]:
    """Turns an office's sharing with the national network on or off, as the office's administrator does."""
    return lambda slug, shares: platform.set_statistics_sharing(admin, slug, shares) and None
