"""The annual report as every reader gets it: the tables' titles, order and notes, and the key figures.

The statistics page, the Word draft, the workbook and the CSV all render this model, so a table has one title
everywhere, and the rule that an area table identical to the one before it is left out is stated once (`repeats`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from domain.inquiry import NOT_STATED
from domain.names import CODE_NAMES, OUTREACH_KIND_NAMES, REQUESTER_ROLE_NAMES
from projections.report.numbers import number
from services.office import TenantProfile

# Every table of the report by its key in the figures, in the order every format shows them.
TITLES = {
    "by_primary_area": "Henvendelser etter tjenesteområde (primært område)",
    "by_service_area": "Henvendelser etter tjenesteområde (alle berørte områder)",
    "by_parent_area": "Henvendelser etter hovedområde (alle berørte områder)",
    "by_case_type": "Henvendelser etter sakstype",
    "by_requester": "Henvendelser etter hvem som tok kontakt",
    "by_channel": "Henvendelser etter kanal",
    "forwarded": "Henvendelser videresendt eller henvist",
    "complaint_outcomes": "Utfall av klager",
    "outreach": "Utadrettet virksomhet etter type",
}
KEY_FIGURES = {
    "total": "Henvendelser mottatt",
    "outside_mandate": "Utenfor mandat",
    "meetings_held": "Møter holdt",
    "complaints_sent": "Klager sendt",
    "interim_replies": "Foreløpige svar (fvl. § 11 a)",
    "resolved": "Avsluttet innen rapporten ble laget",
    "open_at_year_end": "Åpne ved årsslutt, også fra tidligere år",
    "median_days_to_resolution": "Median dager til avslutning",
    "median_days_to_first_response": "Median dager til første svar",
    "outreach_participants": "Deltakere på utadrettet virksomhet",
}

# Every figure of the report by name, where a figure is listed on its own (the CSV, what changed since a delivery).
FIGURE_NAMES = {
    **KEY_FIGURES,
    **TITLES,
    "p90_days_to_resolution": "90-persentil dager til avslutning",
    "p90_days_to_first_response": "90-persentil dager til første svar",
    "taxonomy_version": "Taksonomiversjon",
}

# Key figures that are a part of the year's inquiries: the page shows their share of the total.
PARTS_OF_TOTAL = ("outside_mandate", "interim_replies", "resolved")
# Key figures in days, where a change in percent says little.
IN_DAYS = ("median_days_to_resolution", "median_days_to_first_response")
# The titles a year still running needs instead (the report's own titles speak of a finished year).
SO_FAR = {"total": "Henvendelser mottatt hittil i år", "open_at_year_end": "Åpne nå, også fra tidligere år"}
# Tables whose rows count inquiries of the year: their shares are of the year's total.
PER_INQUIRY = (
    "by_primary_area",
    "by_service_area",
    "by_parent_area",
    "by_case_type",
    "by_channel",
    "by_requester",
    "forwarded",
)
# Tables where one inquiry counts once only: they sum to the year's total.
ONE_PER_INQUIRY = ("by_primary_area", "by_channel", "by_requester")
# An area table and the one before it: when both count the same, the later one says nothing new.
_REPEATS = {"by_service_area": "by_primary_area", "by_parent_area": "by_service_area"}


def labels(profile: TenantProfile) -> dict[str, str]:
    """Names for the codes on pages and in reports: the fixed codes, areas of every taxonomy version, case types."""
    names = dict(CODE_NAMES)
    names.update({area.code: area.name for taxonomy in profile.taxonomies for area in taxonomy.areas})
    names.update(dict(profile.case_types))
    return names


def row_names(key: str, profile: TenantProfile) -> dict[str, str]:
    """The names of a table's rows by code: outreach by its kinds, every other table by the office's labels."""
    return dict(OUTREACH_KIND_NAMES) if key == "outreach" else labels(profile)


def is_unfinished(year: int, today: date) -> bool:
    """The current year (or a later one) has not ended: its figures are so far, not at year end, and are not compared
    with a whole year (the page, the draft, the workbook and the CSV all ask here)."""
    return year >= today.year


def long_day(day: date) -> str:
    """A date as the documents write it in running text: «8. desember 2026» (no «08.12.2026» to misread as a number)."""
    return format_date(day, "d. MMMM y", locale="nb_NO")


def year_label(year: int, unfinished: bool) -> str:
    """A year as a column or row names it: «2024», or «2024 (hittil i år)» while it runs."""
    return f"{year} (hittil i år)" if unfinished else str(year)


def figures_note(year: int, today: date, *, unfinished: bool, has_previous: bool) -> str:
    """What the key figures count, so «avsluttet» beside «åpne» can not read as a contradiction; and why a running
    year is set beside the whole year before rather than compared with it."""
    made = long_day(today)
    if unfinished:
        note = (
            f"{year} er ikke over: tallene gjelder henvendelser mottatt hittil i år, per {made}. «{KEY_FIGURES['resolved']}» "
            f"er de av dem som var avsluttet {made}. «{SO_FAR['open_at_year_end']}» er alle henvendelser som ikke var "
            f"avsluttet {made}, også de som kom inn før {year}."
        )
        if has_previous:
            note += (
                f" Et år som ikke er over, sammenlignes ikke med et helt år: ved siden av tallene står hele {year - 1}."
            )
    else:
        note = (
            f"Tallene gjelder henvendelser mottatt i {year}. «{KEY_FIGURES['resolved']}» er de av dem som var avsluttet "
            f"{made}, også de som ble avsluttet etter årsskiftet. «{KEY_FIGURES['open_at_year_end']}» er alle "
            f"henvendelser, fra {year} og tidligere år, som ikke var avsluttet 31. desember {year}. De to tallene "
            f"gjelder ulike henvendelser og ulike dager, så de skal ikke legges sammen."
        )
    note += " Dager er regnet fra henvendelsen kom inn."
    if not has_previous:
        note += f" Det er ingen henvendelser registrert i {year - 1} å sammenligne med."
    return note


def repeats(report: dict[str, Any], key: str) -> bool:
    """All areas when no inquiry concerns more than one, top-level areas when the taxonomy has one level: the table
    before it already shows the same counts, so no format shows it."""
    before = _REPEATS.get(key)
    return before is not None and report.get(key) == report.get(before)


@dataclass(frozen=True)
class KeyFigure:
    key: str
    title: str  # bokmål, as the report names it (or as a running year needs it)
    value: int | float | None
    share: float | None  # of the year's total, for figures that are a part of it
    previous: int | float | None  # the same figure the year before, when that year has figures
    in_days: bool
    so_far: bool = False  # the year is still running: set beside the whole year before, never compared with it

    @property
    def change(self) -> int | float | None:
        """The change from the year before; none for a year still running (a part year against a whole one)."""
        if self.value is None or self.previous is None or self.so_far:
            return None
        return round(self.value - self.previous, 1)

    @property
    def relative(self) -> float | None:
        """The change as a share of last year's figure; none for days or from zero."""
        if self.change is None or self.in_days or not self.previous:
            return None
        return self.change / self.previous


