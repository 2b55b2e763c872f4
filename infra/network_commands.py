"""`ombud network release` and `ombud network report`: the network's releases of finished years, made and read."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from infra.settings import Settings

FORMAT_NAMES = ("json", "csv", "xlsx")


def add_parsers(subcommands: Any, parser_class: type, year: Any, line: Any) -> Any:
    """`ombud network …`; returns the group, for the network's other commands."""
    network = subcommands.add_parser("network", help="ombudsnettverkets statistikk").add_subparsers(
        dest="network_command", required=True, parser_class=parser_class
    )
    report = network.add_parser(
        "report",
        help="den nyeste utgaven av nettverkets tall for hele år, små tall skjult",
        description="Den nyeste utgaven (se «ombud network release») av tallene for kontorene som deler statistikk "
        "med ombudsnettverket, for avsluttede år. Tall fra 1 til terskelen (OMBUD_NETWORK_THRESHOLD, standard 4) og "
        "tall de kan regnes ut fra, vises som «:».",
    )
    report.add_argument("--year", type=year, metavar="ÅR", help="ett avsluttet år, f.eks. 2024")
    report.add_argument("--from", dest="first_year", type=year, metavar="ÅR", help="første år (med --to)")
    report.add_argument("--to", dest="last_year", type=year, metavar="ÅR", help="siste år (med --from)")
    report.add_argument("--format", required=True, type=_format, metavar="FORMAT", help="json, csv eller xlsx")
    report.add_argument(
        "--output", type=line, metavar="FIL", help="filen rapporten skrives til (standard: standard ut; ikke xlsx)"
    )
    report.set_defaults(run="network_commands.run_report")
    release = network.add_parser(
        "release",
        help="ny utgave av nettverkets tall for hvert avsluttede år der tallene er endret",
        description="Lager neste utgave (1, 2, …) av tallene for hvert avsluttede år der tallene, kontorene som deler, "
        "eller terskelen er endret siden forrige utgave; et år uten endring får ingen ny utgave. Nettverket ser bare "
        "utgaver. Hver ny utgave skjules sammen med årets tidligere utgaver, så ingen kombinasjon av publiserte tall "
        "avslører et skjult tall.",
    )
    release.add_argument("--year", type=year, metavar="ÅR", help="bare dette avsluttede året (standard: alle)")
    release.set_defaults(run="network_commands.run_release")
    return network


def run_release(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    import psycopg

    from infra.commands import with_runtime
    from projections.network_releases import make_releases
    from projections.network_report import last_finished_year, require_finished_years

    if args.year is not None:
        require_finished_years(args.year, args.year)  # a year not yet over is refused before any connection

    def work(runtime: Any) -> int:
        with psycopg.connect(runtime.worker_database_url) as conn:
            made = make_releases(
                conn,
                settings.network_threshold,
                last_finished_year(),
                by=args.actor or f"cli:{getpass.getuser()}",
                years=None if args.year is None else [args.year],
            )
        for release in made:
            if release.number is None:
                print(
                    f"{release.year}: ingen ny utgave: et tall som må skjules, kan regnes ut av tall som alt er"
                    " publisert; forrige utgave gjelder til tallene endrer seg"
                )
            else:
                print(f"{release.year}: utgave {release.number}")
        if not made:
            print("ingen endring siden forrige utgave: ingen ny utgave")
        return 0

    return with_runtime(settings, work)


def _format(text: str) -> str:
    if text not in FORMAT_NAMES:
        raise argparse.ArgumentTypeError(f"«{text}» er ikke et filformat; velg json, csv eller xlsx")
    return text


def years_asked(args: argparse.Namespace) -> tuple[int, int] | str:
    """The years from the options, or the one-line complaint."""
    if args.year is not None:
        if args.first_year is not None or args.last_year is not None:
            return "oppgi enten --year eller --from og --to, ikke begge"
        return args.year, args.year
    if args.first_year is None or args.last_year is None:
        return "oppgi --year, eller både --from og --to"
    return args.first_year, args.last_year


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from infra.commands import with_runtime, write_output
    from projections.network_report import require_finished_years
    from projections.network_report_files import FORMATS

    asked = years_asked(args)
    if isinstance(asked, str):
        print(f"ombud: feil: {asked}", file=sys.stderr)
        return 2
    if args.format == "xlsx" and not args.output:
        print("ombud: feil: --output: må oppgis for xlsx", file=sys.stderr)
        return 2
    require_finished_years(*asked)  # before any connection: a year not yet over is refused at once

    def work(runtime: Any) -> int:
        report = asyncio.run(_report(runtime.database_url, settings.network_threshold, *asked))
        written = FORMATS[args.format](report)
        if args.output:
            write_output(args.output, written)
            print(f"skrev {args.output}")
        else:
            sys.stdout.write(written.decode("utf-8-sig"))
        return 0

    return with_runtime(settings, work)


async def _report(database_url: str, threshold: int, first: int, last: int) -> dict[str, Any]:
    import asyncpg

    from projections.network_report import NetworkReports

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        return await NetworkReports(pool, threshold).report(first, last)
    finally:
        await pool.close()
