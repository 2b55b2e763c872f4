"""The `ombud` command: operate the platform and record case work from a terminal."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, NoReturn

from domain.common import Context, DomainError, today_in_norway
from domain.inquiry import (
    CHANNELS,
    COMPLAINT_OUTCOMES,
    COMPLAINT_RECIPIENTS,
    FORWARD_BODIES,
    MEETING_PARTICIPANTS,
    REQUESTER_ROLES,
    RESOLUTION_OUTCOMES,
)
from domain.outreach import KINDS as OUTREACH_KINDS
from domain.taxonomy import DEFAULT_TEMPLATE, TEMPLATES
from infra.settings import Settings, SettingsError
from services.keys import MasterKeyError


class OneLineParser(argparse.ArgumentParser):
    """Bad input gives one line naming the field, and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: feil: {message}\n")


def parse_date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"ugyldig dato «{text}» (bruk ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)")


def non_negative_int(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"må være et heltall som ikke er negativt, var «{text}»")
    return int(text)


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="ombud", description="Saks- og statistikkplattform for kommuneombud.")
    parser.add_argument("--actor", default=None, help="hvem som utfører handlingen (standard: brukernavnet ditt)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    demo = commands.add_parser("demo", help="start med demodata (drammen, trondheim, fredrikstad)")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=non_negative_int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="bare last inn demodata, ikke start webserveren")
    demo.set_defaults(run=run_demo)

    serve = commands.add_parser("serve", help="start webserveren")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=non_negative_int, default=8000)
    serve.set_defaults(run=run_serve)

    worker = commands.add_parser("worker", help="hold lesemodellene oppdatert fra hendelsene")
    worker.add_argument("--once", action="store_true", help="ta igjen alle kommuner én gang og avslutt")
    worker.set_defaults(run=run_worker)

    importing = commands.add_parser("import", help="importer en sakslogg (CSV) for en kommune")
    importing.add_argument("--tenant", required=True)
    importing.add_argument("file", help="CSV med overskrift; komma eller semikolon; UTF-8")
    importing.set_defaults(run=run_import)

    outreach = commands.add_parser("outreach", help="utadrettet virksomhet").add_subparsers(
        dest="outreach_command", required=True, parser_class=OneLineParser
    )
    register = outreach.add_parser("register", help="registrer et informasjonsmøte, foredrag, kurs …")
    register.add_argument("--tenant", required=True)
    register.add_argument("--held-on", type=parse_date, required=True)
    register.add_argument("--kind", required=True, choices=OUTREACH_KINDS)
    register.add_argument("--title", required=True)
    register.add_argument("--audience", required=True)
    register.add_argument("--participants", type=non_negative_int)
    register.set_defaults(run=run_outreach_register)

    projections = commands.add_parser("projections", help="lesemodeller").add_subparsers(
        dest="projections_command", required=True, parser_class=OneLineParser
    )
    rebuild = projections.add_parser("rebuild", help="bygg lesemodeller på nytt fra første hendelse")
    rebuild.add_argument("--tenant", help="bare denne kommunen (standard: alle)")
    rebuild.add_argument("--projection", choices=["case_list", "outreach"], help="bare denne (standard: alle)")
    rebuild.set_defaults(run=run_rebuild)

    report = commands.add_parser("report", help="rapporter").add_subparsers(
        dest="report_command", required=True, parser_class=OneLineParser
    )
    annual = report.add_parser("annual", help="årsrapportens tall for én kommune og ett år")
    annual.add_argument("--tenant", required=True)
    annual.add_argument("--year", required=True, type=non_negative_int)
    annual.set_defaults(run=run_report, kind="annual")
    years = report.add_parser("years", help="tall per tjenesteområde og år (år-mot-år-tabell)")
    years.add_argument("--tenant", required=True)
    years.add_argument("--from", dest="first_year", required=True, type=non_negative_int)
    years.add_argument("--to", dest="last_year", required=True, type=non_negative_int)
    years.set_defaults(run=run_report, kind="years")
    for sub in (annual, years):
        sub.add_argument("--taxonomy-version", type=non_negative_int,
                         help="projiser alle tall under denne taksonomiversjonen (standard: den som gjaldt ved mottak)")
        sub.add_argument("--format", choices=["json", "csv", "xlsx", "docx"] if sub is annual else ["json", "csv"],
                         default="json")
        sub.add_argument("--output", help="fil å skrive til (standard: skjermen)")

    migrate = commands.add_parser("migrate", help="opprett eller oppgrader skjema og databaseroller")
    migrate.set_defaults(run=run_migrate)

    tenant = commands.add_parser("tenant", help="kommuner på plattformen").add_subparsers(
        dest="tenant_command", required=True, parser_class=OneLineParser
    )
    create = tenant.add_parser("create", help="opprett en kommune")
    create.add_argument("slug")
    create.add_argument("--name", required=True)
    create.add_argument("--population", type=non_negative_int)
    create.add_argument("--template", choices=sorted(TEMPLATES), default=DEFAULT_TEMPLATE,
                        help="tjenesteområder å starte med")
    create.add_argument("--no-share-statistics", action="store_true",
                        help="del ikke anonymisert statistikk med ombudsnettverket")
    create.set_defaults(run=run_tenant_create)
    listing = tenant.add_parser("list", help="list kommunene")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=run_tenant_list)

    inquiry = commands.add_parser("inquiry", help="henvendelser").add_subparsers(
        dest="inquiry_command", required=True, parser_class=OneLineParser
    )
    receive = inquiry.add_parser("receive", help="registrer en ny henvendelse")
    receive.add_argument("--tenant", required=True)
    receive.add_argument("--received-on", type=parse_date, default=None, help="mottatt dato (standard: i dag)")
    receive.add_argument("--reference", help="saksnummer (standard: neste ledige for året)")
    receive.add_argument("--channel", required=True, choices=CHANNELS)
    receive.add_argument("--requester-role", required=True, choices=REQUESTER_ROLES)
    receive.add_argument("--service-area", required=True, help="kode eller navn i kommunens taksonomi")
    receive.add_argument("--further-area", action="append", default=[], help="flere berørte områder")
    receive.add_argument("--case-type", action="append", default=[])
    receive.add_argument("--outside-mandate", action="store_true")
    receive.add_argument("--summary", required=True)
    receive.add_argument("--requester-name")
    receive.add_argument("--contact")
    receive.set_defaults(run=run_receive)

    for name, helptext, run in (("show", "vis en henvendelse", run_show), ("history", "alle hendelser i rekkefølge", run_history)):
        sub = inquiry.add_parser(name, help=helptext)
        sub.add_argument("--tenant", required=True)
        sub.add_argument("inquiry", help="saksnummer eller id")
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(run=run)

    def verb(name: str, helptext: str, method: str, **arguments: dict[str, Any]) -> None:
        sub = inquiry.add_parser(name, help=helptext)
        sub.add_argument("--tenant", required=True)
        sub.add_argument("inquiry", help="saksnummer eller id")
        sub.add_argument("--on", type=parse_date, default=None, help="dato (standard: i dag)")
        sub.add_argument("--expected-version", type=non_negative_int,
                         help="avvis endringen hvis noen andre har endret saken etter denne versjonen")
        for flag, options in arguments.items():
            sub.add_argument("--" + flag.replace("_", "-"), dest=flag, **options)
        sub.set_defaults(run=run_verb, method=method, fields=list(arguments))

    verb("assign", "tildel saksbehandler", "assign", assignee={"required": True})
    verb("recategorise", "endre område og sakstyper", "recategorise",
         service_area={"required": True}, further_areas={"action": "append", "default": []},
         case_types={"action": "append", "default": []}, outside_mandate={"action": "store_true"})
    verb("interim-reply", "foreløpig svar sendt (fvl. § 11 a)", "send_interim_reply")
    verb("forward", "videresend til et annet organ", "forward",
         to_body={"required": True, "choices": FORWARD_BODIES}, reason={"required": True})
    verb("meeting", "møte holdt", "hold_meeting",
         participants={"action": "append", "required": True, "choices": MEETING_PARTICIPANTS})
    verb("complaint", "klage sendt", "send_complaint",
         to={"required": True, "choices": COMPLAINT_RECIPIENTS}, about={"required": True})
    verb("decide", "klage avgjort", "decide_complaint", outcome={"required": True, "choices": COMPLAINT_OUTCOMES})
    verb("note", "legg til notat", "add_note", text={"required": True})
    verb("resolve", "avslutt henvendelsen", "resolve", outcome={"required": True, "choices": RESOLUTION_OUTCOMES})
    verb("reopen", "gjenåpne en avsluttet henvendelse", "reopen", reason={"required": True})
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environment()
        return args.run(args, settings)
    except (DomainError, SettingsError, MasterKeyError) as error:
        print(f"ombud: feil: {error}", file=sys.stderr)
        return 1


