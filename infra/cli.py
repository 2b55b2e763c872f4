"""The `ombud` command line: its commands, their arguments, and one-line errors naming the field."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from domain import parsing, retention
from domain.access_records import AUDIT_PURPOSE, CLI_PURPOSE
from domain.account import MAX_DISPLAY_NAME, STAFF_ROLES, require_display_name
from domain.common import DomainError, InvalidField
from domain.inquiry import (
    CHANNELS,
    COMPLAINT_OUTCOMES,
    COMPLAINT_RECIPIENTS,
    FORWARD_BODIES,
    MAX_ERASURE_REASON,
    MEETING_PARTICIPANTS,
    REQUESTER_ROLES,
    RESOLUTION_OUTCOMES,
)
from domain.outreach import KINDS as OUTREACH_KINDS
from domain.taxonomy import DEFAULT_TEMPLATE, TEMPLATES
from infra import key_commands, network_commands
from infra.cli_parser import OneLineParser
from infra.settings import Settings, SettingsError
from services.case_commands import (
    AddNote,
    Assign,
    CaseCommand,
    DecideComplaint,
    Forward,
    HoldMeeting,
    NotAllowed,
    Recategorise,
    Reopen,
    Resolve,
    SendComplaint,
    SendInterimReply,
)

T = TypeVar("T")

ERASE_HELP = (
    "slett personopplysningene i en henvendelse for godt (navn, kontakt, sammendrag, notater, begrunnelser): "
    "nøkkelen destrueres, statistikken består; kan ikke angres"
)
ERASE_REASON_HELP = (
    f"grunnlaget for slettingen, høyst {MAX_ERASURE_REASON} tegn, f.eks. «krav fra innbygger» eller «kassasjon»; "
    "skriv aldri personopplysninger her"
)
HOLD_REASON = "rettslig tilbakehold"
CASE_TYPE_HELP = "sakstypens kode, f.eks. complaint_help (kan gjentas)"
OUTSIDE_MANDATE_HELP = "saken ligger utenfor ombudets mandat"
NAME_HELP = f"navnet kolleger ser, f.eks. «Kari Nordmann» (høyst {MAX_DISPLAY_NAME} tegn)"


def _argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse `type` from one of the edge's parsers: a refused value is one line naming the option."""

    def parsed(text: str) -> T:
        try:
            return parse(text)
        except InvalidField as refused:
            raise argparse.ArgumentTypeError(refused.message) from None

    return parsed


