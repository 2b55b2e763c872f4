"""The annual report's downloads by kind: each renderer (and its heavy library) is imported when a file is asked for."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.deadlines import today_in_norway
from services.office import TenantProfile

MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv",  # Litestar adds the charset to text/* itself
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FORMATS = tuple(MEDIA_TYPES)
DOCUMENTS = ("xlsx", "docx")  # the kinds that set the year beside the years before (`report_history`)


def render(
    kind: str,
    report: dict[str, Any],
    profile: TenantProfile,
    history: dict[str, Any] | None = None,
    today: date | None = None,
) -> bytes:
    """The file of `kind` (one of FORMATS) for the year's figures; `history` is used by the DOCUMENTS only.

    `today` (in Norway unless given) is the day the file is made: a year not over by then is reported «so far».
    """
    today = today or today_in_norway()
    if kind == "docx":
        from projections.report.docx_draft import as_docx  # python-docx and matplotlib: seconds to import

        return as_docx(report, profile, history, today)
    if kind == "xlsx":
        from projections.report.workbook import as_xlsx  # openpyxl

        return as_xlsx(report, profile, history, today)
    from projections.report.flat import as_csv, as_json

    if kind == "csv":
        return as_csv(report, profile, today).encode()
    if kind == "json":
        return as_json(report).encode()
    raise ValueError(kind)