def context(args: argparse.Namespace, role: str) -> Context:
    return Context(args.actor or f"cli:{getpass.getuser()}", role, str(uuid.uuid4()))


def with_runtime(settings: Settings, work: Callable[[Any], int]) -> int:
    from infra.runtime import open_runtime

    with open_runtime(settings) as runtime:
        return work(runtime)


# -- commands -------------------------------------------------------------------------------


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    return with_runtime(settings, lambda runtime: print(f"skjemaet er oppdatert ({runtime.database_label})") or 0)


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    from services.demo import load_demo

    def work(runtime: Any) -> int:
        load_demo(runtime.platform, context(args, "platform_admin"), progress=print)
        if not args.no_serve:
            return serve(runtime, args.host, args.port)
        return 0

    return with_runtime(settings, work)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    return with_runtime(settings, lambda runtime: serve(runtime, args.host, args.port))


def serve(runtime: Any, host: str, port: int) -> int:
    import uvicorn

    from web.app import create_app

    print(f"ombud kjører på http://{host}:{port}/")
    app = create_app(runtime.platform, runtime.database_url, runtime.redis_url)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    import logging
    import signal
    import threading

    from projections.worker import ProjectionWorker

    def work(runtime: Any) -> int:
        worker = ProjectionWorker(runtime.platform, runtime.database_url)
        try:
            if args.once:
                for slug, applied in worker.catch_up_all().items():
                    print(f"{slug}: {applied} hendelser")
                return 0
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            print("prosjekteringen kjører; Ctrl-C stopper")
            try:
                worker.run(stop)
            except KeyboardInterrupt:
                pass
            return 0
        finally:
            worker.close()

    return with_runtime(settings, work)


