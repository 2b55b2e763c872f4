"""The annual report as a Word draft the ombud finishes: figures, tables and charts set, placeholders for the prose.

python-docx and the charts' matplotlib are heavy: projections.report.files imports this module when it renders.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from domain.deadlines import today_in_norway
from projections.report import charts
from projections.report.model import (
    figures_note,
    history_of,
    is_unfinished,
    key_figures,
    long_day,
    report_sections,
    taxonomy_note,
    year_label,
)
from projections.report.numbers import number, share, signed
from services.office import TenantProfile

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

_FONT = "Arial"
_INK = RGBColor(0x1A, 0x1A, 0x1A)
_ACCENT = RGBColor(0x1E, 0x5C, 0x8A)
_TEXT_WIDTH_CM = 16.0  # A4 with 2,5 cm margins
_NUMBER_COLUMN_CM = 2.6
_WHOLE_TABLE_ROWS = 30  # a table this short moves to the next page whole, with the sentence under it


def as_docx(
    report: dict[str, Any], profile: TenantProfile, history: dict[str, Any] | None = None, today: date | None = None
) -> bytes:
    """The draft an ombud hands in after writing the prose: every figure set, placeholders marked for the rest.

    A year not over by `today` (in Norway unless given) is reported «so far» and set beside the whole year before,
    never compared with it, as the statistics page does.
    """
    previous, totals = history_of(history)
    year, total = report["year"], report["total"]
    today = today or today_in_norway()
    unfinished = is_unfinished(year, today)
    document = Document()
    _page_and_styles(document, report, profile)
    _cover(
        document,
        report,
        profile,
        f"{year} er ikke over: tallene gjelder hittil i år, per {long_day(today)}." if unfinished else "",
    )

    document.add_heading("Kommuneombudets mandat", level=1)
    document.add_paragraph(MANDATE)
    _placeholder(document, "tilpass avsnittet til mandatet kommunestyret har vedtatt, og legg mandatet ved.")
    document.add_heading(f"Året som gikk – {year}", level=1)
    _placeholder(document, STORY)

    numbering = _Numbering()
    document.add_heading("Nøkkeltall", level=1)
    before = (previous or {}).get("total")
    if unfinished:
        lead = f"Hittil i {year}, per {long_day(today)}, har ombudet mottatt {number(total)} henvendelser"
        lead += f". I hele {year - 1} mottok ombudet {number(before)}." if before is not None else "."
        caption = f"Nøkkeltall {year}, hittil i år" + (f", med hele {year - 1} ved siden av" if previous else "")
        header = ["Nøkkeltall", year_label(year, True), f"Hele {year - 1}"]
    else:
        lead = f"I {year} mottok ombudet {number(total)} henvendelser"
        lead += f", mot {number(before)} året før ({signed(total - before)})." if before is not None else "."
        caption = f"Nøkkeltall {year}" + (f" sammenlignet med {year - 1}" if previous is not None else "")
        header = ["Nøkkeltall", str(year), str(year - 1), "Endring"]
    document.add_paragraph(lead)
    rows = [
        [figure.title, number(figure.value), number(figure.previous), signed(figure.change)][: len(header)]
        for figure in key_figures(report, previous, unfinished=unfinished)
    ]
    note = figures_note(year, today, unfinished=unfinished, has_previous=previous is not None)
    _table(document, numbering.table(caption), header, rows, note)

    if len(totals) > 1:
        years = list(totals)
        table_caption = numbering.table(f"Henvendelser per år, {years[0]}–{years[-1]}", advance=False)
        _figure(
            document,
            charts.columns(
                [year_label(y, is_unfinished(y, today)) for y in years], list(totals.values()), "Antall henvendelser"
            ),
            numbering.figure(f"Henvendelser per år, {years[0]}–{years[-1]}"),
            table_caption,
        )
        trend_rows = [
            [
                year_label(each, is_unfinished(each, today)),
                number(count),
                signed(None if each - 1 not in totals or is_unfinished(each, today) else count - totals[each - 1]),
            ]
            for each, count in totals.items()
        ]
        trend_note = "Henvendelser etter året de kom inn. Endringen er fra året før."
        if is_unfinished(years[-1], today):
            trend_note += f" {years[-1]} er ikke over og sammenlignes ikke med et helt år."
        _table(
            document,
            numbering.table(f"Henvendelser per år, {years[0]}–{years[-1]}"),
            ["År", "Antall", "Endring"],
            trend_rows,
            trend_note,
        )

    for section in report_sections(report, profile):
        document.add_heading(section.heading, level=1).paragraph_format.keep_with_next = True
        for table in section.tables:
            if table.chart_label:
                _figure(
                    document,
                    charts.bars(table.rows, table.chart_label),
                    numbering.figure(table.title),
                    numbering.table(table.title, advance=False),
                )
            header = [table.column, "Antall", *(["Andel"] if table.share_of is not None else [])]
            rows = [
                [name, number(count), *([share(count, table.share_of)] if table.share_of is not None else [])]
                for name, count in table.rows
            ]
            _table(document, numbering.table(table.title), header, rows, table.note)

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


def _cover(document: Any, report: dict[str, Any], profile: TenantProfile, so_far: str) -> None:
    kommune = document.add_paragraph()
    kommune.paragraph_format.space_before = Cm(5)
    run = kommune.add_run(profile.name)
    run.font.size, run.font.color.rgb = Pt(16), _ACCENT
    title = document.add_paragraph(f"Årsmelding {report['year']}", style="Title")
    title.paragraph_format.space_after = Pt(12)
    if so_far:
        document.add_paragraph(so_far)
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