parse_date = _argument(lambda text: parsing.day("date", text))
non_negative_int = _argument(lambda text: parsing.whole_number("number", text))
positive_int = _argument(lambda text: parsing.whole_number("number", text, low=1))
port = _argument(lambda text: parsing.whole_number("port", text, high=65_535))
year = _argument(lambda text: parsing.whole_number("year", text, low=parsing.MIN_YEAR, high=parsing.MAX_YEAR))
line = _argument(lambda text: parsing.text("text", text, max_length=1000))
free_text = _argument(lambda text: parsing.text("text", text, max_length=100_000, multiline=True))
retention_years = _argument(retention.parse_years)
purpose = _argument(lambda text: parsing.text("purpose", text, max_length=100, required=True))
display_name = _argument(lambda text: require_display_name(text) or "")  # blank: no name
version_or_moment = _argument(lambda text: parsing.version_or_moment("at", text))


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="ombud", description="Saks- og statistikkplattform for kommuneombud.")
    parser.add_argument(
        "--actor", default=None, help="hvem som utfører handlingen (standard: brukernavnet ditt)", type=line
    )
    subcommands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    demo = subcommands.add_parser("demo", help="start med demodata (drammen, trondheim, fredrikstad)")
    demo.add_argument("--host", default="127.0.0.1", type=line)
    demo.add_argument("--port", type=port, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="bare last inn demodata, ikke start webserveren")
    demo.set_defaults(run="commands.run_demo")

    serve = subcommands.add_parser("serve", help="start webserveren")
    serve.add_argument("--host", default="127.0.0.1", type=line)
    serve.add_argument("--port", type=port, default=8000)
    serve.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="antall prosesser; hver har sine egne, begrensede databasetilkoblinger",
    )
    serve.set_defaults(run="commands.run_serve")

    worker = subcommands.add_parser("worker", help="hold lesemodellene oppdatert fra hendelsene")
    worker.add_argument("--once", action="store_true", help="ta igjen alle kommuner én gang og avslutt")
    worker.set_defaults(run="commands.run_worker")

    importing = subcommands.add_parser("import", help="importer en sakslogg (CSV) for en kommune")
    importing.add_argument("--tenant", required=True, type=line)
    importing.add_argument("file", help="CSV med overskrift; komma eller semikolon; UTF-8", type=line)
    importing.set_defaults(run="commands.run_import")

    outreach = _group(subcommands, "outreach", "utadrettet virksomhet")
    register = outreach.add_parser("register", help="registrer et informasjonsmøte, foredrag, kurs …")
    register.add_argument("--tenant", required=True, type=line)
    register.add_argument("--held-on", type=parse_date, required=True, help="dagen det ble holdt (åååå-mm-dd)")
    register.add_argument("--kind", required=True, choices=OUTREACH_KINDS, help="hva slags tiltak")
    register.add_argument(
        "--title", required=True, type=line, help="tittelen, f.eks. «Informasjonsmøte for eldrerådet»"
    )
    register.add_argument("--audience", required=True, type=line, help="hvem det var for, f.eks. «Eldrerådet»")
    register.add_argument("--participants", type=non_negative_int, help="antall deltakere, om det er kjent")
    register.set_defaults(run="commands.run_outreach_register")

    projections = _group(subcommands, "projections", "lesemodeller")
    rebuild = projections.add_parser("rebuild", help="bygg lesemodeller på nytt fra første hendelse")
    rebuild.add_argument("--tenant", help="bare denne kommunen (standard: alle)", type=line)
    rebuild.add_argument("--projection", choices=["case_list", "outreach"], help="bare denne (standard: alle)")
    rebuild.set_defaults(run="commands.run_rebuild")

    report = _group(subcommands, "report", "rapporter")
    annual = report.add_parser("annual", help="årsrapportens tall for én kommune og ett år")
    annual.add_argument("--tenant", required=True, type=line)
    annual.add_argument("--year", required=True, type=year)
    annual.add_argument(
        "--as-delivered",
        action="store_true",
        help="tallene slik de ble levert til kommunestyret, regnet ut på nytt fra hendelsene fram til leveringen; "
        "hva som er endret siden, skrives til standard feil",
    )
    annual.set_defaults(run="commands.run_report", kind="annual")
    years = report.add_parser("years", help="tall per tjenesteområde og år (år-mot-år-tabell)")
    years.add_argument("--tenant", required=True, type=line)
    years.add_argument("--from", dest="first_year", required=True, type=year, help="første år i tabellen")
    years.add_argument("--to", dest="last_year", required=True, type=year, help="siste år i tabellen")
    years.set_defaults(run="commands.run_report", kind="years", as_delivered=False)
    deliver = report.add_parser(
        "deliver", help="merk årsrapporten som levert til kommunestyret: revisjonssporets posisjon registreres"
    )
    deliver.add_argument("--tenant", required=True, type=line)
    deliver.add_argument("--year", required=True, type=year)
    deliver.set_defaults(run="delivery_commands.run_deliver")
    for sub in (annual, years, deliver):
        sub.add_argument(
            "--taxonomy-version",
            type=non_negative_int,
            help="projiser alle tall under denne taksonomiversjonen (standard: den som gjaldt ved mottak)",
        )
    for sub in (annual, years):
        sub.add_argument(
            "--format", choices=["json", "csv", "xlsx", "docx"] if sub is annual else ["json", "csv"], default="json"
        )
        sub.add_argument("--output", help="fil å skrive til (standard: skjermen)", type=line)

    migrate = subcommands.add_parser("migrate", help="opprett eller oppgrader skjema og databaseroller")
    migrate.set_defaults(run="commands.run_migrate")

    tenant = _group(subcommands, "tenant", "kommuner på plattformen")
    create = tenant.add_parser("create", help="opprett en kommune")
    create.add_argument(
        "slug", type=line, help="kortnavnet i adressene, f.eks. nord-fron (små bokstaver og bindestrek)"
    )
    create.add_argument("--name", required=True, type=line, help="kommunens navn, f.eks. «Nord-Fron kommune»")
    create.add_argument("--population", type=non_negative_int, help="innbyggertallet (for tall per 10 000 innbyggere)")
    create.add_argument(
        "--template", choices=sorted(TEMPLATES), default=DEFAULT_TEMPLATE, help="tjenesteområder å starte med"
    )
    create.add_argument(
        "--no-share-statistics", action="store_true", help="del ikke anonymisert statistikk med ombudsnettverket"
    )
    create.set_defaults(run="commands.run_tenant_create")
    sharing = tenant.add_parser(
        "share-statistics",
        help="del kommunens anonymiserte årsstatistikk med ombudsnettverket (on), eller slutt å dele (off); "
        "kommunen forsvinner straks fra nettverkets sider",
    )
    sharing.add_argument("slug", type=line, help="kommunens kortnavn")
    sharing.add_argument("choice", choices=["on", "off"], metavar="on|off", help="on: del; off: slutt å dele")
    sharing.set_defaults(run="commands.run_tenant_share_statistics")
    listing = tenant.add_parser("list", help="list kommunene")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run="commands.run_tenant_list")

    user = _group(subcommands, "user", "brukerkontoer for innlogging")
    new_user = user.add_parser("create", help="opprett en konto; passordet leses fra standard inn")
    new_user.add_argument("--tenant", help="kommunen (for caseworker, tenant_admin og auditor)", type=line)
    new_user.add_argument("--email", required=True, type=line)
    new_user.add_argument("--role", required=True, choices=STAFF_ROLES, help="rollen kontoen har")
    new_user.add_argument("--name", help=NAME_HELP, type=display_name)
    _password_from_stdin(new_user, "passordet")
    new_user.set_defaults(run="commands.run_user_create")
    naming = user.add_parser("name", help="sett navnet som vises for en konto (tomt navn: e-postadressen vises)")
    naming.add_argument("--email", required=True, type=line)
    naming.add_argument("--name", required=True, help=NAME_HELP, type=display_name)
    naming.set_defaults(run="commands.run_user_name")
    reset = user.add_parser(
        "reset-password", help="gi en konto nytt passord (lest fra standard inn); kontoen logges ut overalt"
    )
    reset.add_argument("--email", required=True)
    _password_from_stdin(reset, "det nye passordet")
    reset.set_defaults(run="commands.run_user_reset_password")

    inquiry = _group(subcommands, "inquiry", "henvendelser")
    receive = inquiry.add_parser("receive", help="registrer en ny henvendelse")
    receive.add_argument("--tenant", required=True, type=line)
    receive.add_argument("--received-on", type=parse_date, default=None, help="mottatt dato (standard: i dag)")
    receive.add_argument(
        "--reference",
        help="saksnummer: tall som 2024-0153, eventuelt etter en kode på høyst 8 store bokstaver (standard: neste ledige for året)",
        type=line,
    )
    receive.add_argument("--channel", required=True, choices=CHANNELS, help="hvordan henvendelsen kom inn")
    receive.add_argument("--requester-role", required=True, choices=REQUESTER_ROLES, help="hvem som henvendte seg")
    receive.add_argument("--service-area", required=True, help="kode eller navn i kommunens taksonomi", type=line)
    receive.add_argument("--further-area", action="append", default=[], help="flere berørte områder", type=line)
    receive.add_argument("--case-type", action="append", default=[], type=line, help=CASE_TYPE_HELP)
    receive.add_argument("--outside-mandate", action="store_true", help=OUTSIDE_MANDATE_HELP)
    receive.add_argument("--summary", required=True, type=free_text, help="hva saken gjelder, kort")
    receive.add_argument("--requester-name", type=line, help="navnet til den som henvendte seg (valgfritt)")
    receive.add_argument("--contact", type=line, help="telefon eller e-post for svar (valgfritt)")
    receive.set_defaults(run="commands.run_receive")

    reads = (
        ("show", "vis en henvendelse", "commands.run_show"),
        ("history", "alle hendelser i rekkefølge", "commands.run_history"),
        ("access-report", "innsyn i tilgangsloggen: hvert oppslag, uten navn på ansatte", "commands.run_access_report"),
    )
    for name, helptext, run in reads:
        sub = _on_inquiry(inquiry, name, help=helptext)
        sub.add_argument(
            "--purpose",
            type=purpose,
            default=CLI_PURPOSE,
            help=f"hvorfor du leser saken; skrives i tilgangsloggen før noe vises (standard: {CLI_PURPOSE})",
        )
        if name == "access-report":
            sub.add_argument(
                "--format", choices=["json", "docx", "pdf"], default="json", help="pdf: PDF/A-2b for arkivet"
            )
            sub.add_argument(
                "--output", help="fil å skrive til (standard: skjermen; må oppgis for docx og pdf)", type=line
            )
        else:
            sub.add_argument("--json", action="store_true")
        sub.set_defaults(run=run)

    def verb(name: str, helptext: str, command: type[CaseCommand], **arguments: dict[str, Any]) -> None:
        sub = _on_inquiry(inquiry, name, help=helptext)
        sub.add_argument("--on", type=parse_date, default=None, help="dato (standard: i dag)")
        sub.add_argument(
            "--expected-version",
            type=non_negative_int,
            help="avvis endringen hvis noen andre har endret saken etter denne versjonen",
        )
        for flag, options in arguments.items():
            if "choices" not in options and options.get("action") != "store_true":
                options = {"type": free_text if flag in ("text", "reason", "about") else line, **options}
            sub.add_argument("--" + flag.replace("_", "-"), dest=flag, **options)
        sub.set_defaults(run="commands.run_verb", case_command=command)

    verb(
        "assign", "tildel saksbehandler", Assign, assignee={"required": True, "help": "saksbehandlerens e-postadresse"}
    )
    verb(
        "recategorise",
        "endre område og sakstyper",
        Recategorise,
        service_area={"required": True, "help": "hovedområdet: kode eller navn i kommunens taksonomi"},
        further_areas={"action": "append", "default": [], "help": "flere berørte områder (kan gjentas)"},
        case_types={"action": "append", "default": [], "help": CASE_TYPE_HELP},
        outside_mandate={"action": "store_true", "help": OUTSIDE_MANDATE_HELP},
    )
    verb("interim-reply", "foreløpig svar sendt (fvl. § 11 a)", SendInterimReply)
    verb(
        "forward",
        "videresend til et annet organ",
        Forward,
        to_body={"required": True, "choices": FORWARD_BODIES, "help": "organet saken sendes til"},
        reason={"required": True, "help": "hvorfor saken hører hjemme der"},
    )
    verb(
        "meeting",
        "møte holdt",
        HoldMeeting,
        participants={
            "action": "append",
            "required": True,
            "choices": MEETING_PARTICIPANTS,
            "help": "hvem som deltok (gjenta for hver)",
        },
    )
    verb(
        "complaint",
        "klage sendt",
        SendComplaint,
        to={"required": True, "choices": COMPLAINT_RECIPIENTS, "help": "hvem klagen ble sendt til"},
        about={"required": True, "help": "hva klagen gjelder"},
    )
    verb(
        "decide",
        "klage avgjort",
        DecideComplaint,
        outcome={"required": True, "choices": COMPLAINT_OUTCOMES, "help": "utfallet av klagen"},
    )
    verb("note", "legg til notat", AddNote, text={"required": True, "help": "notatet"})
    verb(
        "resolve",
        "avslutt henvendelsen",
        Resolve,
        outcome={"required": True, "choices": RESOLUTION_OUTCOMES, "help": "hvordan saken endte"},
    )
    verb(
        "reopen",
        "gjenåpne en avsluttet henvendelse",
        Reopen,
        reason={"required": True, "help": "hvorfor saken åpnes igjen"},
    )

    attach = _on_inquiry(inquiry, "attach", help=ATTACH_HELP, description=ATTACH_HELP)
    attach.add_argument("file", help="filen som skal legges ved", type=line)
    attach.add_argument("--title", type=line, default=None, help="tittel på vedlegget (standard: filens navn)")
    attach.set_defaults(run="commands.run_attach")

    erase = _on_inquiry(inquiry, "erase", help=ERASE_HELP, description=ERASE_HELP)
    erase.add_argument("--on", type=parse_date, default=None, help="dato (standard: i dag)")
    erase.add_argument("--reason", required=True, type=line, help=ERASE_REASON_HELP)
    erase.add_argument(
        "--outcome",
        choices=RESOLUTION_OUTCOMES,
        default=None,
        help="utfallet, påkrevd når henvendelsen er åpen: den avsluttes i samme steg som den slettes",
    )
    erase.set_defaults(run="commands.run_erase")

    hold = _on_inquiry(inquiry, "hold", help="hold en henvendelse tilbake fra sletting (kassasjon), eller opphev det")
    hold.add_argument("--lift", action="store_true", help="opphev tilbakeholdet")
    hold.add_argument(
        "--reason", default=HOLD_REASON, type=line, help="grunnlaget, uten personopplysninger (standard: %(default)s)"
    )
    hold.add_argument("--on", type=parse_date, default=None, help="dato (standard: i dag)")
    hold.set_defaults(run="commands.run_hold")

    keeping_commands = _group(subcommands, "retention", "kassasjon: slett personopplysninger N år etter avslutning")
    setting = keeping_commands.add_parser("set", help="antall år etter avslutning, eller «off»")
    setting.add_argument("--tenant", required=True, type=line)
    setting.add_argument("--years", required=True, type=retention_years, help="1–100, eller off")
    setting.set_defaults(run="commands.run_retention_set")
    running = keeping_commands.add_parser("run", help="slett personopplysningene i henvendelsene som har forfalt")
    running.add_argument("--tenant", help="bare denne kommunen (standard: alle)", type=line)
    running.add_argument("--dry-run", action="store_true", help="vis bare hva som ville blitt slettet")
    running.set_defaults(run="commands.run_retention")
    _audit_parsers(subcommands)
    _archive_parsers(subcommands)
    network_commands.add_parsers(subcommands, OneLineParser, year, line)
    key_commands.add_parsers(subcommands, OneLineParser)
    return parser


