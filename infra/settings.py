"""The one place that reads the environment; everything else is handed its settings."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from services.key_epochs import BACKUP_RETENTION_DAYS, ROTATION_DAYS

if TYPE_CHECKING:
    from services.attachments import Limits

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# The attachments' limits by default (services/attachments.py has the same numbers for callers without settings).
ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024
ATTACHMENTS_PER_INQUIRY = 20
PUBLIC_SUBMISSION_MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    database_url: str | None  # the web's login: least privilege (docs/security.md)
    admin_database_url: str | None  # the owner/admin login, for `ombud migrate` only; unset: DATABASE_URL
    redis_url: str | None
    master_key: str | None
    data_dir: Path
    pool_size: int
    pool_max_overflow: int
    otlp_endpoint: str | None
    service_name: str
    hsts_max_age: int = 0  # seconds of Strict-Transport-Security; 0 where the site is not served over TLS
    session_max_hours: int = 12
    trusted_proxies: tuple[Network, ...] = ()
    audit_signing_key: str | None = None  # the checkpoints' Ed25519 key itself (PEM or base64 seed)
    audit_signing_key_file: Path | None = None  # or a file holding it
    audit_signer_state_dir: Path | None = None  # the signer's record of what it signed (unset: beside the key)
    network_threshold: int = 4  # the network's figures from 1 to this many are suppressed (domain.disclosure)
    key_epoch_dir: Path | None = None  # the epoch keys' folder, outside the database; None: <data_dir>/key-epochs
    key_rotation_days: int = ROTATION_DAYS  # how often the worker moves every live key to a new epoch
    backup_retention_days: int = BACKUP_RETENTION_DAYS  # how long backups, WAL archives, replicas keep data

    @property
    def epoch_dir(self) -> Path:
        return self.key_epoch_dir or self.data_dir / "key-epochs"

    worker_database_url: str | None = None  # the worker's login; unset: ombud_worker on DATABASE_URL's database
    clamd_socket: Path | None = None  # clamd's local socket; unset: nothing is scanned, attachments stay pending
    # Fiks Arkiv (docs/fiks-arkiv.md): how the worker delivers arkivmeldinger, and how long it waits between attempts.
    archive_transport: str = "folder"  # folder | amqp
    archive_folder: Path | None = None  # the folder transport's; None: <data_dir>/arkiv
    archive_amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    archive_queue: str = "ombud.fiks-arkiv.arkivmelding"
    archive_reply_queue: str = "ombud.fiks-arkiv.kvittering"
    archive_retry_seconds: int = 30
    archive_retry_cap_seconds: int = 3600

    @property
    def archive_dir(self) -> Path:
        return self.archive_folder or self.data_dir / "arkiv"

    attachment_max_bytes: int = ATTACHMENT_MAX_BYTES  # one file
    attachments_per_inquiry: int = ATTACHMENTS_PER_INQUIRY
    public_submission_max_bytes: int = PUBLIC_SUBMISSION_MAX_BYTES  # all files of one contact form

    @property
    def attachment_limits(self) -> Limits:
        from services.attachments import Limits  # libmagic is loaded only by what handles files

        return Limits(
            max_bytes=self.attachment_max_bytes,
            per_inquiry=self.attachments_per_inquiry,
            public_submission_max_bytes=self.public_submission_max_bytes,
        )

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            admin_database_url=env.get("OMBUD_ADMIN_DATABASE_URL") or None,
            redis_url=env.get("REDIS_URL") or None,
            master_key=env.get("OMBUD_MASTER_KEY") or None,
            data_dir=Path(env.get("OMBUD_DATA_DIR") or ".ombud").resolve(),
            pool_size=_positive_int(env, "OMBUD_DB_POOL_SIZE", 4),
            pool_max_overflow=_positive_int(env, "OMBUD_DB_MAX_OVERFLOW", 6),
            otlp_endpoint=env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None,
            service_name=env.get("OTEL_SERVICE_NAME") or "ombud",
            hsts_max_age=_seconds(env, "OMBUD_HSTS_MAX_AGE"),
            session_max_hours=_positive_int(env, "OMBUD_SESSION_MAX_HOURS", 12),
            trusted_proxies=_networks(env, "OMBUD_TRUSTED_PROXIES"),
            audit_signing_key=env.get("OMBUD_AUDIT_SIGNING_KEY") or None,
            audit_signing_key_file=Path(env["OMBUD_AUDIT_SIGNING_KEY_FILE"])
            if env.get("OMBUD_AUDIT_SIGNING_KEY_FILE")
            else None,
            audit_signer_state_dir=Path(env["OMBUD_AUDIT_SIGNER_STATE_DIR"])
            if env.get("OMBUD_AUDIT_SIGNER_STATE_DIR")
            else None,
            network_threshold=_threshold(env, "OMBUD_NETWORK_THRESHOLD", 4),
            key_epoch_dir=Path(env["OMBUD_KEY_EPOCH_DIR"]).resolve() if env.get("OMBUD_KEY_EPOCH_DIR") else None,
            key_rotation_days=_threshold(env, "OMBUD_KEY_ROTATION_DAYS", ROTATION_DAYS),
            backup_retention_days=_threshold(env, "OMBUD_BACKUP_RETENTION_DAYS", BACKUP_RETENTION_DAYS),
            worker_database_url=env.get("OMBUD_WORKER_DATABASE_URL") or None,
            clamd_socket=Path(env["OMBUD_CLAMD_SOCKET"]) if env.get("OMBUD_CLAMD_SOCKET") else None,
            archive_transport=_choice(env, "OMBUD_ARCHIVE_TRANSPORT", ("folder", "amqp")),
            archive_folder=Path(env["OMBUD_ARCHIVE_FOLDER"]).resolve() if env.get("OMBUD_ARCHIVE_FOLDER") else None,
            archive_amqp_url=env.get("OMBUD_ARCHIVE_AMQP_URL") or "amqp://guest:guest@127.0.0.1:5672/%2F",
            archive_queue=env.get("OMBUD_ARCHIVE_QUEUE") or "ombud.fiks-arkiv.arkivmelding",
            archive_reply_queue=env.get("OMBUD_ARCHIVE_REPLY_QUEUE") or "ombud.fiks-arkiv.kvittering",
            archive_retry_seconds=_threshold(env, "OMBUD_ARCHIVE_RETRY_SECONDS", 30),
            archive_retry_cap_seconds=_threshold(env, "OMBUD_ARCHIVE_RETRY_CAP_SECONDS", 3600),
            attachment_max_bytes=_positive_int(env, "OMBUD_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES),
            attachments_per_inquiry=_positive_int(env, "OMBUD_ATTACHMENTS_PER_INQUIRY", ATTACHMENTS_PER_INQUIRY),
            public_submission_max_bytes=_positive_int(
                env, "OMBUD_PUBLIC_SUBMISSION_MAX_BYTES", PUBLIC_SUBMISSION_MAX_BYTES
            ),
        )


def _positive_int(env: os._Environ[str] | dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[0-9]{1,18}", raw) or int(raw) < 1:  # ASCII digits: '²'.isdigit() is true
        raise SettingsError(f"{name}: må være et positivt heltall, var «{raw}»")
    return int(raw)


def _threshold(env: os._Environ[str] | dict[str, str], name: str, default: int) -> int:
    """A whole number from 1; ASCII digits only."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw.strip()) or int(raw) < 1:
        raise SettingsError(f"{name}: må være et heltall fra og med 1, var «{raw}»")
    return int(raw)


def _choice(env: os._Environ[str] | dict[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, the first when unset."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return choices[0]
    if raw not in choices:
        raise SettingsError(f"{name}: må være en av {', '.join(choices)}, var «{raw}»")
    return raw


def _seconds(env: os._Environ[str] | dict[str, str], name: str) -> int:
    """A count of seconds, 0 when unset; ASCII digits only (`int` would take "²" and "٣" too)."""
    raw = env.get(name) or "0"
    if not re.fullmatch(r"[0-9]{1,10}", raw):
        raise SettingsError(f"{name}: må være et antall sekunder (0 eller mer), var «{raw}»")
    return int(raw)


def _networks(env: os._Environ[str] | dict[str, str], name: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDRs; empty means no proxy is trusted."""
    networks = []
    for item in (env.get(name) or "").split(","):
        if item.strip():
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                raise SettingsError(f"{name}: «{item.strip()}» er ingen IP-adresse eller CIDR") from None
    return tuple(networks)


class SettingsError(Exception):
    """A setting is missing or malformed."""
