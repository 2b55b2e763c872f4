"""Every UI text in the templates sits in the bokmål catalogue, so a translator's copy of it misses nothing."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from web.i18n import LOCALES, translations

WEB = Path(__file__).parents[2] / "web"


def _texts_in_templates() -> set[str]:
    found = extract_from_dir(
        WEB / "templates", method_map=[("**.html", "jinja2")], options_map={"**.html": {"extensions": "jinja2.ext.i18n"}}
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_the_templates_mark_their_texts_for_translation() -> None:
    assert "Hopp til hovedinnhold" in _texts_in_templates()


def test_the_bokmal_catalogue_holds_every_text_in_the_templates() -> None:
    with (LOCALES / "nb" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(source) if message.id}
    missing = _texts_in_templates() - catalogue
    assert not missing, f"run `make messages`; missing from web/locale/nb: {sorted(missing)}"


def test_a_text_the_catalogue_lacks_falls_back_to_bokmal() -> None:
    assert translations("nb").gettext("Ingen slik tekst i katalogen") == "Ingen slik tekst i katalogen"
