"""`ombud -h` and every subcommand's help read in bokmål, with help for every option; argparse's errors too."""

from __future__ import annotations

import argparse

import pytest

from infra.cli import build_parser
from infra.cli_parser import in_norwegian

ENGLISH = ("usage:", "show this help message", "optional arguments", "options:", "positional arguments")


def every_parser(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += every_parser(sub)
    return found


PARSERS = every_parser(build_parser())


def test_there_are_many_commands_to_look_at() -> None:
    assert len(PARSERS) > 50


@pytest.mark.parametrize("parser", PARSERS, ids=[p.prog for p in PARSERS])
def test_help_has_none_of_argparses_english(parser: argparse.ArgumentParser) -> None:
    text = parser.format_help()
    assert text.startswith("bruk: ")
    assert [words for words in ENGLISH if words in text] == []


@pytest.mark.parametrize("parser", PARSERS, ids=[p.prog for p in PARSERS])
def test_every_option_and_argument_has_help(parser: argparse.ArgumentParser) -> None:
    missing = [
        action.option_strings[-1] if action.option_strings else action.dest
        for action in parser._actions
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert missing == []


def test_help_is_what_minus_h_prints(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["inquiry", "receive", "-h"])
    assert exit_.value.code == 0
    printed = capsys.readouterr().out
    assert printed.startswith("bruk: ombud inquiry receive")
    assert "vis denne hjelpen og avslutt" in printed


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["inquiry", "receive", "--tenant", "x"], "ombud inquiry receive: feil: mangler påkrevd argument: --channel"),
        (["tenant", "create", "x", "--name", "X", "--template", "zz"], "ugyldig valg 'zz' (velg blant"),
        (["tenant", "list", "--colour"], "ombud: feil: ukjente argumenter: --colour"),
        (["tenant"], "ombud tenant: feil: mangler påkrevd argument: KOMMANDO"),
        (["serve", "--port"], "ombud serve: feil: argument --port: mangler verdi"),
        (["audit", "verify", "--tenant", "x", "--all"], "argument --all: kan ikke brukes sammen med --tenant"),
        (["audit", "verify"], "ett av argumentene --tenant --all må oppgis"),
        (["serve", "--port", "70000"], "ombud serve: feil: argument --port:"),
    ],
)
def test_a_refused_command_line_is_one_norwegian_line(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)
    assert exit_.value.code == 2
    said = capsys.readouterr().err
    assert line in said and said.count("\n") == 1
    assert not any(english in said for english in ("required", "invalid", "expected", "unrecognized", "choose"))


def test_our_own_messages_pass_through_unchanged() -> None:
    assert in_norwegian("argument --port: må være et helt tall") == "argument --port: må være et helt tall"