ATTACH_HELP = (
    "legg ved en fil (PDF, bilde, Word, ODT, tekst eller e-post; typen avgjøres av innholdet): lagres kryptert med"
    " henvendelsens nøkkel og kan lastes ned når viruskontrollen har godkjent den"
)


def _group(subcommands: Any, name: str, helptext: str) -> Any:
    """`ombud NAME …`, a command with commands of its own: which one was asked is `NAME_command`."""
    return subcommands.add_parser(name, help=helptext).add_subparsers(
        dest=f"{name}_command", required=True, parser_class=OneLineParser
    )


def _on_inquiry(inquiry: Any, name: str, **options: Any) -> argparse.ArgumentParser:
    """`ombud inquiry NAME --tenant TENANT INQUIRY …`: a command on one inquiry of one tenant."""
    sub: argparse.ArgumentParser = inquiry.add_parser(name, **options)
    sub.add_argument("--tenant", required=True, type=line)
    sub.add_argument("inquiry", help="saksnummer eller id", type=line)
    return sub


def _password_from_stdin(sub: argparse.ArgumentParser, what: str) -> None:
    """A password is read from standard input, never given as an argument (the process list shows arguments)."""
    sub.add_argument(
        "--password-stdin", action="store_true", required=True, help=f"les {what} fra standard inn (aldri som argument)"
    )


