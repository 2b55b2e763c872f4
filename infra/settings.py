"""The one place that reads the environment; everything else is handed its settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    database_url: str | None  # the login of the web and the worker: least privilege (docs/security.md)
    admin_database_url: str | None  # the owner/admin login, for `ombud migrate` only; unset: DATABASE_URL
    redis_url: str | None
    master_key: str | None
    data_dir: Path
    pool_size: int
    pool_max_overflow: int
    otlp_endpoint: str | None
    service_name: str

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
        )


def _positive_int(env: os._Environ[str] | dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name}: må være et positivt heltall, var «{raw}»")
    return int(raw)


class SettingsError(Exception):
    """A setting is missing or malformed."""
