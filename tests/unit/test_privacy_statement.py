"""The office's privacy statement: plain text in paragraphs, the product's text until the office writes its own."""

from __future__ import annotations

from datetime import date

import pytest

from domain.common import Context, InvalidField
from domain.privacy_statement import MAX_LENGTH, clean, default_statement, paragraphs, statement_for
from domain.tenant import Tenant
from tests.unit.helpers import register_tenant

ON = date(2024, 3, 1)


def test_paragraphs_are_kept_line_ends_made_one_kind_and_blank_lines_between_them_made_one() -> None:
    typed = "  Første avsnitt,\r\n  andre linje.  \r\n\r\n\r\n\n  Andre avsnitt.\t\n\n"
    assert clean(typed) == "Første avsnitt,\nandre linje.\n\nAndre avsnitt."
    assert paragraphs(clean(typed)) == [("Første avsnitt,", "andre linje."), ("Andre avsnitt.",)]


def test_markup_is_kept_as_the_text_it_is_for_the_page_to_escape() -> None:
    assert clean("<script>alert(1)</script>") == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("x" * (MAX_LENGTH + 1), f"høyst|lengre enn {MAX_LENGTH}"),
        ("Tekst\x00med null", "kontrolltegn"),
        ("Tekst\x1bmed escape", "kontrolltegn"),
        ("Snudd \u202e tekst", "skriveretningen"),
        ("\ud800", "kontrolltegn"),
    ],
)
def test_what_cannot_be_stored_or_would_mislead_is_refused_at_its_field(typed: str, says: str) -> None:
    with pytest.raises(InvalidField) as refused:
        clean(typed)
    assert refused.value.field == "privacy_statement"
    assert any(part in refused.value.message for part in says.split("|"))


def test_blank_means_the_products_text_which_names_the_office_and_the_citizens_rights() -> None:
    assert clean("  \n\n \r\n") == ""
    text = statement_for("Prøveby kommune", "")
    assert text == default_statement("Prøveby kommune")
    assert "Prøveby kommune" in text and "Datatilsynet" in text and "innsyn" in text and "taushetsplikt" in text
    assert statement_for("Prøveby kommune", "Vår egen.") == "Vår egen."


def test_the_tenant_records_a_change_once_and_the_same_text_again_records_nothing(ctx: Context) -> None:
    tenant: Tenant = register_tenant(ctx)
    assert tenant.privacy_statement == ""
    assert tenant.change_privacy_statement(ctx, on=ON, text="Vår egen erklæring.\r\n") is True
    assert tenant.change_privacy_statement(ctx, on=ON, text="  Vår egen erklæring.") is False
    events = tenant.collect_events()
    assert [type(event).__name__ for event in events][-1] == "PrivacyStatementChanged"
    assert sum(isinstance(event, Tenant.PrivacyStatementChanged) for event in events) == 1
    assert tenant.privacy_statement == "Vår egen erklæring."
    assert tenant.change_privacy_statement(ctx, on=ON, text="") is True  # back to the product's text
    assert tenant.privacy_statement == ""
