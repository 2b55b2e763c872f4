"""The network report as files: JSON as built, CSV one figure a row, XLSX one sheet per table; `:` for a hidden cell.

`:` is the sign official statistics use for a value withheld for confidentiality (Eurostat, SSB), and it stands
alone: no file says why a cell is hidden. Every text cell is made inert (projections.spreadsheet_cells): an office's
name may begin with `=`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from projections.network_report import HIDDEN
from projections.spreadsheet_cells import csv_row, xlsx_row

NATIONAL_NAME = "Hele nettverket"
_INTEGER = "#,##0"  # as the annual report's workbook: 1 234 under a Norwegian locale
_DECIMAL = "#,##0.0"


def as_json(report: dict[str, Any]) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()


def figure_rows(report: dict[str, Any]) -> Iterator[tuple[int, str, str, str, Any]]:
    """(year, office, table, figure, cell) for every published cell, national first, in the tables' order."""
    groups = {group["code"]: group["name"] for group in report["groups"]}
    case_types = {case_type["code"]: case_type["name"] for case_type in report["case_types"]}
    outcomes = {outcome["code"]: outcome["name"] for outcome in report["complaint_outcomes"]}
    measures = {measure["code"]: measure["name"] for measure in report["measures"]}
    for year in report["by_year"]:
        for name, figures in ((NATIONAL_NAME, year["national"]), *((o["name"], o) for o in year["offices"])):
            yield year["year"], name, "Henvendelser", "Henvendelser mottatt", figures["inquiries"]
            rate = figures["inquiries_per_10000_inhabitants"]
            yield year["year"], name, "Henvendelser", "Henvendelser per 10 000 innbyggere", rate
            for code, cell in figures["by_national_group"].items():
                yield year["year"], name, "Nasjonal gruppe", groups[code], cell
            for code, cell in figures["by_case_type"].items():
                yield year["year"], name, "Sakstype", case_types[code], cell
            for code, measure in measures.items():
                yield year["year"], name, "Oppfølging", measure, figures[code]
            yield year["year"], name, "Oppfølging", "Median dager til avslutning", figures["median_days_to_resolution"]
            yield year["year"], name, "Klageutfall", "Avgjorte klager", figures["complaints_decided"]
            for code, cell in figures["complaint_outcomes"].items():
                yield year["year"], name, "Klageutfall", outcomes[code], cell


def as_csv(report: dict[str, Any]) -> bytes:
    """Semicolons and decimal commas, as a Norwegian spreadsheet reads them; a hidden cell is `:`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["år", "utgave", "kontor", "tabell", "tall", "verdi"])
    releases = {entry["year"]: _release_name(entry) for entry in report["by_year"]}
    for year, office, table, figure, cell in figure_rows(report):
        writer.writerow(csv_row([year, releases[year], office, table, figure, "" if cell is None else cell]))
    return ("\ufeff" + out.getvalue()).encode()


def _release_name(entry: dict[str, Any]) -> str:
    release = entry.get("release")
    return f"{release['number']} ({release['released']})" if release else "ingen"


def as_xlsx(report: dict[str, Any]) -> bytes:
    """One sheet per table with every year's offices and the network's totals, a sheet for the trend, one legend."""
    from openpyxl import Workbook  # here, not at the top: only an xlsx download pays for importing it

    book = Workbook()
    legend = book.active
    legend.title = "Forklaring"
    _legend(legend, report)
    groups = [(group["code"], group["name"]) for group in report["groups"]]
    case_types = [(case_type["code"], case_type["name"]) for case_type in report["case_types"]]
    outcomes = [(outcome["code"], outcome["name"]) for outcome in report["complaint_outcomes"]]
    measures = [(measure["code"], measure["name"]) for measure in report["measures"]]
    tables = {
        "Nasjonale grupper": (
            ["Innbyggere", "Henvendelser", "Per 10 000 innbyggere", *(name for _, name in groups)],
            lambda f: [
                f.get("population"),
                f["inquiries"],
                f["inquiries_per_10000_inhabitants"],
                *(f["by_national_group"][code] for code, _ in groups),
            ],
        ),
        "Sakstyper": (
            [name for _, name in case_types],
            lambda f: [f["by_case_type"][code] for code, _ in case_types],
        ),
        "Oppfølging": (
            [*(name for _, name in measures), "Median dager til avslutning"],
            lambda f: [*(f[code] for code, _ in measures), f["median_days_to_resolution"]],
        ),
        "Klageutfall": (
            ["Avgjorte klager", *(name for _, name in outcomes)],
            lambda f: [f["complaints_decided"], *(f["complaint_outcomes"][code] for code, _ in outcomes)],
        ),
    }
    for title, (columns, cells) in tables.items():
        sheet = book.create_sheet(title)
        sheet.append(xlsx_row(sheet, ["År", "Kontor", *columns]))
        for year in report["by_year"]:
            for name, figures in ((NATIONAL_NAME, year["national"]), *((o["name"], o) for o in year["offices"])):
                _append(sheet, [year["year"], name], cells(figures))
        _finish(sheet)
    trend = book.create_sheet("Utvikling")
    trend.append(xlsx_row(trend, ["Kontor", "Tall", *report["years"]]))
    names = {
        "inquiries": "Henvendelser mottatt",
        "inquiries_per_10000_inhabitants": "Henvendelser per 10 000 innbyggere",
        "median_days_to_resolution": "Median dager til avslutning",
        **dict(measures),
    }
    for name, figures in (
        (NATIONAL_NAME, report["trend"]["national"]),
        *((o["name"], o) for o in report["trend"]["offices"]),
    ):
        for code, label in names.items():
            _append(trend, [name, label], figures[code])
    _finish(trend)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _legend(sheet: Any, report: dict[str, Any]) -> None:
    from openpyxl.styles import Font

    years = report["years"]
    lines = [
        ["Ombudsnettverkets statistikk"],
        ["År", f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])],
        ["Terskel", report["threshold"]],
        *(["Utgave", f"{entry['year']}: {_release_name(entry)}"] for entry in report["by_year"]),
        [HIDDEN, "skjult tall"],
        ["", f"Tall fra 1 til {report['threshold']} vises ikke, og heller ikke rater og medianer som bygger på dem."],
        ["", "Henvendelser telles én gang per henvendelse; per sakstype kan summen bli større enn totalen."],
    ]
    for line in lines:
        sheet.append(xlsx_row(sheet, line))
    sheet["A1"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 90


def _append(sheet: Any, labels: list[Any], cells: list[Any]) -> None:
    from openpyxl.styles import Alignment

    values = [*labels, *cells]
    sheet.append(xlsx_row(sheet, values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, float):
            cell.number_format = _DECIMAL
        elif isinstance(cell.value, int):
            cell.number_format = "0" if cell.column == 1 else _INTEGER  # a year, never 2 024
        elif cell.value == HIDDEN:
            cell.alignment = Alignment(horizontal="right")


def _finish(sheet: Any) -> None:
    from openpyxl.styles import Font

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 28


FORMATS = {"json": as_json, "csv": as_csv, "xlsx": as_xlsx}
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
