"""`ombud report deliver` and `ombud report annual --as-delivered`: record a delivered report, recompute it later."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from typing import TYPE_CHECKING, Any

import psycopg

from domain.account import REPORT_DELIVERERS
from domain.common import OSLO, DomainError
from infra.commands import caught_up, context, with_runtime
from infra.settings import Settings

if TYPE_CHECKING:
    from projections.delivered_reports import Delivery

# The role the command line acts in when it marks a report delivered.
DELIVERER_ROLE = REPORT_DELIVERERS[0]


def run_deliver(args: argparse.Namespace, settings: Settings) -> int:
    from projections import delivered_reports

    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        if args.taxonomy_version is not None:
            office.profile().taxonomy(args.taxonomy_version)  # an unknown version is one line naming it
        caught_up(runtime, office.slug)
        by = context(args, DELIVERER_ROLE).user_id
        with closing(psycopg.connect(runtime.database_url, autocommit=True)) as conn:
            delivery = delivered_reports.deliver(conn, office, args.year, args.taxonomy_version, by)
        print(
            f"{office.slug}: årsrapporten for {args.year} er registrert som levert {_when(delivery)}: "
            f"revisjonsspor posisjon {delivery.chain_length}, hendelser til og med nr. {delivery.events_through}"
        )
        return 0

    return with_runtime(settings, work)


def reproduced_report(runtime: Any, args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    """The delivered figures recomputed, for stdout; the delivery, the check and what changed since go to stderr.

    Status 1 when the recomputation does not give the figures that were delivered.
    """
    from projections import delivered_reports
    from projections.report.model import labels

    office = runtime.platform.office(args.tenant)
    with closing(psycopg.connect(runtime.database_url, autocommit=True)) as conn:
        found = delivered_reports.as_delivered(conn, office, args.year, args.taxonomy_version)
    if found is None:
        raise DomainError(
            "--as-delivered", f"årsrapporten for {args.year} er ikke merket som levert (`ombud report deliver`)"
        )
    delivery, names = found.delivery, labels(office.profile())

    def say(text: str) -> None:
        print(text, file=sys.stderr)

    say(
        f"levert {_when(delivery)} av {delivery.delivered_by}: revisjonsspor posisjon {delivery.chain_length}, "
        f"hendelser til og med nr. {delivery.events_through}"
    )
    if found.reproduced:
        say("reprodusert: tallene er regnet ut på nytt fra hendelsene og er de samme som ble levert")
    elif not found.chain_holds:
        say(
            f"IKKE REPRODUSERT: revisjonssporet ved posisjon {delivery.chain_length} er ikke det samme som ved "
            "leveringen; kjør `ombud audit verify`"
        )
    else:
        say("IKKE REPRODUSERT: tallene regnet ut fra hendelsene avviker fra de leverte:")
    for change in found.deviations:
        say(f"  {change.name(names)}: levert {_value(change.before)}, regnet ut nå {_value(change.after)}")
    changed = found.changed_since
    say("endret siden levering (levert → nå):" if changed else "ingen tall er endret siden levering")
    for change in changed:
        say(f"  {change.name(names)}: {_value(change.before)} → {_value(change.after)}")
    return found.report, 0 if found.reproduced else 1


def _when(delivery: Delivery) -> str:
    return f"{delivery.delivered_at.astimezone(OSLO):%Y-%m-%d %H:%M}"


def _value(value: object) -> str:
    return "–" if value is None else str(value)
