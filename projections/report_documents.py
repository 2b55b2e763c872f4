"""The annual report as an Excel workbook and as a Word draft the ombud finishes: figures, tables and charts set."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from domain.names import CODE_NAMES, OUTREACH_KIND_NAMES
from projections import report_charts
from projections.spreadsheet_cells import xlsx_row
from services.office import TenantProfile

TITLES = {
    "by_service_area": "Henvendelser per tjenesteområde (alle berørte områder)",
    "by_parent_area": "Henvendelser per hovedområde",
    "by_primary_area": "Henvendelser per hovedtjenesteområde (summerer til totalen)",
    "by_case_type": "Henvendelser per sakstype",
    "by_channel": "Henvendelser per kanal",
    "by_requester": "Hvem henvendte seg",
    "forwarded": "Videresendt / henvist til",
    "complaint_outcomes": "Utfall av klager",
    "outreach": "Utadrettet virksomhet",
}
KEY_FIGURES = {
    "total": "Henvendelser mottatt",
    "outside_mandate": "Utenfor mandat",
    "meetings_held": "Møter holdt",
    "complaints_sent": "Klager sendt",
    "interim_replies": "Foreløpige svar (fvl. § 11 a)",
    "resolved": "Avsluttet",
    "open_at_year_end": "Åpne ved årsslutt",
    "median_days_to_resolution": "Median dager til avslutning",
    "median_days_to_first_response": "Median dager til første svar",
    "outreach_participants": "Deltakere på utadrettet virksomhet",
}

# Every figure of the report by name, where a figure is listed on its own (what changed since a delivery).
FIGURE_NAMES = {
    **KEY_FIGURES,
    **TITLES,
    "p90_days_to_resolution": "90-persentil dager til avslutning",
    "p90_days_to_first_response": "90-persentil dager til første svar",
    "taxonomy_version": "Taksonomiversjon",
}


def labels(profile: TenantProfile) -> dict[str, str]:
    """Names for the codes on pages and in reports: the fixed codes, areas of every taxonomy version, case types."""
    names = dict(CODE_NAMES)
    names.update({area.code: area.name for taxonomy in profile.taxonomies for area in taxonomy.areas})
    names.update(dict(profile.case_types))
    return names


# The standard paragraph about the mandate, for the ombud to adjust to the mandate the council adopted.
MANDATE = (
    "Kommuneombudet er opprettet av kommunestyret og arbeider uavhengig av kommunedirektøren. Ombudet skal bidra til "
    "at innbyggerne blir behandlet riktig og rettferdig i møte med kommunen, og at deres rettssikkerhet blir "
    "ivaretatt. Ombudet gir råd og veiledning i enkeltsaker, hjelper med søknader og klager, deltar i møter og tar opp "
    "forhold med tjenestene når flere saker viser samme svakhet. Ombudet informerer om ordningen og om innbyggernes "
    "rettigheter, og gir hvert år kommunestyret melding om sin virksomhet."
)
PLACEHOLDER = "[Skriv her: {}]"
STORY = (
    "året som gikk – hva som preget henvendelsene, saker som viser noe viktig (uten å gjøre noen gjenkjennelig), "
    "og hva ombudet har merket seg i møte med tjenestene."
)
RECOMMENDATIONS = (
    "ombudets anbefalinger til kommunen, gjerne ordnet etter tjenesteområde, med en kort begrunnelse for hver."
)
MEDIAN_KEYS = ("median_days_to_resolution", "median_days_to_first_response")


@dataclass(frozen=True)
class ReportTable:
    """One table of the report as both documents show it: caption, rows by name, and what the rows count."""

    key: str
    caption: str
    column: str
    rows: tuple[tuple[str, int], ...]
    note: str
    share_of: int | None  # the shares are of this number; None: no share column
    chart_label: str | None = None  # the axis of its chart; None: no chart

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)


@dataclass(frozen=True)
class ReportSection:
    heading: str
    tables: tuple[ReportTable, ...]


def number(value: float | None) -> str:
    """34,5 and 1 234 as bokmål writes them; a missing figure is a dash."""
    return "–" if value is None else format_decimal(value, locale="nb_NO")


def share(part: int, whole: int | None) -> str:
    return "–" if not whole else format_percent(part / whole, format="#,##0.0\u00a0%", locale="nb_NO")


def change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 1) if isinstance(now, float) or isinstance(before, float) else now - before


def signed(value: float | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "−" if value < 0 else "") + number(abs(value))


def _sum_note(counted: int, total: int, what: str) -> str:
    if counted > total:
        return f"En henvendelse kan gjelde flere {what} og telles da under hver av dem, så summen ({number(counted)}) er større enn antall henvendelser ({number(total)})."
    if counted < total:
        return f"Ikke alle henvendelser har {what} registrert, så summen ({number(counted)}) er mindre enn antall henvendelser ({number(total)})."
    return f"Summen er antall henvendelser ({number(total)})."


def taxonomy_note(report: dict[str, Any]) -> str:
    if report["taxonomy_basis"] == "reprojected":
        return f"Tjenesteområdene er regnet om til versjon {report['taxonomy_version']} av kontorets inndeling."
    return (
        "Hver henvendelse står under tjenesteområdene slik de var inndelt da den kom inn "
        f"(versjon {report['taxonomy_version']} av kontorets inndeling gjaldt ved årets slutt)."
    )


def _reorganised(report: dict[str, Any], profile: TenantProfile) -> str:
    """A sentence when the areas were reorganised during the year and each inquiry counts under its own version."""
    if report["taxonomy_basis"] == "reprojected":
        return ""
    year = report["year"]
    changes = [t for t in profile.taxonomies if t.effective_from.year == year and t.effective_from > date(year, 1, 1)]
    return "".join(
        f" Inndelingen i tjenesteområder ble endret {format_date(t.effective_from, 'd. MMMM y', locale='nb_NO')} "
        f"(versjon {t.version}): henvendelser mottatt før det står under den forrige inndelingen."
        for t in changes
    )


def report_sections(report: dict[str, Any], profile: TenantProfile) -> list[ReportSection]:
    """The tables in reading order: primary area first, an identical table only once, empty ones left out."""
    names = labels(profile)
    year, total = report["year"], report["total"]

    def rows(key: str, kinds: dict[str, str] = names) -> tuple[tuple[str, int], ...]:
        named = ((kinds.get(code, code), count) for code, count in report[key].items())
        return tuple(sorted(named, key=lambda row: (-row[1], row[0])))  # the largest first, as the charts

    primary_note = (
        f"Hver henvendelse telles én gang, under det tjenesteområdet den først og fremst gjelder, "
        f"så summen er antall henvendelser mottatt i {year} ({number(total)})."
    )
    areas: list[ReportTable] = []
    primary_note += _reorganised(report, profile)
    if report["by_service_area"] == report["by_primary_area"]:
        primary_note += " Ingen henvendelse gjaldt mer enn ett tjenesteområde, så fordelingen på alle berørte områder er den samme og vises ikke for seg."
    hierarchical = report["by_parent_area"] != report["by_service_area"]
    areas.append(
        ReportTable(
            "by_primary_area",
            "Henvendelser etter tjenesteområde (primært område)",
            "Tjenesteområde",
            rows("by_primary_area"),
            primary_note,
            total,
            None if hierarchical else "Antall henvendelser",
        )
    )
    if report["by_service_area"] != report["by_primary_area"]:
        counted = sum(report["by_service_area"].values())
        areas.append(
            ReportTable(
                "by_service_area",
                "Henvendelser etter tjenesteområde (alle berørte områder)",
                "Tjenesteområde",
                rows("by_service_area"),
                _sum_note(counted, total, "tjenesteområder") + " Andelen er regnet av antall henvendelser.",
                total,
            )
        )
    if hierarchical:
        areas.append(
            ReportTable(
                "by_parent_area",
                "Henvendelser etter hovedområde (alle berørte områder)",
                "Hovedområde",
                rows("by_parent_area"),
                "Tjenesteområdene samlet under hovedområdet de hører til. En henvendelse telles under hvert område "
                "den gjelder, så summen kan være større enn antall henvendelser. Andelen er regnet av antall henvendelser.",
                total,
                "Antall henvendelser",
            )
        )
    case_types = ReportTable(
        "by_case_type",
        "Henvendelser etter sakstype",
        "Sakstype",
        rows("by_case_type"),
        _sum_note(sum(report["by_case_type"].values()), total, "sakstyper")
        + " Andelen er regnet av antall henvendelser.",
        total,
        "Antall henvendelser",
    )
    who = [
        ReportTable(
            "by_requester",
            "Henvendelser etter hvem som tok kontakt",
            "Henvendt av",
            rows("by_requester"),
            "Hver henvendelse telles én gang, etter hvem som tok kontakt med ombudet.",
            total,
        ),
        ReportTable(
            "by_channel",
            "Henvendelser etter kanal",
            "Kanal",
            rows("by_channel"),
            "Hver henvendelse telles én gang, etter kanalen den kom inn gjennom.",
            total,
        ),
    ]
    onward = [
        ReportTable(
            "forwarded",
            "Henvendelser videresendt eller henvist",
            "Videresendt eller henvist til",
            rows("forwarded"),
            f"Henvendelser ombudet sendte videre eller henviste til et annet organ. {number(report['outside_mandate'])} "
            "henvendelser lå utenfor ombudets mandat. Andelen er regnet av antall henvendelser.",
            total,
        ),
        ReportTable(
            "complaint_outcomes",
            "Utfall av klager",
            "Utfall",
            rows("complaint_outcomes"),
            f"Klager sendt i henvendelser mottatt i {year}, der utfallet er kjent. Ombudet sendte eller bisto med "
            f"{number(report['complaints_sent'])} klager. Andelen er regnet av klagene med kjent utfall.",
            sum(report["complaint_outcomes"].values()),
        ),
    ]
    outreach = ReportTable(
        "outreach",
        "Utadrettet virksomhet etter type",
        "Type aktivitet",
        rows("outreach", OUTREACH_KIND_NAMES),
        f"Informasjonsmøter, foredrag og annet ombudet holdt i {year}; avlyste aktiviteter er ikke med. "
        f"Til sammen {number(report['outreach_participants'])} deltakere der antallet er registrert.",
        None,
    )
    sections = [
        ReportSection("Henvendelser etter tjenesteområde", tuple(areas)),
        ReportSection("Hva henvendelsene gjaldt", (case_types,)),
        ReportSection("Hvem tok kontakt, og hvordan", tuple(who)),
        ReportSection("Videresending og klager", tuple(onward)),
        ReportSection("Utadrettet virksomhet", (outreach,)),
    ]
    return [
        ReportSection(section.heading, kept)
        for section in sections
        if (kept := tuple(table for table in section.tables if table.rows))
    ]


def key_figures(report: dict[str, Any], previous: dict[str, Any] | None) -> list[tuple[str, Any, Any, Any]]:
    """Each key figure with the year before and the change; without a year before, both are None."""
    return [
        (title, report[key], before := (previous or {}).get(key), change(report[key], before))
        for key, title in KEY_FIGURES.items()
    ]


def _history(history: dict[str, Any] | None) -> tuple[dict[str, Any] | None, dict[int, int]]:
    history = history or {}
    return history.get("previous"), {int(year): n for year, n in (history.get("totals_by_year") or {}).items()}


# ---------------------------------------------------------------- XLSX

_HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
_INTEGER = "#,##0"  # a space between thousands under a Norwegian locale: 1 234
_DECIMAL = "#,##0.0"  # 34,5
_SHARE = "0.0%"  # 32,0 %
_CHART_ROWS = 17  # a chart beside a table is 7,5 cm high: about this many rows


def as_xlsx(report: dict[str, Any], profile: TenantProfile, history: dict[str, Any] | None = None) -> bytes:
    """Every cell through `xlsx_row`: a kommune or area name is text, never a formula. Charts sit beside their tables."""
    previous, totals = _history(history)
    year = report["year"]
    book = Workbook()
    sheet = book.active
    sheet.title = f"Årsrapport {year}"
    sheet.append(xlsx_row(sheet, [f"{profile.name}: årsrapport {year}"]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(xlsx_row(sheet, [taxonomy_note(report)]))
    sheet.append([])
    _xlsx_header(sheet, ["Nøkkeltall", str(year), str(year - 1), "Endring"])
    for row in key_figures(report, previous):
        sheet.append(xlsx_row(sheet, list(row)))
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = _DECIMAL if isinstance(cell.value, float) else _INTEGER
    if previous is None:
        _xlsx_note(sheet, f"Ingen henvendelser er registrert i {year - 1} å sammenligne med.")
    free_from = 0  # the first row below the last chart
    if len(totals) > 1:
        sheet.append([])
        top = _xlsx_header(sheet, ["Henvendelser per år", "Antall"])
        for each, count in totals.items():
            sheet.append(xlsx_row(sheet, [str(each), count]))
            sheet.cell(sheet.max_row, 2).number_format = _INTEGER
        chart = LineChart()
        chart.add_data(Reference(sheet, min_col=2, min_row=top, max_row=sheet.max_row), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=sheet.max_row))
        _chart_look(chart, "Henvendelser per år")
        sheet.add_chart(chart, f"F{top}")
        free_from = top + _CHART_ROWS
    for section in report_sections(report, profile):
        for table in section.tables:
            sheet.append([])
            if table.chart_label:
                while sheet.max_row + 1 < free_from:  # below the chart before: charts never overlap
                    sheet.append([None])
            top = _xlsx_header(sheet, [table.caption, "Antall", *(["Andel"] if table.share_of is not None else [])])
            for name, count in table.rows:
                shares = [count / table.share_of if table.share_of else None] if table.share_of is not None else []
                sheet.append(xlsx_row(sheet, [name, count, *shares]))
                sheet.cell(sheet.max_row, 2).number_format = _INTEGER
                if shares:
                    sheet.cell(sheet.max_row, 3).number_format = _SHARE
            last = sheet.max_row
            _xlsx_note(sheet, table.note)
            if table.chart_label:
                chart = BarChart()
                chart.type = "bar"
                chart.add_data(Reference(sheet, min_col=2, min_row=top, max_row=last), titles_from_data=True)
                chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last))
                chart.y_axis.scaling.orientation = "minMax"
                chart.x_axis.scaling.orientation = "maxMin"  # the largest on top, as in the table
                _chart_look(chart, table.caption)
                sheet.add_chart(chart, f"F{top}")
                free_from = top + _CHART_ROWS
    sheet.column_dimensions["A"].width = 60
    for column in "BCD":
        sheet.column_dimensions[column].width = 12
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_header(sheet: Any, values: list[str]) -> int:
    sheet.append(xlsx_row(sheet, values))
    row = sheet.max_row
    for index, cell in enumerate(sheet[row]):
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        if index:
            cell.alignment = Alignment(horizontal="right")
    return row


def _xlsx_note(sheet: Any, text: str) -> None:
    sheet.append(xlsx_row(sheet, [text]))
    sheet.cell(sheet.max_row, 1).font = Font(italic=True, size=9)


def _chart_look(chart: Any, title: str) -> None:
    chart.title = title
    chart.legend = None
    chart.height, chart.width = 7.5, 16
    chart.y_axis.number_format = _INTEGER
    chart.x_axis.delete = False  # openpyxl hides both axes unless told otherwise
    chart.y_axis.delete = False


# ---------------------------------------------------------------- DOCX

_FONT = "Arial"
_INK = RGBColor(0x1A, 0x1A, 0x1A)
_ACCENT = RGBColor(0x1E, 0x5C, 0x8A)
_TEXT_WIDTH_CM = 16.0  # A4 with 2,5 cm margins
_NUMBER_COLUMN_CM = 2.6
_WHOLE_TABLE_ROWS = 30  # a table this short moves to the next page whole, with the sentence under it


def as_docx(report: dict[str, Any], profile: TenantProfile, history: dict[str, Any] | None = None) -> bytes:
    """The draft an ombud hands in after writing the prose: every figure set, placeholders marked for the rest."""
    previous, totals = _history(history)
    year, total = report["year"], report["total"]
    document = Document()
    _page_and_styles(document, report, profile)
    _cover(document, report, profile)

    document.add_heading("Kommuneombudets mandat", level=1)
    document.add_paragraph(MANDATE)
    _placeholder(document, "tilpass avsnittet til mandatet kommunestyret har vedtatt, og legg mandatet ved.")
    document.add_heading(f"Året som gikk – {year}", level=1)
    _placeholder(document, STORY)

    numbering = _Numbering()
    document.add_heading("Nøkkeltall", level=1)
    before = (previous or {}).get("total")
    lead = f"I {year} mottok ombudet {number(total)} henvendelser"
    lead += f", mot {number(before)} året før ({signed(change(total, before))})." if before is not None else "."
    document.add_paragraph(lead)
    caption = f"Nøkkeltall {year}" + (f" sammenlignet med {year - 1}" if previous is not None else "")
    rows = [
        [title, number(now), number(then), signed(delta)] for title, now, then, delta in key_figures(report, previous)
    ]
    note = (
        "Tallene gjelder henvendelser mottatt i året. «Åpne ved årsslutt» teller også henvendelser fra tidligere år "
        "som ikke var avsluttet 31. desember. Dager er regnet fra henvendelsen kom inn."
    )
    if previous is None:
        note += f" Det er ingen henvendelser registrert i {year - 1} å sammenligne med."
    _table(document, numbering.table(caption), ["Nøkkeltall", str(year), str(year - 1), "Endring"], rows, note)

    if len(totals) > 1:
        years = list(totals)
        table_caption = numbering.table(f"Henvendelser per år, {years[0]}–{years[-1]}", advance=False)
        _figure(
            document,
            report_charts.columns(years, list(totals.values()), "Antall henvendelser"),
            numbering.figure(f"Henvendelser per år, {years[0]}–{years[-1]}"),
            table_caption,
        )
        trend_rows = [
            [str(each), number(count), signed(change(count, totals.get(each - 1)))] for each, count in totals.items()
        ]
        _table(
            document,
            numbering.table(f"Henvendelser per år, {years[0]}–{years[-1]}"),
            ["År", "Antall", "Endring"],
            trend_rows,
            "Henvendelser etter året de kom inn. Endringen er fra året før.",
        )

    for section in report_sections(report, profile):
        document.add_heading(section.heading, level=1).paragraph_format.keep_with_next = True
        for table in section.tables:
            if table.chart_label:
                _figure(
                    document,
                    report_charts.bars(table.rows, table.chart_label),
                    numbering.figure(table.caption),
                    numbering.table(table.caption, advance=False),
                )
            header = [table.column, "Antall", *(["Andel"] if table.share_of is not None else [])]
            rows = [
                [name, number(count), *([share(count, table.share_of)] if table.share_of is not None else [])]
                for name, count in table.rows
            ]
            _table(document, numbering.table(table.caption), header, rows, table.note)

    document.add_heading("Ombudets anbefalinger", level=1)
    _placeholder(document, RECOMMENDATIONS)
    document.add_heading("Om tallene", level=1)
    document.add_paragraph(
        f"Tallene er hentet fra ombudets saksbehandlingssystem. En henvendelse hører til året den kom inn, og alle "
        f"tall per henvendelse gjelder henvendelser mottatt i {year}. {taxonomy_note(report)} Tallene viser ikke hvor "
        "omfattende sakene var, og sier ikke alene noe om kvaliteten på tjenestene."
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _Numbering:
    """Tabell 1, 2, … and Figur 1, 2, … in document order; a figure can name the table that holds its data."""

    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self, caption: str, *, advance: bool = True) -> str:
        if advance:
            self.tables += 1
            return f"Tabell {self.tables}: {caption}"
        return f"tabell {self.tables + 1}"

    def figure(self, caption: str) -> str:
        self.figures += 1
        return f"Figur {self.figures}: {caption}"


def _page_and_styles(document: Any, report: dict[str, Any], profile: TenantProfile) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.different_first_page_header_footer = True  # no footer on the cover
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"Årsmelding {report['year']} · Kommuneombudet i {profile.name} · side ")
    _page_number(footer)
    footer.style = document.styles["Footer"]
    styles = document.styles
    _style(styles["Normal"], size=11, color=_INK)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    styles["Normal"].paragraph_format.line_spacing = 1.15
    _style(styles["Title"], size=30, bold=True, color=_ACCENT)
    _style(styles["Heading 1"], size=16, bold=True, color=_ACCENT)
    styles["Heading 1"].paragraph_format.space_before = Pt(18)
    styles["Heading 1"].paragraph_format.space_after = Pt(6)
    _style(styles["Heading 2"], size=13, bold=True, color=_ACCENT)
    _style(styles["Caption"], size=10, bold=True, color=_INK)
    _style(styles["Footer"], size=8, color=_INK)
    styles["Caption"].paragraph_format.space_before = Pt(10)
    styles["Caption"].paragraph_format.space_after = Pt(4)
    core = document.core_properties
    core.title = f"Årsmelding {report['year']} – Kommuneombudet i {profile.name}"
    core.language = "nb-NO"
    core.author = core.last_modified_by = "Kommuneombudet"
    core.comments = ""


def _style(style: Any, *, size: int, bold: bool = False, color: RGBColor) -> None:
    """One font for every style, with the theme's font and colour taken away so this one holds."""
    properties = style.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), _FONT)
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), "nb-NO")
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = color
    colour = properties.find(qn("w:color"))
    for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
        if colour is not None and colour.get(qn(attribute)) is not None:
            del colour.attrib[qn(attribute)]


