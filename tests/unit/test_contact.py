"""The public form's rules: where "Vet ikke" lands, what the form refuses, and that a citizen may stay anonymous."""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.common import Context
from domain.inquiry import REQUESTER_ROLES
from domain.names import REQUESTER_ROLE_NAMES
from domain.taxonomy import MUNICIPAL_AREAS, SECTOR_AREAS, ServiceArea, Taxonomy
from services.contact import (
    CITIZEN_REQUESTER_ROLES,
    UNSURE,
    CitizenInquiry,
    InvalidInquiry,
    area_choices,
    area_when_unsure,
    check,
    new_receipt_code,
    submit,
)
from services.office import InquiryNotFound
from services.platform import Platform

ON = date(2024, 3, 1)


def taxonomy(areas: tuple[ServiceArea, ...]) -> Taxonomy:
    return Taxonomy(1, date(2000, 1, 1), areas)


def test_unsure_lands_in_the_area_named_annet_when_the_taxonomy_has_one() -> None:
    assert area_when_unsure(taxonomy(MUNICIPAL_AREAS)).code == "annet"


def test_annet_is_found_whatever_its_code_and_case() -> None:
    areas = (ServiceArea("helse", "Helse"), ServiceArea("x9", "ANNET"))
    assert area_when_unsure(taxonomy(areas)).code == "x9"


def test_without_annet_unsure_lands_in_the_first_top_level_area() -> None:
    areas = (ServiceArea("fastlege", "Fastlege", "helse"), ServiceArea("helse", "Helse"), ServiceArea("skole", "Skole"))
    assert area_when_unsure(taxonomy(areas)).code == "helse"
    assert area_when_unsure(taxonomy(SECTOR_AREAS)).code == "helse-og-omsorg"


def test_units_are_offered_with_their_sector_in_the_label() -> None:
    assert ("fastlege", "Helse og omsorg: Fastlege") in area_choices(taxonomy(SECTOR_AREAS))


def test_the_form_names_every_field_at_fault_at_once() -> None:
    wrong = CitizenInquiry(summary=" ", service_area="finnes-ikke", requester_name="x" * 201, contact="ok")
    assert set(check(wrong, taxonomy(MUNICIPAL_AREAS))) == {"summary", "service_area", "requester_name"}


def test_an_unsure_anonymous_citizen_gets_an_inquiry_in_annet(platform: Platform, ctx: Context) -> None:
    office = platform.create_tenant(ctx, slug="testby", name="Testby kommune")
    code = new_receipt_code()
    receipt = submit(office, CitizenInquiry("Fiktiv testsak om manglende svar.", UNSURE), on=ON, receipt_code=code)
    inquiry = office.inquiry(receipt.reference)
    assert (inquiry.primary_area, inquiry.channel, inquiry.requester_role) == ("annet", "web", "not_stated")
    assert (inquiry.requester_name, inquiry.contact) == (None, None)
    assert office.history(receipt.reference)[0].actor_role == "citizen"


def test_a_receipt_code_is_random_letters_in_two_groups_and_says_nothing_of_the_count() -> None:
    codes = {new_receipt_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"[A-HJ-NP-Z]{5}-[A-HJ-NP-Z]{5}", code) and "Q" not in code for code in codes)


def test_a_bad_form_writes_nothing(platform: Platform, ctx: Context) -> None:
    office = platform.create_tenant(ctx, slug="testby", name="Testby kommune")
    with pytest.raises(InvalidInquiry) as raised:
        submit(office, CitizenInquiry("", "helse"), on=ON, receipt_code=new_receipt_code())
    assert raised.value.field == "summary"
    with pytest.raises(InquiryNotFound):
        office.inquiry(f"{ON.year}-0001")


def test_the_citizen_may_say_who_is_writing_and_only_the_domains_categories_are_taken(
    platform: Platform, ctx: Context
) -> None:
    office = platform.create_tenant(ctx, slug="testby", name="Testby kommune")
    said = CitizenInquiry("Fiktiv testsak om avlastning.", "helse", requester_role="relative")
    receipt = submit(office, said, on=ON, receipt_code=new_receipt_code())
    assert office.inquiry(receipt.reference).requester_role == "relative"
    for odd in ("mayor", "USER", " user", "<b>"):
        errors = check(CitizenInquiry("Fiktiv testsak.", "helse", requester_role=odd), taxonomy(MUNICIPAL_AREAS))
        assert set(errors) == {"requester_role"}


def test_a_citizen_who_leaves_the_choice_blank_is_recorded_as_not_stated_never_as_service_recipient() -> None:
    assert "not_stated" not in CITIZEN_REQUESTER_ROLES and "user" in CITIZEN_REQUESTER_ROLES
    assert set(CITIZEN_REQUESTER_ROLES) | {"not_stated"} == set(REQUESTER_ROLES)
    assert REQUESTER_ROLE_NAMES["not_stated"] == "Ikke oppgitt"


def test_a_name_alone_is_no_way_to_answer() -> None:
    assert not CitizenInquiry("Sak", "helse", requester_name="Testesen Testperson").gave_contact_details
    assert not CitizenInquiry("Sak", "helse", contact="   ").gave_contact_details
    assert CitizenInquiry("Sak", "helse", contact="test@eksempel.invalid").gave_contact_details
