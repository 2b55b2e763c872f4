"""The `ombud` command and the case-log import on odd input: one Norwegian line per problem, no traceback, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from domain.inquiry import MAX_MEETINGS
from services.application import table_prefix
from tests.integration.conftest import Run
from tests.integration.helpers import created_tenant

HEADER = "reference,received_on,service_area,meetings_held"


@pytest.fixture
def tenants(ombud: Run, new_slug: Callable[[], str]) -> tuple[str, str]:
    """The test's kommune, and a second one whose events must never move."""
    return created_tenant(ombud, new_slug(), "Prøvekommune"), created_tenant(ombud, new_slug(), "Prøvekommune")


def events_in(database_url: str, slug: str) -> int:
    with psycopg.connect(database_url) as conn:
        return conn.execute(f"SELECT count(*) FROM events.{table_prefix(slug)}_events").fetchone()[0]


def one_line_per_problem(err: str) -> list[str]:
    assert "Traceback" not in err and "Error" not in err
    lines = [line for line in err.strip().splitlines() if not line.startswith("import [")]  # the progress bar
    assert lines[0].startswith("ombud: feil: ingenting er importert")
    return lines[1:]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "A-2,2023-01-05,Helse,²",
            "meetings_held: må være et helt tall, skrevet med sifrene 0–9 (for eksempel 1200 eller 1 200)",
        ),
        ("A-2,2023-01-05,Helse,200000", f"meetings_held: kan ikke være større enn {MAX_MEETINGS}"),
        (
            "A-2,2023-01-05,Helse,1" + "0" * 26,
            "meetings_held: må være et helt tall fra 0 til 2\u00a0147\u00a0483\u00a0647",
        ),
        (f"A-2,2023-01-05,{'x' * 10_000_000},1", "-: et felt er lengre enn 1000 tegn"),
    ],
    ids=["unicode-digit", "too-many-meetings", "huge", "ten-megabyte-field"],
)
def test_an_odd_meeting_count_or_a_ten_megabyte_field_is_one_line_and_imports_nothing(
    ombud: Run, tenants: tuple[str, str], tmp_path: Path, database_url: str, row: str, problem: str
) -> None:
    mine, other = tenants
    before = events_in(database_url, mine), events_in(database_url, other)
    path = tmp_path / "logg.csv"
    path.write_text(f"{HEADER}\nA-1,2023-01-04,Helse,1\n{row}\n", encoding="utf-8")
    code, _, err = ombud("import", "--tenant", mine, str(path))
    assert code == 1
    assert one_line_per_problem(err) == [f"  linje 3, kolonne {problem}"]
    assert (events_in(database_url, mine), events_in(database_url, other)) == before


def test_a_long_field_or_a_control_character_in_a_cell_is_named_at_its_column(
    ombud: Run, tenants: tuple[str, str], tmp_path: Path, database_url: str
) -> None:
    mine, _ = tenants
    path = tmp_path / "logg.csv"
    path.write_text(
        f"{HEADER}\nA-1,2023-01-04,{'x' * 5000},1\nA-2,2023-01-05,He\x1blse,\nA-3,31.12.9999,Helse,\n", encoding="utf-8"
    )
    code, _, err = ombud("import", "--tenant", mine, str(path))
    assert code == 1
    assert one_line_per_problem(err) == [
        "  linje 2, kolonne service_area: kan ikke være lengre enn 1000 tegn",
        "  linje 3, kolonne service_area: inneholder kontrolltegn eller andre tegn som ikke kan lagres",
        "  linje 4, kolonne received_on: året må være fra 1900 til 2100",
    ]
    assert events_in(database_url, mine) == 1  # the kommune's registration only


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--participants", "²"], "argument --participants: må være et helt tall, skrevet med sifrene 0–9"),
        (
            ["--participants", "1" + "0" * 20],
            "argument --participants: må være et helt tall fra 0 til 2\u00a0147\u00a0483\u00a0647",
        ),
        (["--held-on", "0000-01-01"], "argument --held-on: året må være fra 1900 til 2100"),
        (["--title", "Møte\x00"], "argument --title: inneholder kontrolltegn"),
    ],
    ids=["unicode-digit", "huge", "year-zero", "nul"],
)
def test_an_odd_option_is_one_line_naming_it_and_writes_nothing(
    ombud: Run, tenants: tuple[str, str], database_url: str, argv: list[str], message: str
) -> None:
    mine, other = tenants
    before = events_in(database_url, mine), events_in(database_url, other)
    options = {"--held-on": "2024-03-01", "--title": "Foredrag", "--participants": "12"}
    options.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    arguments = [part for pair in options.items() for part in pair]
    code, _, err = ombud(
        "outreach", "register", "--tenant", mine, "--kind", "talk", "--audience", "Eldrerådet", *arguments
    )
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert (events_in(database_url, mine), events_in(database_url, other)) == before


@pytest.mark.parametrize("population", ["²", "1" + "0" * 26])
def test_an_odd_population_is_refused_at_the_option(ombud: Run, new_slug: Callable[[], str], population: str) -> None:
    slug = new_slug()
    code, _, err = ombud("tenant", "create", slug, "--name", "Prøvekommune", "--population", population)
    assert code == 2 and "argument --population: må være et helt tall" in err
    assert slug not in ombud("tenant", "list")[1]


def test_a_reference_of_words_is_refused_in_one_norwegian_line_naming_the_field(
    ombud: Run, tenants: tuple[str, str], database_url: str
) -> None:
    """A reference is kept for ever (erasure leaves it): a name given as one is refused, and nothing is written."""
    mine, other = tenants
    before = events_in(database_url, mine), events_in(database_url, other)
    code, _, err = ombud(
        "inquiry", "receive", "--tenant", mine, "--reference", "Hjalmar_Zyxwvutsen", "--channel", "phone",
        "--requester-role", "user", "--service-area", "Helse", "--summary", "Fiktiv testsak",
    )  # fmt: skip
    assert code != 0 and "Traceback" not in err
    assert "reference: saksnummeret må være tall som 2024-0153" in err
    assert (events_in(database_url, mine), events_in(database_url, other)) == before
