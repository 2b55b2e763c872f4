"""The case actions are typed commands: the web and the command line build the same ten, from their own fields."""

from __future__ import annotations

from datetime import date

from domain.inquiry import (
    COMPLAINT_OUTCOMES,
    COMPLAINT_RECIPIENTS,
    FORWARD_BODIES,
    MEETING_PARTICIPANTS,
    RESOLUTION_OUTCOMES,
)
from infra.cli import build_parser
from services.case_actions import BY_VERB, CASE_ACTIONS
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


def test_each_case_command_has_one_web_address_and_one_command_line_verb_that_builds_it() -> None:
    parser = build_parser()
    assert sorted(c.__name__ for c in BY_VERB.values()) == sorted(c.__name__ for c in CaseCommand.__subclasses__())
    assert len({action.segment for action in CASE_ACTIONS}) == len({action.verb for action in CASE_ACTIONS}) == 10
    for verb, command in BY_VERB.items():
        arguments = parser.parse_args(["inquiry", verb, "--tenant", "t", "2024-0001", *_required(verb)])
        assert arguments.case_command is command


def _required(verb: str) -> list[str]:
    """The fewest flags each verb's parser accepts (the test asks only which command the verb builds)."""
    return {
        "assign": ["--assignee", "a@example.org"],
        "recategorise": ["--service-area", "helse"],
        "forward": ["--to-body", FORWARD_BODIES[0], "--reason", "r"],
        "meeting": ["--participants", MEETING_PARTICIPANTS[0]],
        "complaint": ["--to", COMPLAINT_RECIPIENTS[0], "--about", "a"],
        "decide": ["--outcome", COMPLAINT_OUTCOMES[0]],
        "note": ["--text", "t"],
        "resolve": ["--outcome", RESOLUTION_OUTCOMES[0]],
        "reopen": ["--reason", "r"],
    }.get(verb, [])
