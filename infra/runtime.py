"""The composition root: picks the database and Redis, opens the one pool, builds the platform."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from eventsourcing.postgres import PostgresDatastore
from psycopg.conninfo import conninfo_to_dict

from infra.directory import PostgresTenantDirectory
from infra.eventstore import EventAppends, factory_maker, open_datastore
from infra.key_epochs import DirectoryEpochStore
from infra.log_records import configure_logging
from infra.logins import APP_LOGIN, with_login, worker_url_for
from infra.migrate import migrate, pending
from infra.settings import Settings, SettingsError
from services.inquiry_keys import DecryptionFailed
from services.key_epochs import EpochPolicy, EpochStore
from services.keys import parse_master_key
from services.platform import Platform

if TYPE_CHECKING:  # what only some commands use is imported where they use it: a command starts with what it needs
    from litestar import Litestar

    from infra.embedded import EmbeddedServer
    from infra.telemetry import Telemetry
    from projections.worker import ProjectionWorker
    from services.audit_signing import Signer
    from services.virus_scan import VirusScanner

log = logging.getLogger(__name__)
# Adds the network's sharing flag as false for the tenants before it; the platform then sets it from their profiles.
SHARING_MIGRATION = "0024_statistics_sharing"
# Adds key epochs; the keys wrapped before them are re-wrapped, and every search index re-keyed, as it is applied.
EPOCHS_MIGRATION = "0026_key_epochs"


@dataclass
class Runtime:
    settings: Settings
    database_url: str  # the web's login (and the command line's)
    worker_database_url: str  # the worker's (docs/security.md): read models, the audit chain's checkpoints and verdict
    datastore: PostgresDatastore
    platform: Platform
    master_key: bytes
    embedded_servers: list[EmbeddedServer] = field(default_factory=list)
    telemetry: Telemetry | None = None  # None: nothing is exported, so nothing is measured
    admin_url: str | None = None  # the owner's login (OMBUD_ADMIN_DATABASE_URL, or the embedded superuser)

    @property
    def database_label(self) -> str:
        """Where the data lives, without credentials (safe to print)."""
        params = conninfo_to_dict(self.database_url)
        return f"{params.get('host', 'localhost')}/{params.get('dbname', '')}"

    @cached_property
    def redis_url(self) -> str:
        """REDIS_URL, or an embedded Redis started on first use."""
        if self.settings.redis_url:
            return self.settings.redis_url
        from infra import embedded

        server = embedded.start_redis(self.settings.data_dir)
        self.embedded_servers.append(server)
        return server.url

    @cached_property
    def signer(self) -> Signer:
        """The audit chain's signing key (docs/audit.md): OMBUD_AUDIT_SIGNING_KEY, or the file
        OMBUD_AUDIT_SIGNING_KEY_FILE names; only an embedded (local, demo) database may fall back to a key file it
        makes in OMBUD_DATA_DIR. The signer's record of what it signed is kept beside the key (docs/audit.md)."""
        from services.audit_signing import load_signer, new_signing_key_pem
        from services.signed_heads import SignedHeads

        if self.settings.audit_signing_key:
            memory = SignedHeads(self.settings.audit_signer_state_dir or self.settings.data_dir / "audit-signer")
            return load_signer(self.settings.audit_signing_key.encode(), "OMBUD_AUDIT_SIGNING_KEY", memory)
        path = self.settings.audit_signing_key_file
        if path is None:
            if self.settings.database_url:
                raise SettingsError(
                    "OMBUD_AUDIT_SIGNING_KEY eller OMBUD_AUDIT_SIGNING_KEY_FILE: må settes når DATABASE_URL er satt"
                )
            path = self.settings.data_dir / "audit-signing.key"
            _create_secret_file(path, new_signing_key_pem())
        try:
            data = path.read_bytes()
        except OSError:
            raise SettingsError(f"OMBUD_AUDIT_SIGNING_KEY_FILE: kan ikke lese filen {path}") from None
        memory = SignedHeads(self.settings.audit_signer_state_dir or path.with_name(path.name + ".signert"))
        return load_signer(data, "OMBUD_AUDIT_SIGNING_KEY_FILE", memory)

    def environment_for_workers(self) -> dict[str, str]:
        """What a web worker process needs to join this runtime's servers (never printed or logged)."""
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "OMBUD_MASTER_KEY": base64.b64encode(self.master_key).decode(),
            "OMBUD_KEY_EPOCH_DIR": str(self.settings.epoch_dir),
        }

    def web_app(self) -> Litestar:
        """The web app on this runtime's servers, with the settings that shape it (and telemetry when it is on)."""
        from web.app import create_app

        app = create_app(
            self.platform,
            self.database_url,
            self.redis_url,
            hsts_max_age=self.settings.hsts_max_age,
            session_max_hours=self.settings.session_max_hours,
            trusted_proxies=self.settings.trusted_proxies,
            meter_provider=self.telemetry.meter_provider if self.telemetry else None,
            network_threshold=self.settings.network_threshold,
            attachment_limits=self.settings.attachment_limits,
        )
        return self.telemetry.instrument_app(app) if self.telemetry else app

    def projection_worker(self, *, rotates_keys: bool = False, delivers_archive: bool = False) -> ProjectionWorker:
        """The projection worker on this runtime's platform, on the worker's login, reporting to its telemetry;
        `delivers_archive`: `ombud worker`'s, which delivers Fiks Arkiv's outbox (OMBUD_ARCHIVE_TRANSPORT)."""
        worker = projection_worker(
            self.platform,
            self.worker_database_url,
            self.telemetry,
            self.settings.network_threshold,
            rotates_keys=rotates_keys,
            scanner=virus_scanner(self.settings),
        )
        if delivers_archive:
            from infra.archive_transport import transport_for
            from projections.archive_outbox import ArchiveDelivery

            worker.deliver_archive_with(
                ArchiveDelivery(
                    self.platform,
                    transport_for(self.settings),
                    retry_first=self.settings.archive_retry_seconds,
                    retry_cap=self.settings.archive_retry_cap_seconds,
                )
            )
        return worker

    @cached_property
    def access_records_written(self) -> Any:
        """The command line's count of its access records, when telemetry is on."""
        from services.audit.access_log import written_counter

        return written_counter(self.telemetry.meter_provider.get_meter("infra.cli")) if self.telemetry else None

    def close(self) -> None:
        self.platform.close()
        self.datastore.close()
        if self.telemetry is not None:
            self.telemetry.shutdown()  # exports what is left
        for server in reversed(self.embedded_servers):
            server.close()


