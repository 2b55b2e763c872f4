"""The annual report as flat files: JSON with stable keys, and CSV that Norwegian spreadsheets open as they are."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from domain.names import CODE_NAMES, TAXONOMY_BASIS_NAMES
from projections.report.model import FIGURE_NAMES, SO_FAR, is_unfinished, row_names
from projections.spreadsheet_cells import csv_row
from services.office import TenantProfile

# The CSV's first column: each figure and table by its Norwegian name (the JSON keeps the stable keys).
SECTION_NAMES = {**FIGURE_NAMES, "tenant": "Kommune", "year": "År", "taxonomy_basis": "Taksonomigrunnlag"}


def as_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def as_csv(report: dict[str, Any], profile: TenantProfile | None = None, today: date | None = None) -> str:
    """One row per figure: table;name;value (semicolons, as Excel expects under a Norwegian locale), none a formula.

    Figures, tables, rows and the taxonomy basis are named in Norwegian, as the workbook and the draft name them
    (the office's areas and case types from `profile`; without one, the fixed codes' names). A year still running
    (`today` in it) gets its «so far» titles.
    """
    unfinished = today is not None and is_unfinished(report["year"], today)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Tall", "Navn", "Verdi"])
    for figure, value in report.items():
        section = SO_FAR[figure] if unfinished and figure in SO_FAR else SECTION_NAMES.get(figure, figure)
        if isinstance(value, dict):
            names = row_names(figure, profile) if profile is not None else CODE_NAMES
            writer.writerows(
                csv_row([section, names.get(code, code), *(count if isinstance(count, list) else [count])])
                for code, count in value.items()
            )
        elif isinstance(value, list):
            writer.writerow(csv_row([section, "", *value]))
        elif figure == "taxonomy_basis":
            writer.writerow(csv_row([section, "", TAXONOMY_BASIS_NAMES.get(value, value)]))
        else:
            writer.writerow(csv_row([section, "", "" if value is None else value]))
    return "\ufeff" + out.getvalue()