def _audit_parsers(subcommands: Any) -> None:
    """`ombud audit …`: the revisjonsspor's commands (what each does: infra/audit_commands.py)."""
    audit = _group(subcommands, "audit", "revisjonsspor: kontroll, eksport og gjennomgang av historikken")

    def scoped(name: str, helptext: str) -> argparse.ArgumentParser:
        sub = audit.add_parser(name, help=helptext)
        which = sub.add_mutually_exclusive_group(required=True)
        which.add_argument("--tenant", help="kommunen", type=line)
        which.add_argument("--all", action="store_true", help="alle kommuner og plattformens egne kontoer")
        return sub

    verify = scoped("verify", "regn ut kjeden på nytt og kontroller hvert signerte sjekkpunkt")
    verify.add_argument(
        "--witness",
        metavar="FIL|URL",
        type=line,
        help="et vitnes kopi av sjekkpunktene (/revisjon/KOMMUNE/sjekkpunkter, som fil eller adresse)",
    )
    verify.set_defaults(run="audit_commands.run_verify")
    scoped("checkpoint", "forsegl nye poster og signer et sjekkpunkt nå").set_defaults(
        run="audit_commands.run_checkpoint"
    )
    export = audit.add_parser("export", help="skriv kjeden, sjekkpunktene og nøkkelen til en fil for revisor")
    export.add_argument("--tenant", required=True, help="kommunen", type=line)
    export.add_argument("--output", required=True, help="filen eksporten skrives til (JSON)", type=line)
    export.add_argument(
        "--from", dest="since", metavar="DATO", type=parse_date, help="første dag poster ble forseglet (norsk tid)"
    )
    export.add_argument(
        "--to", dest="until", metavar="DATO", type=parse_date, help="siste dag poster ble forseglet (norsk tid)"
    )
    export.set_defaults(run="audit_commands.run_export")
    audit.add_parser(
        "public-key", help="skriv ut den offentlige nøkkelen som sjekkpunktene kontrolleres med"
    ).set_defaults(run="audit_commands.run_public_key")
    replay = audit.add_parser(
        "replay",
        help="henvendelsen slik den sto etter en hendelse eller på et tidspunkt; skrives i tilgangsloggen (kontroll)",
    )
    replay.add_argument("--tenant", required=True, type=line)
    replay.add_argument("inquiry", help="saksnummer eller id", type=line)
    replay.add_argument(
        "--at",
        required=True,
        type=version_or_moment,
        metavar="VERSJON|ÅÅÅÅ-MM-DD[Ttt:mm]",
        help="versjonsnummer (1, 2, …), dato (åååå-mm-dd: slutten av dagen) eller tidspunkt (åååå-mm-ddTtt:mm), norsk tid",
    )
    replay.add_argument(
        "--business-date",
        action="store_true",
        help="en dato i --at gjelder hendelsesdatoene (datoene hendelsene oppgir, f.eks. mottatt), ikke når de ble "
        "registrert",
    )
    replay.add_argument("--format", choices=["text", "json"], default="text")
    replay.set_defaults(run="commands.run_audit_replay", purpose=AUDIT_PURPOSE)


