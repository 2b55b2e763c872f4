"""`ombud network release` and `report`: finished years only, small counts as `:` alone, and an office that stopped
sharing before the release is nowhere."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from domain.common import Context
from domain.deadlines import today_in_norway
from domain.disclosure import SMALL
from services.office import Office
from tests import factories
from tests.helpers import (
    Network,
    network_fixture,  # noqa: F401 (the fixture `network`)
)
from tests.integration.conftest import Run

YEAR = 2007  # no other test receives inquiries in 2007


def letters(office: Office, ctx: Context, count: int, area: str) -> None:
    factories.receive_many(office, ctx, count, first=date(YEAR, 5, 1), service_area=area, channel="letter")


@pytest.fixture
def offices(ombud: Run, network: Network, caseworker: Context) -> dict[str, Office]:
    tag = network.new_slug()  # each test's offices by names of their own: the session's database keeps earlier ones
    made = {
        "stor": network.office(f"=Storvik kommune {tag}", 40_000),
        "liten": network.office(f"Småvik kommune {tag}", 1_200),
        "slutter": network.office(f"Sluttvik kommune {tag}", 9_000),
    }
    letters(made["stor"], caseworker, 30, "helse")
    letters(made["stor"], caseworker, 9, "nav")
    letters(made["liten"], caseworker, 3, "helse")
    letters(made["slutter"], caseworker, 17, "skole-og-barnehage")
    network.share(*made.values())
    network.sharing_flag(made["slutter"].slug, False)  # stops sharing before the release: in no output
    assert ombud("network", "release", "--year", str(YEAR))[0] == 0
    return made


def test_the_json_report_hides_small_counts_and_shows_the_sharing_offices(
    ombud: Run, offices: dict[str, Office]
) -> None:
    code, out, err = ombud("network", "report", "--year", str(YEAR), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["threshold"] == 4 and report["years"] == [YEAR]
    year = report["by_year"][0]
    names = {office["slug"]: office["name"] for office in year["offices"]}
    assert names[offices["stor"].slug].startswith("=Storvik") and offices["slutter"].slug not in names
    small = next(office for office in year["offices"] if office["slug"] == offices["liten"].slug)
    assert small["inquiries"] == ":" and small["inquiries_per_10000_inhabitants"] == ":"
    assert year["release"]["number"] >= 1
    assert year["national"]["by_national_group"]["sosiale-tjenester-og-nav"] in (":", *range(9, 10**6))
    assert "reason" not in out and SMALL not in out


def test_an_office_that_stopped_sharing_appears_in_no_format(
    ombud: Run, offices: dict[str, Office], tmp_path: Path
) -> None:
    gone = offices["slutter"]
    gone_tag = gone.profile().name.rsplit(" ", 1)[1]
    for kind in ("json", "csv", "xlsx"):
        target = tmp_path / f"nettverk.{kind}"
        code, _, err = ombud("network", "report", "--year", str(YEAR), "--format", kind, "--output", str(target))
        assert code == 0, err
        data = target.read_bytes()
        if kind == "xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                data = b"".join(book.read(name) for name in book.namelist())
        text = data.decode("utf-8", errors="replace")
        assert gone.slug not in text and "Sluttvik kommune " + gone_tag not in text, kind
        assert "Storvik" in text, kind  # (XML writes å as a character reference)


def test_the_csv_has_norwegian_decimals_a_colon_for_a_hidden_cell_and_no_formula(
    ombud: Run, offices: dict[str, Office]
) -> None:
    code, out, err = ombud("network", "report", "--year", str(YEAR), "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out), delimiter=";"))
    assert rows[0] == ["år", "utgave", "kontor", "tabell", "tall", "verdi"]
    small_name, big_name = offices["liten"].profile().name, offices["stor"].profile().name
    small = [row for row in rows if row[2] == small_name and row[4] == "Henvendelser mottatt"]
    assert len(small) == 1 and small[0][5] == ":" and small[0][0] == str(YEAR)
    rate = next(row for row in rows if row[2] == "'" + big_name and row[4] == "Henvendelser per 10 000 innbyggere")
    assert rate[5] in ("9,8", ":")  # 39 per 40,000 inhabitants, unless hidden with its count
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_the_xlsx_has_a_sheet_per_table_numbers_as_numbers_and_colons_for_hidden_cells(
    ombud: Run, offices: dict[str, Office], tmp_path: Path
) -> None:
    target = tmp_path / "nettverk.xlsx"
    assert ombud("network", "report", "--year", str(YEAR), "--format", "xlsx", "--output", str(target))[0] == 0
    book = load_workbook(target)
    assert book.sheetnames == ["Forklaring", "Nasjonale grupper", "Sakstyper", "Oppfølging", "Klageutfall", "Utvikling"]
    rows = {row[1].value: row for row in book["Nasjonale grupper"].iter_rows(min_row=2)}
    small, big = rows[offices["liten"].profile().name], rows["'" + offices["stor"].profile().name]
    assert small[3].value == ":"
    assert big[3].value in (39, ":")
    if big[3].value == 39:
        assert big[3].number_format == "#,##0"
    assert big[1].data_type == "s"  # a name, never a formula


def test_a_year_not_yet_over_is_refused_in_norwegian(ombud: Run) -> None:
    this_year = today_in_norway().year
    code, _, err = ombud("network", "report", "--year", str(this_year), "--format", "json")
    assert code == 1
    assert f"{this_year} er ikke et avsluttet år" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "json"], "oppgi --year, eller både --from og --to"),
        (["--year", "2020", "--from", "2019", "--to", "2020", "--format", "json"], "ikke begge"),
        (["--year", "2020", "--format", "xlsx"], "--output: må oppgis for xlsx"),
        (["--year", "2020", "--format", "pdf"], "velg json, csv eller xlsx"),
    ],
)
def test_odd_options_get_one_norwegian_line(ombud: Run, argv: list[str], message: str) -> None:
    code, _, err = ombud("network", "report", *argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_a_range_of_years_gives_each_year_and_the_trend(ombud: Run, offices: dict[str, Office]) -> None:
    code, out, err = ombud("network", "report", "--from", str(YEAR - 1), "--to", str(YEAR), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["years"] == [YEAR - 1, YEAR]
    assert report["trend"]["national"]["inquiries"][1] in (":", *range(39, 10**6))


def test_an_output_file_that_cannot_be_written_is_one_norwegian_line(ombud: Run, tmp_path: Path) -> None:
    missing = tmp_path / "finnes-ikke" / "nettverk.csv"
    code, out, err = ombud("network", "report", "--year", str(YEAR), "--format", "csv", "--output", str(missing))
    assert code == 1 and not out
    assert err.strip() == f"ombud: feil: output: kan ikke skrive {missing} (No such file or directory)"


def test_release_says_which_releases_it_made_and_makes_none_without_a_change(
    ombud: Run, offices: dict[str, Office]
) -> None:
    code, out, err = ombud("network", "release", "--year", str(YEAR))
    assert code == 0, err
    assert out.strip() == "ingen endring siden forrige utgave: ingen ny utgave"
    this_year = today_in_norway().year
    code, _, err = ombud("network", "release", "--year", str(this_year))
    assert code == 1 and f"{this_year} er ikke et avsluttet år" in err