def _cover(document: Any, report: dict[str, Any], profile: TenantProfile) -> None:
    kommune = document.add_paragraph()
    kommune.paragraph_format.space_before = Cm(5)
    run = kommune.add_run(profile.name)
    run.font.size, run.font.color.rgb = Pt(16), _ACCENT
    title = document.add_paragraph(f"Årsmelding {report['year']}", style="Title")
    title.paragraph_format.space_after = Pt(12)
    office = document.add_paragraph()
    run = office.add_run("Kommuneombudet")
    run.font.size, run.bold = Pt(18), True
    document.add_paragraph("Til kommunestyret").paragraph_format.space_before = Pt(18)
    signature = document.add_paragraph()
    signature.paragraph_format.space_before = Cm(9)
    _placeholder_run(signature, "sted og dato")
    signature.add_run().add_break()
    _placeholder_run(signature, "ombudets navn")
    signature.add_run().add_break()
    signature.add_run("Ombud")
    signature.add_run().add_break(WD_BREAK.PAGE)


def _placeholder(document: Any, text: str) -> None:
    _placeholder_run(document.add_paragraph(), text)


def _placeholder_run(paragraph: Any, text: str) -> None:
    run = paragraph.add_run(PLACEHOLDER.format(text))
    run.italic = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _page_number(paragraph: Any) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None)):
        if kind:
            part = OxmlElement("w:fldChar")
            part.set(qn("w:fldCharType"), kind)
        elif text:
            part = OxmlElement("w:instrText")
            part.set(qn("xml:space"), "preserve")
            part.text = text
        else:
            part = OxmlElement("w:t")
            part.text = "1"
        run._r.append(part)