@contextmanager
def open_runtime(settings: Settings, *, migrating: bool = False) -> Iterator[Runtime]:
    """Everything a command needs, on the app's login (the worker on its own); the schema is up to date first.

    The embedded server sets itself up: its superuser migrates, the app logs in as APP_LOGIN, the worker as
    WORKER_LOGIN. With DATABASE_URL, only `ombud migrate` (`migrating`) uses OMBUD_ADMIN_DATABASE_URL; without that
    setting, DATABASE_URL migrates and is the worker's login too (one login for everything, as before).
    """
    master_key = _master_key(settings)
    servers: list[EmbeddedServer] = []
    admin_url = settings.admin_database_url
    if settings.database_url:
        database_url = settings.database_url
    else:
        from infra import embedded

        servers.append(embedded.start_postgres(settings.data_dir))
        admin_url = servers[0].url
        database_url = with_login(admin_url, APP_LOGIN)
    worker_url = settings.worker_database_url or (worker_url_for(database_url) if admin_url else database_url)
    telemetry = _telemetry(settings)
    configure_logging()
    applied: list[str] = []
    if admin_url is None:
        applied = migrate(database_url)
    elif migrating or not settings.database_url:
        applied = migrate(admin_url, database_url, worker_url)
    else:
        _require_up_to_date(database_url)
    datastore = open_datastore(database_url, pool_size=settings.pool_size, max_overflow=settings.pool_max_overflow)
    epochs = DirectoryEpochStore(settings.epoch_dir, master_key)
    platform = platform_on(datastore, master_key, telemetry, epochs, key_policy(settings))
    runtime = Runtime(
        settings, database_url, worker_url, datastore, platform, master_key, servers, telemetry, admin_url
    )
    try:
        if migrating or SHARING_MIGRATION in applied:
            _reconcile_sharing(platform)
        if EPOCHS_MIGRATION in applied:
            _first_rotation(runtime)
        if migrating:
            _index_unindexed(runtime)
        yield runtime
    finally:
        runtime.close()


def platform_on(
    datastore: PostgresDatastore,
    master_key: bytes,
    telemetry: Telemetry | None,
    epochs: EpochStore,
    policy: EpochPolicy = EpochPolicy(),  # noqa: B008 (frozen: one shared default is safe)
) -> Platform:
    """The platform whose event store and offices report to the telemetry, when it is on."""
    if telemetry is None:
        return Platform(
            PostgresTenantDirectory(datastore), master_key, factory_maker(datastore), epochs=epochs, key_policy=policy
        )
    appends = EventAppends(telemetry.tracer_provider, telemetry.meter_provider)
    return Platform(
        PostgresTenantDirectory(datastore),
        master_key,
        factory_maker(datastore, appends),
        epochs=epochs,
        key_policy=policy,
        tracer_provider=telemetry.tracer_provider,
    )


