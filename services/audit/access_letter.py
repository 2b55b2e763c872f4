"""The innsyn report as a Word letter the office can send the inhabitant, beside the annual report's documents."""

from __future__ import annotations

from domain.letterhead import Letterhead
from services.audit.access_report import AccessReport
from services.letter_documents import long_date, on_letterhead, saved, sign

EXPLANATION = (
    "Du har bedt om innsyn i hvem som har sett opplysningene i henvendelsen din til ombudet. Etter "
    "personvernforordningen (GDPR) artikkel 15 har du rett til å få vite når og hvorfor opplysningene om deg er "
    "brukt. Tabellen under viser hver gang opplysningene i henvendelsen er lest, skrevet ut, lastet ned eller funnet "
    "i et søk: tidspunktet, formålet, rollen til den som så dem og hvordan de ble sett. Navnene på de ansatte står "
    "ikke i oversikten (EU-domstolens dom C-579/21). Alle som arbeider hos ombudet, har taushetsplikt."
)


def as_docx(report: AccessReport, letterhead: Letterhead) -> bytes:
    """The letter on the office's letterhead, as its other letters: reference and date, why the inhabitant gets it,
    one row per access, and the letterhead's signature."""
    document = on_letterhead(letterhead)
    document.add_paragraph(f"Vår referanse: {report.inquiry}\nDato: {long_date(report.generated_at.date())}")
    document.add_heading(f"Innsyn i tilgangsloggen for henvendelse {report.inquiry}", level=1)
    document.add_paragraph(EXPLANATION)
    rows = [access.as_json() for access in report.accesses]
    if rows:
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, ("Tidspunkt", "Formål", "Rolle", "Kanal"), strict=True):
            cell.text = title
        for access, row in zip(report.accesses, rows, strict=True):
            cells = table.add_row().cells
            cells[0].text = f"{access.at:%d.%m.%Y %H:%M}"
            cells[1].text, cells[2].text, cells[3].text = row["purpose"], row["role"], row["channel"]
    else:
        document.add_paragraph("Ingen har sett opplysningene i henvendelsen.")
    document.add_paragraph(
        f"Oversikten er laget {report.generated_at:%d.%m.%Y kl. %H:%M} og omfatter {len(rows)} oppslag. "
        "Ta kontakt med ombudet hvis du har spørsmål."
    )
    sign(document, letterhead)
    return saved(document)
