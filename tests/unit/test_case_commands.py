"""The case actions are typed commands: the web and the command line build the same ten, from their own fields."""

from __future__ import annotations

from datetime import date

from services.case_commands import CaseCommand, HoldMeeting, Recategorise, SendInterimReply
from web.case_page import ACTIONS


def test_the_web_offers_every_case_command_once() -> None:
    assert sorted(c.__name__ for c in ACTIONS.values()) == sorted(c.__name__ for c in CaseCommand.__subclasses__())


def test_a_form_builds_a_command_with_ticked_lists_and_flags() -> None:
    form = {"service_area": "helse", "further_areas": ["nav"], "case_types": [], "outside_mandate": "ja", "x": "y"}
    command = Recategorise.build("2024-0001", date(2024, 3, 1), 3, form)
    assert command == Recategorise(
        inquiry="2024-0001",
        on=date(2024, 3, 1),
        expected_version=3,
        service_area="helse",
        further_areas=("nav",),
        case_types=(),
        outside_mandate=True,
    )


def test_missing_fields_build_empty_values_for_the_domain_to_refuse() -> None:
    assert HoldMeeting.build("2024-0001", date(2024, 3, 1), None, {}).participants == ()
    assert not Recategorise.build("2024-0001", date(2024, 3, 1), None, {}).outside_mandate
    assert Recategorise.build("2024-0001", date(2024, 3, 1), None, {}).service_area == ""
    assert SendInterimReply.fields() == {}