def _figure(document: Any, png: bytes, caption: str, data_in: str) -> None:
    """The chart and its caption in one borderless cell that never splits, so a heading above keeps with it.

    The alt text sends a screen reader to the table with the numbers. (A chart alone in a paragraph let
    LibreOffice leave the heading behind at the foot of a page.)
    """
    frame = document.add_table(rows=1, cols=1)
    frame.alignment = WD_TABLE_ALIGNMENT.CENTER
    margins = OxmlElement("w:tblCellMar")  # no padding: the caption lines up with the text
    for side in ("top", "left", "bottom", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    frame._tbl.tblPr.append(margins)
    _flag(frame.rows[0], "w:cantSplit")
    cell = frame.rows[0].cells[0]
    cell.width = Cm(_TEXT_WIDTH_CM)
    picture = cell.paragraphs[0]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.space_before = Pt(8)
    picture.paragraph_format.line_spacing = 1.0
    picture.paragraph_format.keep_with_next = True
    shape = picture.add_run().add_picture(io.BytesIO(png), width=Cm(_TEXT_WIDTH_CM - 0.4))  # inside the cell
    described = shape._inline.docPr
    described.set("descr", f"{caption.split(': ', 1)[1]}. Tallene står i {data_in}.")
    described.set("title", caption)
    below = cell.add_paragraph(f"{caption}. Tallene står i {data_in}.", style="Caption")
    below.paragraph_format.space_after = Pt(10)


def _table(document: Any, caption: str, header: Sequence[str], rows: Sequence[Sequence[str]], note: str) -> None:
    """Caption above, header row repeated on every page, rows kept whole, numbers to the right, what it counts below."""
    document.add_paragraph(caption, style="Caption").paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(header))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _borders(table)
    widths = [Cm(_TEXT_WIDTH_CM - _NUMBER_COLUMN_CM * (len(header) - 1))] + [Cm(_NUMBER_COLUMN_CM)] * (len(header) - 1)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid: LibreOffice lays a table out by it
    _row(table.rows[0], header, widths, header=True, keep_with_next=True)
    _flag(table.rows[0], "w:tblHeader")
    for values in rows:
        _row(table.add_row(), values, widths, header=False, keep_with_next=len(rows) < _WHOLE_TABLE_ROWS)
    after = document.add_paragraph(note)
    after.paragraph_format.space_before = Pt(4)
    after.paragraph_format.space_after = Pt(10)
    for run in after.runs:
        run.font.size, run.italic = Pt(9), True


