"""What an access record says about a read of personal data: the channel it went out by and why, one code each."""

from __future__ import annotations

# The case page, a download or export, a letter, the command line, a search hit (infra/migrations/0017 checks these).
ACCESS_CHANNELS = ("web", "download", "letter", "cli", "search")
# Why staff open an inquiry to work on it (the case page).
CASE_WORK_PURPOSE = "saksbehandling"
# Why the command line reads an inquiry unless the operator says otherwise with --purpose.
CLI_PURPOSE = "drift"
# Why staff download the access report: to answer the inhabitant's request for innsyn.
INNSYN_PURPOSE = "innsyn"
# Why a search by name or word lists an inquiry: the hit tells that the person or words belong to it.
SEARCH_PURPOSE = "søk"
# A live search asks as the person types: the same person finding the same inquiry again within this many seconds
# adds no record, the first one already says they saw it then (services/audit/access_log.py, docs/security.md).
SEARCH_REPEAT_SECONDS = 60
# Why an auditor replays an inquiry's history (ombud audit replay, the inquiry's history page).
AUDIT_PURPOSE = "kontroll"
# Why staff download a file attached to an inquiry (its bytes are the inhabitant's documents).
ATTACHMENT_PURPOSE = "vedlegg"
# Why staff make a letter to the inhabitant (receipt, interim reply, closing): it carries their name and address.
LETTER_PURPOSE = "brev"
# Why the tenant administrator takes an inquiry into a Noark 5 extract for the kommune's archive (arkivlova).
ARCHIVE_PURPOSE = "arkivering"