def _archive_parsers(subcommands: Any) -> None:
    """`ombud archive …`: what leaves the product for the kommune's archive (infra/archive_commands.py)."""
    archive = _group(subcommands, "archive", "kommunens arkiv: Noark 5-uttrekk og Fiks Arkiv")
    extract = archive.add_parser(
        "extract",
        help="Noark 5-uttrekk (v5.0) av de avsluttede henvendelsene mottatt i perioden, med brevene som PDF/A; "
        "skrives i tilgangsloggen (arkivering)",
    )
    extract.add_argument("--tenant", required=True, type=line)
    extract.add_argument(
        "--from", dest="start", metavar="DATO", required=True, type=parse_date, help="første mottaksdato (åååå-mm-dd)"
    )
    extract.add_argument(
        "--to", dest="end", metavar="DATO", required=True, type=parse_date, help="siste mottaksdato (åååå-mm-dd)"
    )
    extract.add_argument(
        "--output", metavar="MAPPE", required=True, type=line, help="mappen uttrekket skrives til (ny eller tom)"
    )
    extract.set_defaults(run="archive_commands.run_extract")
    archive_send = archive.add_parser(
        "send", help="send henvendelsens saksmappe (på nytt) til kommunens arkiv gjennom Fiks Arkiv (samme nøkkel)"
    )
    archive_send.add_argument("--tenant", required=True, type=line)
    archive_send.add_argument("reference", type=line, help="henvendelsens referanse, f.eks. 2024-0153")
    archive_send.set_defaults(run="archive_commands.run_archive_send")


def command(name: str) -> Callable[[argparse.Namespace, Settings], int]:
    """A command's function from its name in infra («commands.run_tenant_list»), imported only when it runs: the
    other commands' modules, and what they import, never slow this one's start."""
    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(f"infra.{module}"), function)


def known_errors() -> tuple[type[Exception], ...]:
    """The errors a command reports in one line; imported only once one is raised (an `except` clause's tuple is
    evaluated then), so that no command pays for the modules that define them."""
    from infra.migrate import MigrationError
    from projections.safe_login import UnsafeDatabaseLogin
    from services.audit_signing import SigningKeyError
    from services.key_epochs import EpochDestroyed, EpochKeyError
    from services.keys import MasterKeyError
    from services.pdfa import PdfaError

    return (
        DomainError,
        SettingsError,
        MasterKeyError,
        SigningKeyError,
        MigrationError,
        UnsafeDatabaseLogin,
        EpochKeyError,
        EpochDestroyed,
        NotAllowed,
        PdfaError,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environment()
        return command(args.run)(args, settings)
    except known_errors() as error:
        print(f"ombud: feil: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
