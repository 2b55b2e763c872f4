"""The ways personal data can be read, one code each, so every access record says how the data went out."""

from __future__ import annotations

# The case page, a download or export, a letter, the command line, a search hit (infra/migrations/0017 checks these).
ACCESS_CHANNELS = ("web", "download", "letter", "cli", "search")
# Why the command line reads an inquiry unless the operator says otherwise with --purpose.
CLI_PURPOSE = "drift"
# Why staff download the access report: to answer the inhabitant's request for innsyn.
INNSYN_PURPOSE = "innsyn"
# Why a search by name or word lists an inquiry: the hit tells that the person or words belong to it.
SEARCH_PURPOSE = "søk"
# Why an auditor replays an inquiry's history (ombud audit replay, the inquiry's history page).
AUDIT_PURPOSE = "kontroll"
# Why staff make a letter to the inhabitant (receipt, interim reply, closing): it carries their name and address.
LETTER_PURPOSE = "brev"
