"""The ten case actions under the names people use for them: the web form's address segment and the CLI's verb.

The one list of which typed command each action builds: the inquiry page's forms (web/case_page.py) and the
`ombud inquiry` verbs look their command up here rather than each importing and listing the ten again.
"""

from __future__ import annotations

from dataclasses import dataclass

from services import case_commands as commands
from services.case_commands import CaseCommand


@dataclass(frozen=True)
class CaseAction:
    command: type[CaseCommand]
    segment: str  # the form's address: /{tenant}/henvendelser/{reference}/{segment}
    verb: str  # the command line's: ombud inquiry {verb}


CASE_ACTIONS = (
    CaseAction(commands.Assign, "tildel", "assign"),
    CaseAction(commands.Recategorise, "omkategoriser", "recategorise"),
    CaseAction(commands.SendInterimReply, "foreløpig-svar", "interim-reply"),
    CaseAction(commands.Forward, "videresend", "forward"),
    CaseAction(commands.HoldMeeting, "møte", "meeting"),
    CaseAction(commands.SendComplaint, "klage", "complaint"),
    CaseAction(commands.DecideComplaint, "klagevedtak", "decide"),
    CaseAction(commands.AddNote, "notat", "note"),
    CaseAction(commands.Resolve, "avslutt", "resolve"),
    CaseAction(commands.Reopen, "gjenåpne", "reopen"),
)
BY_SEGMENT: dict[str, type[CaseCommand]] = {action.segment: action.command for action in CASE_ACTIONS}
BY_VERB: dict[str, type[CaseCommand]] = {action.verb: action.command for action in CASE_ACTIONS}