def run_outreach_register(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        activity = runtime.platform.office(args.tenant).register_outreach(
            context(args, "caseworker"),
            held_on=args.held_on,
            kind=args.kind,
            title=args.title,
            audience=args.audience,
            participants=args.participants,
        )
        print(f"registrerte {activity}")
        return 0

    return with_runtime(settings, work)


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from infra.progress import ProgressBar
    from services.importing import ImportRejected, import_case_log

    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(f"ombud: feil: file: kan ikke lese {args.file} ({error.strerror})", file=sys.stderr)
        return 1

    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        try:
            result = import_case_log(office, context(args, "caseworker"), data, progress=ProgressBar("import"))
        except ImportRejected as rejected:
            print(f"ombud: feil: ingenting er importert ({len(rejected.problems)} feil):", file=sys.stderr)
            for problem in rejected.problems[:50]:
                print(f"  {problem}", file=sys.stderr)
            return 1
        print(f"importerte {result.imported} henvendelser; {result.already_present} fantes fra før")
        return 0

    return with_runtime(settings, work)


def run_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    from infra.progress import ProgressBar
    from projections.worker import PROJECTIONS, ProjectionWorker

    def work(runtime: Any) -> int:
        slugs = [runtime.platform.office(args.tenant).slug] if args.tenant else runtime.platform.slugs()
        worker = ProjectionWorker(runtime.platform, runtime.database_url)
        try:
            for slug in slugs:
                for name in [args.projection] if args.projection else list(PROJECTIONS):
                    applied = worker.rebuild(slug, name, progress=ProgressBar(f"{slug} {name}"))
                    print(f"{slug}: {name} bygget på nytt fra {applied} hendelser")
        finally:
            worker.close()
        return 0

    return with_runtime(settings, work)


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    from pathlib import Path

    from projections.report_documents import as_docx, as_xlsx
    from projections.report_formats import FORMATS
    from projections.worker import ProjectionWorker

    DOCUMENTS = {"xlsx": as_xlsx, "docx": as_docx}  # noqa: N806

    def work(runtime: Any) -> int:
        profile = runtime.platform.office(args.tenant).profile()
        if args.taxonomy_version is not None:
            profile.taxonomy(args.taxonomy_version)
        worker = ProjectionWorker(runtime.platform, runtime.database_url)
        try:
            worker.catch_up(args.tenant)
        finally:
            worker.close()
        report = asyncio.run(_report(runtime.database_url, profile, args))
        if args.format in DOCUMENTS:
            if not args.output:
                print(f"ombud: feil: --output: må oppgis for {args.format}", file=sys.stderr)
                return 1
            Path(args.output).write_bytes(DOCUMENTS[args.format](report, profile))
        elif args.output:
            Path(args.output).write_text(FORMATS[args.format](report), encoding="utf-8")
        else:
            sys.stdout.write(FORMATS[args.format](report))
        if args.output:
            print(f"skrev {args.output}")
        return 0

    return with_runtime(settings, work)


async def _report(database_url: str, profile: Any, args: argparse.Namespace) -> dict[str, Any]:
    import asyncpg

    from projections.annual_report import annual_report, year_over_year
    from projections.reading import tenant_transaction

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, profile.slug) as conn:
            if args.kind == "years":
                return await year_over_year(conn, profile, args.first_year, args.last_year, args.taxonomy_version)
            return await annual_report(conn, profile, args.year, args.taxonomy_version)
    finally:
        await pool.close()


