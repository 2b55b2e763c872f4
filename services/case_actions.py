"""The ten case actions under the names people use for them: the web form's address segment and the CLI's verb.

The one list of which typed command each action builds: the inquiry page's forms (web/case_page.py) and the
`ombud inquiry` verbs look their command up here rather than each importing and listing the ten again.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.case_commands import (
    AddNote,
    Assign,
    CaseCommand,
    DecideComplaint,
    Forward,
    HoldMeeting,
    Recategorise,
    Reopen,
    Resolve,
    SendComplaint,
    SendInterimReply,
)


@dataclass(frozen=True)
class CaseAction:
    command: type[CaseCommand]
    segment: str  # the form's address: /{tenant}/henvendelser/{reference}/{segment}
    verb: str  # the command line's: ombud inquiry {verb}


CASE_ACTIONS = (
    CaseAction(Assign, "tildel", "assign"),
    CaseAction(Recategorise, "omkategoriser", "recategorise"),
    CaseAction(SendInterimReply, "foreløpig-svar", "interim-reply"),
    CaseAction(Forward, "videresend", "forward"),
    CaseAction(HoldMeeting, "møte", "meeting"),
    CaseAction(SendComplaint, "klage", "complaint"),
    CaseAction(DecideComplaint, "klagevedtak", "decide"),
    CaseAction(AddNote, "notat", "note"),
    CaseAction(Resolve, "avslutt", "resolve"),
    CaseAction(Reopen, "gjenåpne", "reopen"),
)
BY_SEGMENT: dict[str, type[CaseCommand]] = {action.segment: action.command for action in CASE_ACTIONS}
BY_VERB: dict[str, type[CaseCommand]] = {action.verb: action.command for action in CASE_ACTIONS}
