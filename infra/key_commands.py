"""`ombud keys rotate` and `ombud maintenance`: new key epochs, old ones destroyed, and dead row versions vacuumed.

Rotation runs on the app's login like the worker (it does what the worker does on its schedule). The vacuum needs
the owner: `ombud maintenance` logs in with OMBUD_ADMIN_DATABASE_URL (docs/operations.md, "Key epochs").
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from typing import Any

from domain.common import DomainError
from domain.deadlines import moment_in_norway
from infra.settings import Settings

# Where erasure and rotation leave dead row versions of key material or of the blind index.
VACUUMED = ("platform.inquiry_keys", "platform.search_keys", "read.search_tokens")


def add_parsers(subcommands: Any, parser_class: type) -> None:
    keys = subcommands.add_parser("keys", help="nøkkelepoker: det som gjør slettinger endelige").add_subparsers(
        dest="keys_command", required=True, parser_class=parser_class
    )
    rotate = keys.add_parser(
        "rotate",
        help="ny nøkkelepoke: alle levende nøkler pakkes inn på nytt, gamle epoker destrueres når "
        "sikkerhetskopiene fra deres tid er utløpt (OMBUD_BACKUP_RETENTION_DAYS)",
    )
    rotate.set_defaults(run="key_commands.run_rotate")
    maintenance = subcommands.add_parser(
        "maintenance",
        help="rydd døde radversjoner etter slettinger og nøkkelrotasjon (VACUUM); kjøres med OMBUD_ADMIN_DATABASE_URL",
    )
    maintenance.set_defaults(run="key_commands.run_maintenance")


def norwegian_time(moment: datetime) -> str:
    return moment_in_norway(moment)


def run_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from infra.commands import with_runtime
    from infra.progress import ProgressBar

    def work(runtime: Any) -> int:
        worker = runtime.projection_worker()
        started = time.perf_counter()
        try:
            rotated = worker.key_rotation().rotate(datetime.now(UTC), progress=ProgressBar("kommuner"))
        finally:
            worker.close()
        print(
            f"nøkkelepoke {rotated.epoch}: {rotated.rewrapped} nøkler pakket inn på nytt, søkeindeksene nøklet om"
            f" ({time.perf_counter() - started:.1f} s)"
        )
        if rotated.destroyed:
            print("destruert: " + ", ".join(f"epoke {number}" for number in rotated.destroyed))
        epochs = runtime.platform.epochs.epochs()
        if len(epochs) > 1:
            due = runtime.platform.key_policy.destroyable_at(epochs)
            print(f"epoke {epochs[0].number} destrueres tidligst {norwegian_time(due)}")
        if settings.admin_database_url:
            print(f"ryddet: {', '.join(vacuum(settings.admin_database_url))}")
        else:
            print("kjør `ombud maintenance` for å rydde de gamle radversjonene")
        return 0

    return with_runtime(settings, work)


def run_maintenance(args: argparse.Namespace, settings: Settings) -> int:
    from infra.commands import with_runtime

    if settings.admin_database_url:
        print(f"ryddet: {', '.join(vacuum(settings.admin_database_url))}")
        return 0
    if settings.database_url:
        raise DomainError("OMBUD_ADMIN_DATABASE_URL", "må settes: bare eierens pålogging kan rydde tabellene")
    # The embedded server: its superuser is the owner.
    return with_runtime(settings, lambda runtime: print(f"ryddet: {', '.join(vacuum(runtime.admin_url))}") or 0)


def vacuum(admin_url: str) -> list[str]:
    """VACUUM with index cleanup forced, so dead index entries (the blind index's tokens) go too."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        for table in VACUUMED:
            conn.execute(f"VACUUM (INDEX_CLEANUP ON) {table}")
    return list(VACUUMED)
