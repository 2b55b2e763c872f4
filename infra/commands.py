"""What each `ombud` command does: open the runtime, call a service, print the outcome."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import getpass
import json
import sys
import uuid
from collections.abc import Callable
from typing import Any

from domain.common import Context, DomainError, today_in_norway
from infra.settings import Settings


def write_output(path: str, data: bytes) -> None:
    """Writes a command's --output file; a path that can't be written is one Norwegian line, not a traceback."""
    from pathlib import Path

    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise DomainError("output", f"kan ikke skrive {path} ({error.strerror or type(error).__name__})") from None


def context(args: argparse.Namespace, role: str) -> Context:
    return Context(args.actor or f"cli:{getpass.getuser()}", role, str(uuid.uuid4()))


def with_runtime(settings: Settings, work: Callable[[Any], int], *, migrating: bool = False) -> int:
    from infra.runtime import open_runtime

    with open_runtime(settings, migrating=migrating) as runtime:
        return work(runtime)


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    return with_runtime(
        settings, lambda runtime: print(f"skjemaet er oppdatert ({runtime.database_label})") or 0, migrating=True
    )


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Loads the demo and serves it; the console shows progress, where to sign in, and errors, nothing else."""
    import logging
    import threading

    from infra.directory import PostgresAccountDirectory
    from services.demo import create_demo_accounts, load_demo, sign_in_guide

    def work(runtime: Any) -> int:
        signer = None if args.no_serve else runtime.signer  # a missing signing key is said before the loading
        say("Laster inn demokommunene …")
        load_demo(runtime.platform, context(args, "platform_admin"), progress=lambda line: say(f"  {line}"))
        create_demo_accounts(PostgresAccountDirectory(runtime.datastore))
        if args.no_serve:
            say("Demodataene er lastet inn.")
            return 0
        say("Bygger lesemodellene og starter webserveren …")
        # One process for the demo: the projection worker runs beside the web server, its per-batch lines unshown.
        logging.getLogger("projections.worker").setLevel(logging.WARNING)
        worker = runtime.projection_worker()
        worker.sign_checkpoints_with(signer)
        worker.catch_up_all()
        worker.keep_audit_chains(now=True)
        worker.network_releases_once_a_day()  # the demo's finished years, released before the first page
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(stop,), name="projection-worker", daemon=True)
        thread.start()
        address = f"http://{args.host}:{args.port}"
        try:
            return serve(runtime, args.host, args.port, ready=lambda: say(sign_in_guide(address)))
        finally:
            stop.set()
            thread.join(timeout=10)
            worker.close()

    say("Starter demoen …")
    try:
        return with_runtime(settings, work)
    except KeyboardInterrupt:  # Ctrl-C: everything is closed and the embedded servers stopped by now
        print("ombud demo: avbrutt", file=sys.stderr)
        return 130


def say(text: str) -> None:
    """One line (or several) for the person at the console, shown at once even when the output is a pipe."""
    print(text, flush=True)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    return with_runtime(settings, lambda runtime: serve(runtime, args.host, args.port, args.workers))


def serve(runtime: Any, host: str, port: int, workers: int = 1, ready: Callable[[], None] | None = None) -> int:
    """One process serves from this runtime; several are uvicorn workers that each open their own (infra/asgi.py).
    `ready` (one process only) is called once the server answers."""
    import os
    import threading
    import time

    import psycopg
    import uvicorn

    from projections.safe_login import refuse_unsafe_login_sync

    with psycopg.connect(runtime.database_url) as conn, conn.cursor() as cursor:
        refuse_unsafe_login_sync(cursor)  # one line before uvicorn starts; the app checks again at startup
    if ready is None:
        print(f"ombud kjører på http://{host}:{port}/")
    # uvicorn would trust X-Forwarded-For from 127.0.0.1 by itself; the app reads it only from OMBUD_TRUSTED_PROXIES.
    quiet: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        "proxy_headers": False,
        "forwarded_allow_ips": "",
    }
    if workers == 1:
        server = uvicorn.Server(uvicorn.Config(runtime.web_app(), host=host, port=port, **quiet))

        def announce() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if server.started and ready is not None:
                ready()

        threading.Thread(target=announce, name="announce-ready", daemon=True).start()
        with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run: Ctrl-C ends the server quietly
            server.run()
        return 0 if server.started else 3  # uvicorn's status when the server never started
    os.environ.update(runtime.environment_for_workers())  # the workers use this runtime's servers and key
    uvicorn.run("infra.asgi:create", factory=True, workers=workers, host=host, port=port, **quiet)
    return 0


