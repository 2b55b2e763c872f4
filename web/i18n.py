"""UI texts go through gettext catalogues (Babel), so nynorsk and English can follow bokmål without touching templates.

The templates' message ids are the bokmål texts themselves: a text missing from a catalogue shows in bokmål.
Catalogues are `.po` files under `web/locale/`, compiled in memory at start (no generated binaries in the repository).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain import names
from domain.deadlines import moment_in_norway
from domain.inquiry import ERASED
from projections.report.numbers import number, percent, signed

LOCALES = Path(__file__).parent / "locale"
DEFAULT_LOCALE = "nb"


def translations(locale: str = DEFAULT_LOCALE) -> Translations:
    """The locale's catalogue, compiled from its `.po` file."""
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


def template_environment(templates: Path, locale: str = DEFAULT_LOCALE) -> Environment:
    """Jinja with autoescaping and `_()`, `{% trans %}` bound to the locale's catalogue; templates load once."""
    environment = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,  # templates ship with the code: no file check on every render
    )
    catalogue = translations(locale)
    environment.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    # The Norwegian names of the fixed codes (domain/names.py), translated once: _labels.html hands them to pages.
    environment.globals["label_groups"] = {
        group: {code: catalogue.gettext(name) for code, name in codes.items()} for group, codes in names.GROUPS.items()
    }
    environment.filters["number"] = lambda value: number(value, locale)  # 34,5 and 1 234 in bokmål
    environment.filters["percent"] = lambda share, digits=1, with_sign=False: percent(share, locale, digits, with_sign)
    environment.filters["change"] = lambda value: signed(value, locale)  # +12, −3 (a real minus), 0
    environment.filters["moment"] = moment_in_norway  # 08.12.2026 kl. 17.05, in Norwegian time
    environment.tests["erased"] = lambda value: value == ERASED  # what an erased personal field holds (domain)
    return environment