def key_figures(
    report: dict[str, Any],
    previous: dict[str, Any] | None,
    titles: dict[str, str] = KEY_FIGURES,
    unfinished: bool = False,
) -> list[KeyFigure]:
    """Each key figure with the year before (None without one); a year still running gets its «so far» titles."""
    total = report["total"]
    return [
        KeyFigure(
            key,
            SO_FAR.get(key, title) if unfinished else title,
            report.get(key),
            report[key] / total if key in PARTS_OF_TOTAL and total and report.get(key) is not None else None,
            previous.get(key) if previous else None,
            key in IN_DAYS,
            unfinished,
        )
        for key, title in titles.items()
    ]


@dataclass(frozen=True)
class ReportTable:
    """One table of the report: its rows by name, the largest first, and what the rows count."""

    key: str
    column: str  # the heading of the names' column in the documents
    rows: tuple[tuple[str, int], ...]
    note: str  # the sentence under the table in the documents: what its sum is
    share_of: int | None  # the documents' shares are of this number; None: no share column
    chart_label: str | None = None  # the axis of its chart in the documents; None: no chart

    @property
    def title(self) -> str:
        return TITLES[self.key]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)


@dataclass(frozen=True)
class ReportSection:
    heading: str
    tables: tuple[ReportTable, ...]


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
        f" Inndelingen i tjenesteområder ble endret {long_day(t.effective_from)} "
        f"(versjon {t.version}): henvendelser mottatt før det står under den forrige inndelingen."
        for t in changes
    )