def _row(row: Any, values: Sequence[str], widths: Sequence[Any], *, header: bool, keep_with_next: bool) -> None:
    _flag(row, "w:cantSplit")
    for index, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
        cell.width = width
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(str(value))
        run.bold = header
        run.font.size = Pt(10)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if index else WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.space_before = Pt(2)
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.line_spacing = 1.0
        paragraph.paragraph_format.keep_with_next = keep_with_next
        if header:
            shading = OxmlElement("w:shd")
            shading.set(qn("w:val"), "clear")
            shading.set(qn("w:color"), "auto")
            shading.set(qn("w:fill"), "DCE6F0")
            cell._tc.get_or_add_tcPr().append(shading)


def _flag(row: Any, name: str) -> None:
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _borders(table: Any) -> None:
    """Lines between rows only, stronger above and below the table: the look of a printed report."""
    borders = OxmlElement("w:tblBorders")
    for edge, size, color in (
        ("top", 8, "1E5C8A"),
        ("bottom", 8, "1E5C8A"),
        ("insideH", 4, "C8D1DA"),
        ("left", 0, None),
        ("right", 0, None),
        ("insideV", 0, None),
    ):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single" if color else "nil")
        if color:
            line.set(qn("w:sz"), str(size))
            line.set(qn("w:space"), "0")
            line.set(qn("w:color"), color)
        borders.append(line)
    table._tbl.tblPr.append(borders)
