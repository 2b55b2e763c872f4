"""The bokmål letter texts that ship with the product; an office may replace each on its letterhead page."""

from __future__ import annotations

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