def key_policy(settings: Settings) -> EpochPolicy:
    return EpochPolicy(timedelta(days=settings.key_rotation_days), timedelta(days=settings.backup_retention_days))


def projection_worker(
    platform: Platform,
    database_url: str,
    telemetry: Telemetry | None,
    network_threshold: int = 4,
    *,
    rotates_keys: bool = False,
    scanner: VirusScanner | None = None,
) -> ProjectionWorker:
    """The worker, with its audit keeper, reporting to the telemetry when it is on; `rotates_keys`: `ombud worker`'s,
    which rotates the keys on the platform's schedule; `scanner`: what scans new attachments (None: they stay pending)."""
    from projections.worker import ProjectionWorker
    from services.audit.keeper import AuditKeeper

    if telemetry is None:
        return ProjectionWorker(
            platform, database_url, network_threshold=network_threshold, rotates_keys=rotates_keys, scanner=scanner
        )
    return ProjectionWorker(
        platform,
        database_url,
        audit=AuditKeeper(meter_provider=telemetry.meter_provider),
        tracer_provider=telemetry.tracer_provider,
        meter_provider=telemetry.meter_provider,
        network_threshold=network_threshold,
        rotates_keys=rotates_keys,
        scanner=scanner,
    )


def virus_scanner(settings: Settings) -> VirusScanner | None:
    """clamd on OMBUD_CLAMD_SOCKET, or None when it is unset: then nothing is scanned and attachments stay pending."""
    from infra.clamd import ClamdScanner

    return ClamdScanner(settings.clamd_socket) if settings.clamd_socket is not None else None


def _telemetry(settings: Settings) -> Telemetry | None:
    """The process's telemetry when OMBUD exports it (OTEL_EXPORTER_OTLP_ENDPOINT): only then is OpenTelemetry's SDK
    imported, so a command that measures nothing does not pay for it."""
    if not settings.otlp_endpoint:
        return None
    from infra.telemetry import configure_telemetry

    return configure_telemetry(settings)


def _first_rotation(runtime: Runtime) -> None:
    """Moves the keys wrapped before epochs under the first one, and re-keys every search index (0026)."""
    worker = runtime.projection_worker()
    try:
        rotated = worker.key_rotation().rotate(datetime.now(UTC))
    finally:
        worker.close()
    log.info("keys: first epoch=%s rewrapped=%d", rotated.epoch, rotated.rewrapped)


def _index_unindexed(runtime: Runtime) -> None:
    """Search words for the inquiries the demo and the import once saved without them (issue 21); each `ombud migrate`
    looks, and finds none once done. Slugs and counts only in the log."""
    worker = runtime.projection_worker()
    try:
        for slug in runtime.platform.slugs():
            try:
                indexed = worker.index_unindexed(slug)
            except DecryptionFailed:  # an event that does not open: the other tenants go on, the next run retries
                log.warning("search: tenant=%s not indexed (an event does not open); see ombud audit verify", slug)
                continue
            if indexed:
                log.info("search: tenant=%s inquiries without search words looked at=%d", slug, indexed)
    finally:
        worker.close()


def _reconcile_sharing(platform: Platform) -> None:
    """The network's flag from each office's recorded choice (0024_statistics_sharing.sql); slugs only in the log."""
    for slug in platform.reconcile_statistics_sharing():
        log.info("tenant=%s: statistics sharing flag set from its profile", slug)


def _require_up_to_date(database_url: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        try:
            missing = pending(conn)
        except psycopg.errors.InsufficientPrivilege:
            missing = ["?"]
    if missing:
        raise SettingsError(
            "databaseskjemaet er ikke oppdatert: kjør `ombud migrate` med OMBUD_ADMIN_DATABASE_URL satt"
        )


def _master_key(settings: Settings) -> bytes:
    """OMBUD_MASTER_KEY; only an embedded (local, demo) database may fall back to a key file."""
    if settings.master_key:
        return parse_master_key(settings.master_key)
    if settings.database_url:
        raise SettingsError("OMBUD_MASTER_KEY: må settes når DATABASE_URL er satt")
    path: Path = settings.data_dir / "master.key"
    _create_secret_file(path, base64.b64encode(os.urandom(32)))
    return parse_master_key(path.read_text().strip())


def _create_secret_file(path: Path, content: bytes) -> None:
    """Writes a new key file readable by its owner only; an existing one is kept as it is."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