def run_worker(args: argparse.Namespace, settings: Settings) -> int:
    import logging
    import signal
    import threading

    def work(runtime: Any) -> int:
        worker = runtime.projection_worker(rotates_keys=True, delivers_archive=True)  # refuses an unsafe login first
        try:
            worker.sign_checkpoints_with(runtime.signer)
            if args.once:
                for slug, applied in worker.catch_up_all().items():
                    print(f"{slug}: {applied} hendelser")
                for quarantined in worker.quarantined():  # one line each, no personal data (docs/security.md)
                    print(f"{quarantined.tenant_id}: {quarantined.explanation()}")
                broken = [verdict for verdict in worker.keep_audit_chains(now=True) if not verdict.holds]
                for verdict in broken:  # positions and tables only (docs/audit.md)
                    print(f"{verdict.scope}: revisjonssporet holder ikke ved posisjon {verdict.broken.position}")
                return 1 if broken else 0
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            print("prosjekteringen kjører; Ctrl-C stopper")
            with contextlib.suppress(KeyboardInterrupt):
                worker.run(stop)
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
    from projections.worker import PROJECTIONS, ProjectionSetAside

    def work(runtime: Any) -> int:
        slugs = [runtime.platform.office(args.tenant).slug] if args.tenant else runtime.platform.slugs()
        worker = runtime.projection_worker()
        status = 0
        try:
            for slug in slugs:
                for name in [args.projection] if args.projection else list(PROJECTIONS):
                    try:
                        applied = worker.rebuild(slug, name, progress=ProgressBar(f"{slug} {name}"))
                    except ProjectionSetAside as set_aside:  # the old rows stay; the other tenants go on
                        print(f"{slug}: {set_aside}; lesemodellen er ikke bygget på nytt", file=sys.stderr)
                        status = 1
                        continue
                    print(f"{slug}: {name} bygget på nytt fra {applied} hendelser")
        finally:
            worker.close()
        return status

    return with_runtime(settings, work)


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from projections.report.files import DOCUMENTS, render

    def work(runtime: Any) -> int:
        profile = runtime.platform.office(args.tenant).profile()
        if args.taxonomy_version is not None:
            profile.taxonomy(args.taxonomy_version)
        caught_up(runtime, args.tenant)
        if args.as_delivered:
            from infra.delivery_commands import reproduced_report

            report, status = reproduced_report(runtime, args)
        else:
            report, status = asyncio.run(_report(runtime.database_url, profile, args)), 0
        if args.format in DOCUMENTS:
            if not args.output:
                print(f"ombud: feil: --output: må oppgis for {args.format}", file=sys.stderr)
                return 1
            history = asyncio.run(_history(runtime.database_url, profile, args))
            write_output(args.output, render(args.format, report, profile, history))
        elif args.output:
            write_output(args.output, render(args.format, report, profile))
        else:
            sys.stdout.write(render(args.format, report, profile).decode())
        if args.output:
            print(f"skrev {args.output}")
        return status

    return with_runtime(settings, work)


def caught_up(runtime: Any, slug: str) -> None:
    """The tenant's read models take in every event stored so far: a report then counts them all."""

    worker = runtime.projection_worker()
    try:
        worker.catch_up(slug)
    finally:
        worker.close()


async def _history(database_url: str, profile: Any, args: argparse.Namespace) -> dict[str, Any]:
    """The year before and every year's total, which the XLSX and DOCX set beside the year's figures."""
    import asyncpg

    from projections.annual_report import report_history
    from projections.reading import tenant_transaction

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, profile.slug) as conn:
            return await report_history(conn, profile, args.year, args.taxonomy_version)
    finally:
        await pool.close()


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


