"""Shared fixtures: a throwaway database on the real server (or embedded), Redis, and platforms on them.

The tests run as the app runs: `database_url` is the least-privileged login (DATABASE_URL's role, or `ombud_app`);
`admin_database_url` is the owner/admin login (OMBUD_ADMIN_DATABASE_URL, else DATABASE_URL's), which made the
database and migrated it, for the few tests that need the owner's powers.

`make test` runs the suite on two pytest-xdist workers (`-n 2 --dist loadscope`); plain `python -m pytest` runs it
in one process. Each worker is a session of its own: its own throwaway database (a fresh name per session), its own
key epochs' folder, and its own Redis database number: REDIS_URL's number + 1 + the worker's index (gw0 → +1, gw1 →
+2; one process alone → +1), modulo 16, so counters one worker clears are never another's, nor those of a run that
uses REDIS_URL's own database. Without DATABASE_URL/REDIS_URL each worker starts embedded servers of its own.
A test module runs whole on one worker (its module-scoped fixtures are made once); the browser tests share one
worker, and the tests that start, stop or count servers and processes share another group (`xdist_group`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

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
from tests.clamd_server import clamd_socket  # noqa: F401  (a fixture: one private clamd for the session)
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
def session_admin_database_url(server_url: str) -> Iterator[str]:
    """A database of our own on that server, made and migrated by the admin login, dropped afterwards."""
    with throwaway_database(server_url, "ombud_test") as url:
        yield url


@pytest.fixture(scope="session")
def session_database_url(settings: Settings, server_url: str, session_admin_database_url: str) -> str:
    """The app's login on that database: DATABASE_URL's role when it is not the admin's, else APP_LOGIN."""
    return migrated_app_login(settings, server_url, session_admin_database_url)


@pytest.fixture(scope="session")
def admin_database_url(session_admin_database_url: str) -> str:
    """The session's database as the admin; a module with a database of its own overrides this name (and the next)
    with tests/private_database.py, while `session_*` always name the session's (for fixtures that outlive modules)."""
    return session_admin_database_url


@pytest.fixture(scope="session")
def database_url(session_database_url: str) -> str:
    return session_database_url


@pytest.fixture(scope="session")
def migrated_template(settings: Settings, server_url: str) -> Iterator[str]:
    """The name of a database migrated once per session, which nobody uses: modules that need a database of their own
    copy it (CREATE DATABASE ... TEMPLATE, about half the time of migrating from scratch)."""
    with throwaway_database(server_url, "ombud_template") as url:
        migrated_app_login(settings, server_url, url)
        yield unquote(urlsplit(url).path.lstrip("/"))


def worker_index() -> int:
    """0 for a run in one process or xdist's first worker (gw0), 1 for gw1, and so on."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def own_redis_database(url: str, index: int) -> str:
    """The same Redis server, database number (the URL's + 1 + index) modulo 16: a database of this session's own."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.scheme == "unix":
        number = (int(query.get("db", 0)) + 1 + index) % 16
        return url.partition("?")[0] + "?" + urlencode({**query, "db": str(number)})  # keeps the empty host's "//"
    number = (int(parts.path.strip("/") or 0) + 1 + index) % 16
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.fixture(scope="session")
def redis_url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis database of this session's own (see the module's docstring), on REDIS_URL's server or an embedded one."""
    if settings.redis_url:
        yield own_redis_database(settings.redis_url, worker_index())
        return
    with start_redis(tmp_path_factory.mktemp("data")) as server:
        yield own_redis_database(server.url, worker_index())


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


def open_platform(
    database_url: str, master_key: bytes, epoch_dir: Path, pool_size: int = 2, max_overflow: int = 3
) -> tuple[Platform, object]:
    """A platform as a separate process would have it, with its own bounded pool; close both when done."""
    datastore = open_datastore(database_url, pool_size=pool_size, max_overflow=max_overflow)
    platform = Platform(
        PostgresTenantDirectory(datastore),
        master_key,
        factory_maker(datastore),
        epochs=DirectoryEpochStore(epoch_dir, master_key),
    )
    return platform, datastore


@pytest.fixture
def make_platform(database_url: str, master_key: bytes, epoch_dir: Path) -> Iterator[Callable[..., Platform]]:
    """Builds platforms as separate processes would: each with its own bounded pool."""
    opened: list[tuple[Platform, object]] = []

    def make(pool_size: int = 2, max_overflow: int = 3) -> Platform:
        opened.append(open_platform(database_url, master_key, epoch_dir, pool_size, max_overflow))
        return opened[-1][0]

    yield make
    for platform, datastore in opened:
        platform.close()
        datastore.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def module_platform(database_url: str, master_key: bytes, epoch_dir: Path) -> Iterator[Platform]:
    """A platform for the tenants that a module makes once and its tests only read (tenants cost 0.1–0.35 s each)."""
    platform, datastore = open_platform(database_url, master_key, epoch_dir)
    yield platform
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


# The modules that start, stop or look for servers and processes: they run one after another on one worker.
PROCESS_MODULES = frozenset(
    {
        "test_clean_stops.py",
        "test_embedded_product.py",
        "test_embedded_services.py",
        "test_faults.py",
        "test_serve_workers.py",
    }
)


def xdist_group(nodeid: str) -> str:
    """The group a test runs in on one worker: the browser tests together, the process tests together, every other
    module on its own (its module-scoped fixtures made once, on one worker)."""
    path = nodeid.split("::", 1)[0]
    if path.startswith("tests/browser/"):
        return "browser"
    if path.rpartition("/")[2] in PROCESS_MODULES:
        return "processes"
    return path


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: a run with `-p no:xdist` has none
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`--dist loadscope` by `xdist_group` rather than by module alone. (pytest-xdist's own `loadgroup` marks a test's
    node id, which pytest 9 no longer lets a plugin change: its groups would be ignored.) Groups go out largest first,
    one whole group to a worker at a time."""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid)

    return GroupScheduling(config, log)


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
