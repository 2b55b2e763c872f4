"""Every UI text in the templates sits in the bokmål catalogue, so a translator's copy of it misses nothing."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.web.helpers import TextRead
from web.i18n import LOCALES, template_environment, translations

WEB = Path(__file__).parents[2] / "web"


def _texts_in_templates() -> set[str]:
    found = extract_from_dir(
        WEB / "templates",
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_the_templates_mark_their_texts_for_translation() -> None:
    assert "Hopp til hovedinnhold" in _texts_in_templates()


def test_the_bokmal_catalogue_holds_every_text_in_the_templates() -> None:
    with (LOCALES / "nb" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = {
            message.id if isinstance(message.id, str) else message.id[0] for message in read_po(source) if message.id
        }
    missing = _texts_in_templates() - catalogue
    assert not missing, f"run `make messages`; missing from web/locale/nb: {sorted(missing)}"


# Text a person reads or hears: text nodes and the attributes screen readers announce.
SPOKEN = frozenset({"aria-label", "title", "placeholder", "alt"})


def _words_outside_gettext(template: str) -> list[str]:
    without_jinja = re.sub(r"{%-?\s*trans\b.*?endtrans\s*-?%}", " ", template, flags=re.S)
    without_jinja = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", without_jinja, flags=re.S)
    parser = TextRead(SPOKEN)
    parser.feed(without_jinja)
    # Attributes and query strings that macros write outside a tag are markup, not text.
    markup = re.compile(r'[\w-]+="[^"]*"|[?&][\w-]+=\S*')
    return [text.strip() for text in parser.found if re.search(r"[A-Za-zÆØÅæøå]{2,}", markup.sub(" ", text))]


def test_no_template_shows_text_that_bypasses_the_catalogue() -> None:
    untranslated = {
        str(path.relative_to(WEB)): words
        for path in sorted((WEB / "templates").rglob("*.html"))
        if (words := _words_outside_gettext(path.read_text(encoding="utf-8")))
    }
    assert not untranslated, untranslated


def test_a_text_the_catalogue_lacks_falls_back_to_bokmal() -> None:
    assert translations("nb").gettext("Ingen slik tekst i katalogen") == "Ingen slik tekst i katalogen"


def test_numbers_are_written_the_bokmal_way() -> None:
    number = template_environment(WEB / "templates").filters["number"]
    assert (number(34.5), number(1234), number(7)) == ("34,5", "1\xa0234", "7")


def test_a_section_of_the_law_is_never_broken_over_two_lines() -> None:
    """«§ 11 a» read as «§» at a line's end and «11 a» on the next is no reference: the catalogue joins it with U+00A0."""
    with (LOCALES / "nb" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        texts = {message.id: message.string for message in read_po(source) if isinstance(message.id, str)}
    broken = [
        message
        for message, shown in texts.items()
        if re.search(r"§\s*\d", message) and (not shown or re.search(r"§ |§\xa0\d+ [a-z]\b", shown))
    ]
    assert not broken, f"write these with non-breaking spaces (§\\xa011\\xa0a) in web/locale/nb: {broken}"