def run_tenant_create(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        runtime.platform.create_tenant(
            context(args, "platform_admin"),
            slug=args.slug,
            name=args.name,
            population=args.population,
            shares_statistics=not args.no_share_statistics,
            template=args.template,
        )
        print(f"opprettet {args.slug}")
        return 0

    return with_runtime(settings, work)


def run_tenant_list(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        rows = [
            {"slug": t.slug, "name": t.name, "population": t.population, "shares_statistics": t.shares_statistics}
            for t in runtime.platform.tenants()
        ]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        for row in [] if args.json else rows:
            print(f"{row['slug']:<20} {row['name']:<30} {row['population'] or '':>8}")
        return 0

    return with_runtime(settings, work)


def run_receive(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        receipt = runtime.platform.office(args.tenant).receive(
            context(args, "caseworker"),
            reference=args.reference,
            received_on=args.received_on or today_in_norway(),
            channel=args.channel,
            requester_role=args.requester_role,
            service_area=args.service_area,
            further_areas=args.further_area,
            case_types=args.case_type,
            outside_mandate=args.outside_mandate,
            summary=args.summary,
            requester_name=args.requester_name,
            contact=args.contact,
        )
        print(f"{receipt.reference} {receipt.id}")
        return 0

    return with_runtime(settings, work)


def run_verb(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        fields = {name: getattr(args, name) for name in args.fields}
        version = getattr(office, args.method)(
            context(args, "caseworker"),
            args.inquiry,
            on=args.on or today_in_norway(),
            expected_version=args.expected_version,
            **fields,
        )
        print(f"{args.inquiry} er nå versjon {version}")
        return 0

    return with_runtime(settings, work)


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        view = runtime.platform.office(args.tenant).inquiry(args.inquiry)
        data = dataclasses.asdict(view)
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            for key, value in data.items():
                print(f"{key:<18} {value}")
        return 0

    return with_runtime(settings, work)


def run_history(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        entries = runtime.platform.office(args.tenant).history(args.inquiry)
        if args.json:
            print(json.dumps([dataclasses.asdict(e) for e in entries], ensure_ascii=False, indent=2, default=str))
            return 0
        for e in entries:
            details = ", ".join(f"{k}={v}" for k, v in e.details.items())
            print(f"{e.version:>3} {e.on} {e.event:<17} {e.actor_id} ({e.actor_role}) "
                  f"registrert {e.recorded_at:%Y-%m-%d %H:%M:%S} {details}")
        return 0

    return with_runtime(settings, work)


if __name__ == "__main__":
    sys.exit(main())
