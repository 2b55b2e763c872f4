"""argparse in bokmål: «bruk:», Norwegian section titles, -h and error lines, and help for the options every command shares."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

HELP = "vis denne hjelpen og avslutt"
# Help for options that many commands take, said once; an option with a help of its own keeps it.
SHARED_HELP = {
    "--tenant": "kommunen, ved kortnavnet i adressen (f.eks. drammen)",
    "--host": "adressen webserveren lytter på (standard: %(default)s)",
    "--port": "porten webserveren lytter på (standard: %(default)s)",
    "--year": "året, f.eks. 2024",
    "--format": "filformatet (standard: %(default)s)",
    "--output": "filen resultatet skrives til (standard: skjermen)",
    "--json": "skriv ut som JSON",
    "--email": "kontoens e-postadresse (brukernavnet)",
}
# What stands for an option's value in the help, where the option's own name would be English.
METAVARS = {
    "tenant": "KOMMUNE",
    "host": "VERT",
    "port": "PORT",
    "year": "ÅR",
    "first_year": "ÅR",
    "last_year": "ÅR",
    "output": "FIL",
    "file": "FIL",
    "email": "E-POST",
    "name": "NAVN",
    "inquiry": "SAK",
    "on": "DATO",
    "received_on": "DATO",
    "held_on": "DATO",
    "actor": "HVEM",
    "reason": "BEGRUNNELSE",
    "purpose": "FORMÅL",
    "slug": "KORTNAVN",
    "workers": "ANTALL",
    "participants": "ANTALL",
    "population": "INNBYGGERE",
    "expected_version": "VERSJON",
    "taxonomy_version": "VERSJON",
    "years": "ÅR",
    "reference": "SAKSNUMMER",
    "service_area": "OMRÅDE",
    "further_area": "OMRÅDE",
    "further_areas": "OMRÅDE",
    "case_type": "SAKSTYPE",
    "case_types": "SAKSTYPE",
    "summary": "TEKST",
    "text": "TEKST",
    "about": "TEKST",
    "requester_name": "NAVN",
    "contact": "KONTAKT",
    "assignee": "SAKSBEHANDLER",
    "title": "TITTEL",
    "audience": "PUBLIKUM",
}
# argparse's own error lines (Python 3.11), as they read in bokmål.
_ERRORS = (
    (re.compile(r"the following arguments are required: (.*)"), r"mangler påkrevd argument: \1"),
    (re.compile(r"one of the arguments (.*) is required"), r"ett av argumentene \1 må oppgis"),
    (re.compile(r"unrecognized arguments: (.*)"), r"ukjente argumenter: \1"),
    (re.compile(r"argument (.*?): not allowed with argument (.*)"), r"argument \1: kan ikke brukes sammen med \2"),
    (
        re.compile(r"argument (.*?): invalid choice: (.*) \(choose from (.*)\)"),
        r"argument \1: ugyldig valg \2 (velg blant \3)",
    ),
    (re.compile(r"argument (.*?): expected one argument"), r"argument \1: mangler verdi"),
    (re.compile(r"argument (.*?): expected at least one argument"), r"argument \1: mangler verdi"),
    (re.compile(r"argument (.*?): expected at most one argument"), r"argument \1: tar høyst én verdi"),
    (re.compile(r"argument (.*?): ignored explicit argument (.*)"), r"argument \1: tar ingen verdi (fikk \2)"),
    (re.compile(r"argument (.*?): invalid (.*) value: (.*)"), r"argument \1: ugyldig verdi \3"),
    (re.compile(r"ambiguous option: (.*) could match (.*)"), r"tvetydig valg: \1 kan være \2"),
)


class NorwegianHelpFormatter(argparse.HelpFormatter):
    """«bruk:» before the usage line; an option's value named in Norwegian where its name is an English word."""

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "bruk: " if prefix is None else prefix)

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, action.dest.upper())

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, action.dest)


class OneLineParser(argparse.ArgumentParser):
    """Help in bokmål; bad input gives one line naming the field, and exit status 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", NorwegianHelpFormatter)
        kwargs["add_help"] = False  # argparse's own -h says «show this help message and exit»
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "valg"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP)

    def add_argument(self, *names: Any, **options: Any) -> argparse.Action:
        if "help" not in options:
            shared = next((SHARED_HELP[name] for name in names if name in SHARED_HELP), None)
            if shared is not None:
                options["help"] = shared
        return super().add_argument(*names, **options)

    def add_subparsers(self, **options: Any) -> Any:
        options.setdefault("metavar", "KOMMANDO")
        options.setdefault("help", f"én av disse (skriv «{self.prog} KOMMANDO -h» for dens valg):")
        options.setdefault("parser_class", OneLineParser)
        return super().add_subparsers(**options)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: feil: {in_norwegian(message)}\n")


def in_norwegian(message: str) -> str:
    """argparse's error line in bokmål; our own messages (already bokmål) pass through unchanged."""
    for english, norwegian in _ERRORS:
        if english.fullmatch(message):
            return english.sub(norwegian, message)
    return message