def report_sections(report: dict[str, Any], profile: TenantProfile) -> list[ReportSection]:
    """The tables in reading order: primary area first, a repeating area table left out, empty ones left out."""
    year, total = report["year"], report["total"]

    def rows(key: str) -> tuple[tuple[str, int], ...]:
        kinds = row_names(key, profile)
        named = ((kinds.get(code, code), count) for code, count in (report.get(key) or {}).items())
        return tuple(sorted(named, key=lambda row: (-row[1], row[0])))  # the largest first, as the charts

    def requesters() -> tuple[tuple[str, int], ...]:
        """Who wrote: a category the office never learnt, or a code no longer known, counts as «Ikke oppgitt»."""
        merged: Counter[str] = Counter()
        for code, count in (report.get("by_requester") or {}).items():
            merged[REQUESTER_ROLE_NAMES.get(code, REQUESTER_ROLE_NAMES[NOT_STATED])] += count
        return tuple(sorted(merged.items(), key=lambda row: (-row[1], row[0])))

    primary_note = (
        f"Hver henvendelse telles én gang, under det tjenesteområdet den først og fremst gjelder, "
        f"så summen er antall henvendelser mottatt i {year} ({number(total)})."
    )
    primary_note += _reorganised(report, profile)
    if repeats(report, "by_service_area"):
        primary_note += " Ingen henvendelse gjaldt mer enn ett tjenesteområde, så fordelingen på alle berørte områder er den samme og vises ikke for seg."
    hierarchical = not repeats(report, "by_parent_area")
    tables = [
        ReportTable(
            "by_primary_area",
            "Tjenesteområde",
            rows("by_primary_area"),
            primary_note,
            total,
            None if hierarchical else "Antall henvendelser",
        ),
        ReportTable(
            "by_service_area",
            "Tjenesteområde",
            rows("by_service_area"),
            _sum_note(sum((report.get("by_service_area") or {}).values()), total, "tjenesteområder")
            + " Andelen er regnet av antall henvendelser.",
            total,
        ),
        ReportTable(
            "by_parent_area",
            "Hovedområde",
            rows("by_parent_area"),
            "Tjenesteområdene samlet under hovedområdet de hører til. En henvendelse telles under hvert område "
            "den gjelder, så summen kan være større enn antall henvendelser. Andelen er regnet av antall henvendelser.",
            total,
            "Antall henvendelser",
        ),
        ReportTable(
            "by_case_type",
            "Sakstype",
            rows("by_case_type"),
            _sum_note(sum((report.get("by_case_type") or {}).values()), total, "sakstyper")
            + " Andelen er regnet av antall henvendelser.",
            total,
            "Antall henvendelser",
        ),
        ReportTable(
            "by_requester",
            "Henvendt av",
            requesters(),
            "Hver henvendelse telles én gang, etter hvem som tok kontakt med ombudet.",
            total,
        ),
        ReportTable(
            "by_channel",
            "Kanal",
            rows("by_channel"),
            "Hver henvendelse telles én gang, etter kanalen den kom inn gjennom.",
            total,
        ),
        ReportTable(
            "forwarded",
            "Videresendt eller henvist til",
            rows("forwarded"),
            f"Henvendelser ombudet sendte videre eller henviste til et annet organ. {number(report.get('outside_mandate'))} "
            "henvendelser lå utenfor ombudets mandat. Andelen er regnet av antall henvendelser.",
            total,
        ),
        ReportTable(
            "complaint_outcomes",
            "Utfall",
            rows("complaint_outcomes"),
            f"Klager sendt i henvendelser mottatt i {year}, der utfallet er kjent. Ombudet sendte eller bisto med "
            f"{number(report.get('complaints_sent'))} klager. Andelen er regnet av klagene med kjent utfall.",
            sum((report.get("complaint_outcomes") or {}).values()),
        ),
        ReportTable(
            "outreach",
            "Type aktivitet",
            rows("outreach"),
            f"Informasjonsmøter, foredrag og annet ombudet holdt i {year}; avlyste aktiviteter er ikke med. "
            f"Til sammen {number(report.get('outreach_participants'))} deltakere der antallet er registrert.",
            None,
        ),
    ]
    shown = {table.key: table for table in tables if table.rows and not repeats(report, table.key)}
    return [
        ReportSection(heading, kept)
        for heading, keys in _SECTIONS
        if (kept := tuple(shown[key] for key in keys if key in shown))
    ]


_SECTIONS = (
    ("Henvendelser etter tjenesteområde", ("by_primary_area", "by_service_area", "by_parent_area")),
    ("Hva henvendelsene gjaldt", ("by_case_type",)),
    ("Hvem tok kontakt, og hvordan", ("by_requester", "by_channel")),
    ("Videresending og klager", ("forwarded", "complaint_outcomes")),
    ("Utadrettet virksomhet", ("outreach",)),
)


def history_of(history: dict[str, Any] | None) -> tuple[dict[str, Any] | None, dict[int, int]]:
    """The year before (None without inquiries) and every year's total, as `report_history` gives them."""
    history = history or {}
    return history.get("previous"), {int(year): n for year, n in (history.get("totals_by_year") or {}).items()}
