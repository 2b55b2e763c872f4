"""loependeJournal.xml and offentligJournal.xml: every journalpost of the extract; the public one without names or
summaries (skjerming under offl. § 13 and fvl. § 13), only the public titles and the screening's basis."""

from __future__ import annotations

from services.archive.noark import PARTY_TYPES, SCREENED, SCREENING_BASIS, SCREENING_CODE, Extract
from services.archive.writing import Builder

RUNNING = "http://www.arkivverket.no/standarder/noark5/loependeJournal"
PUBLIC = "http://www.arkivverket.no/standarder/noark5/offentligJournal"


def journal(extract: Extract, *, public: bool) -> bytes:
    """The running journal (the office's own, names and titles in it marked screened) or the public journal."""
    b = Builder(PUBLIC, "offentligJournal") if public else Builder(RUNNING, "loependeJournal")
    head = b.add(b.root, "journalhode")
    entries = sorted(extract.entries, key=lambda e: (e.journal_year, e.journal_number))
    b.fields(head, ("journalStartDato", extract.start), ("journalSluttDato", extract.end))
    b.fields(head, ("seleksjon", "Avsluttede henvendelser mottatt i perioden"), ("antallJournalposter", len(entries)))
    creator = b.add(head, "arkivskaper")
    b.fields(creator, ("arkivskaperID", extract.slug), ("arkivskaperNavn", extract.office))
    for case_file in extract.case_files:
        for entry in case_file.entries:
            row = b.add(b.root, "journalregistrering")
            klasse = b.add(row, "klasse")
            b.fields(klasse, ("klasseID", case_file.area), ("tittel", case_file.area_name))
            folder = b.add(row, "saksmappe")
            b.fields(
                folder,
                ("mappeID", case_file.reference),
                ("saksaar", case_file.year),
                ("sakssekvensnummer", case_file.sequence),
            )
            if public:
                b.fields(
                    folder,
                    ("offentligTittel", case_file.public_title),
                    ("administrativEnhet", "Ombudet"),
                    ("tilgangsrestriksjon", SCREENING_CODE),
                    ("skjermingshjemmel", SCREENING_BASIS),
                )
            else:
                b.fields(
                    folder,
                    ("tittel", case_file.title),
                    ("offentligTittel", case_file.public_title),
                    ("skjermingMetadata", "tittel"),
                    ("administrativEnhet", "Ombudet"),
                    ("saksansvarlig", case_file.responsible),
                )
            post = b.add(row, "journalpost")
            b.fields(
                post,
                ("systemID", entry.system_id),
                ("registreringsID", f"{case_file.reference}-{entry.number}"),
                ("journalaar", entry.journal_year),
                ("journalsekvensnummer", entry.journal_number),
                ("journalpostnummer", entry.number),
            )
            if not public:
                b.fields(post, ("tittel", entry.title))
            b.fields(post, ("offentligTittel", entry.public_title))
            if not public:
                b.fields(post, ("offentlighetsvurdertDato", entry.on), ("skjermingMetadata", "korrespondansepart"))
            b.fields(post, ("journaldato", entry.on), ("dokumentetsDato", entry.on))
            b.fields(
                post,
                ("administrativEnhet", "Ombudet"),
                ("tilgangsrestriksjon", SCREENING_CODE),
                ("skjermingshjemmel", SCREENING_BASIS),
            )
            party = b.add(post, "korrespondansepart")
            b.fields(
                party,
                ("korrespondanseparttype", PARTY_TYPES[entry.post_type]),
                ("korrespondansepartNavn", SCREENED if public else entry.party),
            )
            if not public:
                b.fields(party, ("skjermingMetadata", "korrespondansepartNavn"))
    return b.bytes()
