"""The bokmål letter texts that ship with the product; an office may replace each on its letterhead page."""

from __future__ import annotations

from datetime import date

from domain.deadlines import reply_due

# Each letter's heading, above the text.
TITLES = {
    "receipt": "Kvittering for mottatt henvendelse",
    "interim_reply": "Foreløpig svar på henvendelsen din",
    "closing": "Henvendelsen din er avsluttet",
}

# The texts, paragraphs separated by a blank line; the [placeholders] are those domain.letterhead.PLACEHOLDERS allows.
DEFAULT_TEXTS = {
    "receipt": (
        "Vi har mottatt henvendelsen din av [mottatt]. Den har fått referansen [referanse]. Oppgi gjerne "
        "referansen når du tar kontakt med oss om saken.\n\n"
        "Vi tar sikte på å svare deg innen én måned. Trenger vi mer tid, får du et foreløpig svar som forklarer "
        "hvorfor og når du kan vente svar (forvaltningsloven § 11 a).\n\n"
        "Alle som arbeider hos ombudet, har taushetsplikt. Opplysningene du gir oss, brukes bare til å behandle "
        "henvendelsen din."
    ),
    "interim_reply": (
        "Vi viser til henvendelsen din av [mottatt] med referanse [referanse].\n\n"
        "Vi har ikke kunnet gi deg et endelig svar innen én måned, fordi saken krever mer arbeid: vi må innhente "
        "opplysninger og gå gjennom saken nærmere.\n\n"
        "Du kan regne med å få svar innen [svar_innen]. Dette foreløpige svaret gis etter forvaltningsloven "
        "§ 11 a andre ledd.\n\n"
        "Ta gjerne kontakt med oss hvis du har spørsmål eller nye opplysninger i saken."
    ),
    "closing": (
        "Vi viser til henvendelsen din av [mottatt] med referanse [referanse].\n\n"
        "Vi har nå avsluttet saken din hos ombudet, med virkning fra [avsluttet].\n\n"
        "Har du spørsmål, eller skjer det noe nytt i saken, er du velkommen til å ta kontakt med oss igjen. "
        "Oppgi da referansen over.\n\n"
        "Takk for at du tok kontakt med ombudet."
    ),
}

# The interim reply's opening, by when it is sent: the day the inquiry came in, or later within the month; after the
# month, DEFAULT_TEXTS' own opening (which the letterhead page shows) holds.
_INTERIM_SAME_DAY = (
    "Vi har i dag mottatt henvendelsen din. Den har fått referansen [referanse]. Oppgi gjerne referansen når du tar "
    "kontakt med oss om saken.\n\n"
    "Vi kan ikke gi deg et endelig svar med en gang, fordi saken krever mer arbeid: vi må innhente opplysninger og gå "
    "gjennom saken nærmere.\n\n"
)
_INTERIM_WITHIN_MONTH = (
    "Vi viser til henvendelsen din med referanse [referanse], som vi mottok [mottatt].\n\n"
    "Vi kan ikke gi deg et endelig svar ennå, fordi saken krever mer arbeid: vi må innhente opplysninger og gå "
    "gjennom saken nærmere.\n\n"
)


def default_text(kind: str, received_on: date, dated: date) -> str:
    """The product's text for a letter of `kind` dated `dated`, worded for that day: an interim reply sent the day
    the inquiry came in says so, and one sent within the month does not say a month has passed."""
    text = DEFAULT_TEXTS[kind]
    if kind != "interim_reply" or dated >= reply_due(received_on):
        return text
    after_opening = text.split("\n\n", 2)[2]
    return (_INTERIM_SAME_DAY if dated <= received_on else _INTERIM_WITHIN_MONTH) + after_opening