def run_tenant_share_statistics(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        shares = args.choice == "on"
        runtime.platform.set_statistics_sharing(context(args, "platform_admin"), args.slug, shares)
        name = runtime.platform.office(args.slug).profile().name
        print(
            f"{name} deler nå statistikk med nettverket."
            if shares
            else f"{name} deler ikke lenger statistikk med nettverket."
        )
        return 0

    return with_runtime(settings, work)


def run_user_create(args: argparse.Namespace, settings: Settings) -> int:
    from infra.directory import PostgresAccountDirectory
    from services.accounts import create_account

    password = sys.stdin.readline().rstrip("\r\n")

    def work(runtime: Any) -> int:
        account = create_account(
            PostgresAccountDirectory(runtime.datastore),
            email=args.email,
            role=args.role,
            tenant=args.tenant,
            password=password,
            by=context(args, "platform_admin"),
            display_name=args.name,
        )
        print(f"opprettet konto {account.email} ({account.role}{', ' + account.tenant if account.tenant else ''})")
        return 0

    return with_runtime(settings, work)


def run_user_name(args: argparse.Namespace, settings: Settings) -> int:
    from infra.directory import PostgresAccountDirectory
    from services.accounts import NameAccountByEmail, name_account_by_email

    def work(runtime: Any) -> int:
        command = NameAccountByEmail(email=args.email, display_name=args.name)
        name_account_by_email(PostgresAccountDirectory(runtime.datastore), context(args, "platform_admin"), command)
        print("navnet er fjernet; e-postadressen vises i stedet" if command.removes_name else "navnet er satt")
        return 0

    return with_runtime(settings, work)


def run_user_reset_password(args: argparse.Namespace, settings: Settings) -> int:
    from infra.directory import PostgresAccountDirectory
    from services.accounts import ResetPassword, reset_password

    password = sys.stdin.readline().rstrip("\r\n")

    def work(runtime: Any) -> int:
        command = ResetPassword(email=args.email, password=password)
        reset_password(PostgresAccountDirectory(runtime.datastore), context(args, "platform_admin"), command)
        print("nytt passord er satt; kontoen er logget ut overalt")
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
    from services.case_commands import ReceiveInquiry, build

    def work(runtime: Any) -> int:
        given = {**vars(args), "further_areas": args.further_area, "case_types": args.case_type}
        command = build(ReceiveInquiry, given, received_on=args.received_on or today_in_norway())
        receipt = runtime.platform.office(args.tenant).handle(context(args, "caseworker"), command)
        print(f"{receipt.reference} {receipt.id}")
        return 0

    return with_runtime(settings, work)


def run_verb(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        command = args.case_command.build(args.inquiry, args.on or today_in_norway(), args.expected_version, vars(args))
        version = office.handle(context(args, "caseworker"), command)
        print(f"{args.inquiry} er nå versjon {version}")
        return 0

    return with_runtime(settings, work)


def run_attach(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from services.case_commands import AttachFile

    path = Path(args.file)
    limits = settings.attachment_limits
    try:
        if path.stat().st_size > limits.max_bytes:
            raise DomainError(
                "file", f"«{path.name}» er større enn {limits.max_bytes} byte, som er det høyeste tillatte"
            )
        data = path.read_bytes()
    except OSError as error:
        raise DomainError("file", f"kan ikke lese {path.name} ({error.strerror or type(error).__name__})") from None

    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        command = AttachFile(
            inquiry=args.inquiry,
            title=args.title,
            filename=path.name,
            data=data,
            max_bytes=limits.max_bytes,
            per_inquiry=limits.per_inquiry,
        )
        attachment = office.handle(context(args, INQUIRY_ROLE), command)
        print(f"{args.inquiry}: vedlegg {attachment} lagt ved; det kan lastes ned når viruskontrollen har godkjent det")
        return 0

    return with_runtime(settings, work)


# The inquiry commands act as a caseworker (run_receive, run_verb); so do their reads, in the access log.
INQUIRY_ROLE = "caseworker"


def record_cli_read(
    runtime: Any, args: argparse.Namespace, office: Any, inquiry_id: uuid.UUID, *, role: str = INQUIRY_ROLE
) -> None:
    """The command line's read of an inquiry, committed before anything is printed: no record, no data."""
    import asyncio

    asyncio.run(
        _read_pool(
            runtime.database_url,
            lambda pool: _record_cli_read(
                pool, args, office.slug, inquiry_id, role, written=runtime.access_records_written
            ),
        )
    )


async def _read_pool(database_url: str, work: Callable[[Any], Any]) -> Any:
    import asyncpg

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        return await work(pool)
    finally:
        await pool.close()


async def _record_cli_read(
    pool: Any,
    args: argparse.Namespace,
    slug: str,
    inquiry_id: uuid.UUID,
    role: str = INQUIRY_ROLE,
    *,
    written: Any = None,
) -> None:
    from services.audit.access_log import record_access

    ctx = context(args, role)
    await record_access(
        pool,
        slug,
        account_id=ctx.user_id,
        role=ctx.role,
        inquiry_id=inquiry_id,
        purpose=args.purpose,
        channel="cli",
        written=written,
    )


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        view = office.inquiry(args.inquiry)
        record_cli_read(runtime, args, office, view.id)
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
        office = runtime.platform.office(args.tenant)
        entries = office.history(args.inquiry)
        record_cli_read(runtime, args, office, office.inquiry_id(args.inquiry))
        if args.json:
            print(json.dumps([dataclasses.asdict(e) for e in entries], ensure_ascii=False, indent=2, default=str))
            return 0
        for e in entries:
            details = ", ".join(f"{k}={v}" for k, v in e.details.items())
            print(
                f"{e.version:>3} {e.on} {e.event:<17} {e.actor_id} ({e.actor_role}) "
                f"registrert {e.recorded_at:%Y-%m-%d %H:%M:%S} {details}"
            )
        return 0

    return with_runtime(settings, work)


def run_access_report(args: argparse.Namespace, settings: Settings) -> int:

    from services.audit.access_letter import as_docx
    from services.letters import Letters

    if args.format in ("docx", "pdf") and not args.output:
        print(f"ombud: feil: --output: må oppgis for {args.format}", file=sys.stderr)
        return 1

    def work(runtime: Any) -> int:
        import asyncio

        office = runtime.platform.office(args.tenant)
        inquiry_id = office.inquiry_id(args.inquiry)
        report = asyncio.run(
            _read_pool(
                runtime.database_url,
                lambda pool: _access_report(pool, args, office.slug, inquiry_id, runtime.access_records_written),
            )
        )
        if args.format in ("docx", "pdf"):
            from services.pdfa import to_pdfa

            docx = as_docx(report, Letters(office).paper())
            write_output(args.output, to_pdfa(docx, ".docx") if args.format == "pdf" else docx)
        else:
            text = json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"
            if not args.output:
                sys.stdout.write(text)
                return 0
            write_output(args.output, text.encode("utf-8"))
        print(f"skrev {args.output}")
        return 0

    return with_runtime(settings, work)


async def _access_report(
    pool: Any, args: argparse.Namespace, slug: str, inquiry_id: uuid.UUID, written: Any = None
) -> Any:
    """The report is a read of the inquiry too: recorded first, so it lists itself."""
    from projections.reading import tenant_transaction
    from services.audit.access_report import access_report

    await _record_cli_read(pool, args, slug, inquiry_id, written=written)
    async with tenant_transaction(pool, slug) as conn:
        return await access_report(conn, args.inquiry, inquiry_id)


def run_hold(args: argparse.Namespace, settings: Settings) -> int:
    from services.retention import LiftLegalHold, PlaceLegalHold, Retention

    def work(runtime: Any) -> int:
        service = Retention(runtime.platform.office(args.tenant))
        on = args.on or today_in_norway()
        if args.lift:
            service.lift_hold(context(args, "tenant_admin"), LiftLegalHold(args.inquiry, on))
            print(f"{args.inquiry}: tilbakeholdet er opphevet")
        else:
            service.place_hold(context(args, "tenant_admin"), PlaceLegalHold(args.inquiry, on, args.reason))
            print(f"{args.inquiry}: holdt tilbake fra sletting")
        return 0

    return with_runtime(settings, work)


def run_retention_set(args: argparse.Namespace, settings: Settings) -> int:
    from services.retention import Retention, SetRetention

    def work(runtime: Any) -> int:
        service = Retention(runtime.platform.office(args.tenant))
        service.set_years(context(args, "tenant_admin"), SetRetention(args.years, today_in_norway()))
        print(f"{args.tenant}: " + ("kassasjon er av" if args.years is None else f"kassasjon etter {args.years} år"))
        return 0

    return with_runtime(settings, work)


def run_retention(args: argparse.Namespace, settings: Settings) -> int:
    """One line per inquiry (its reference only) and a count; a dry run writes nothing."""
    from services.retention import run_tenants

    def work(runtime: Any) -> int:
        tenants = None if args.tenant is None else [args.tenant]
        done = run_tenants(
            runtime.platform, context(args, "system"), today_in_norway(), tenants=tenants, dry_run=args.dry_run
        )
        for slug, references in done.items():
            for reference in references:
                print(f"{slug} {reference}")
        count = sum(len(references) for references in done.values())
        print(f"{count} henvendelser " + ("ville blitt slettet" if args.dry_run else "slettet"))
        return 0

    return with_runtime(settings, work)


def run_erase(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime

    from infra.key_commands import norwegian_time
    from services.case_commands import EraseInquiry

    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        office.handle(
            context(args, "tenant_admin"),
            EraseInquiry(args.inquiry, args.on or today_in_norway(), args.reason, args.outcome),
        )
        irreversible = norwegian_time(runtime.platform.irreversible_at(datetime.now(UTC)))
        print(f"{args.inquiry}: personopplysningene er slettet for godt")
        print(
            f"Fra {irreversible} kan slettingen ikke lenger omgjøres fra noen sikkerhetskopi, WAL eller replika"
            " (nøkkelepoken er da destruert)"
        )
        return 0

    return with_runtime(settings, work)


# The auditor's commands act as an auditor, in the events they read and in the access log.
AUDIT_ROLE = "auditor"


def run_audit_replay(args: argparse.Namespace, settings: Settings) -> int:
    """One step of the inquiry's history, recorded as the auditor's read (purpose kontroll) before it is printed."""
    from domain.common import InvalidField
    from domain.replay import last_instant
    from projections.report.model import labels
    from services.replay import as_json, replay

    def work(runtime: Any) -> int:
        office = runtime.platform.office(args.tenant)
        history = replay(office, args.inquiry)
        if isinstance(args.at, int):
            step = history.at_version(args.at, field="--at")
        elif args.business_date:
            day, minute = args.at
            if minute is not None:
                raise InvalidField("--at", "med --business-date gjelder --at en dato uten klokkeslett")
            step = history.on(day, field="--at")
        else:
            step = history.at(last_instant(*args.at), field="--at")
        record_cli_read(runtime, args, office, history.inquiry_id, role=AUDIT_ROLE)
        if args.format == "json":
            print(json.dumps(as_json(history, step), ensure_ascii=False, indent=2))
        else:
            _print_step(history, step, labels(office.profile()))
        return 0

    return with_runtime(settings, work)


def _print_step(history: Any, step: Any, names: dict[str, str]) -> None:
    from domain.replay import STATE_FIELDS, shown

    print(f"Henvendelse {history.reference}, versjon {step.version} av {history.latest}: {step.event_name}")
    print(f"Utført av   {step.entry.actor_id} ({step.role_name})")
    print(f"Dato        {step.entry.on:%d.%m.%Y}")
    print(f"Registrert  {step.recorded_at:%d.%m.%Y kl. %H.%M.%S} (norsk tid)")
    print()
    print("Endret i dette steget:")
    for change in step.changes:
        before, after = (shown(change.field, value, names) for value in (change.before, change.after))
        print(f"  {STATE_FIELDS[change.field]}: {before} → {after}")
    if not step.changes:
        print("  ingen felt i saken endret seg")
    print()
    print("Slik henvendelsen sto:")
    for field, value in step.fields().items():
        print(f"  {STATE_FIELDS[field]:<28} {shown(field, value, names)}")
