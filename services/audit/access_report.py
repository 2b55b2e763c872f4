"""The inhabitant's innsyn in the access log (GDPR art. 15): when, why, in which role and which way their inquiry was
read, and never by whom (CJEU C-579/21), built once for the JSON, the letter, the command line and the web."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from domain.common import OSLO, ROLE_NAMES

# What the inhabitant reads: Norwegian names for the channel and the purpose (ROLE_NAMES for the role), else the code.
CHANNEL_NAMES = {
    "web": "Sakssiden på nett",
    "download": "Nedlasting",
    "letter": "Brev",
    "cli": "Kommandolinjen (drift)",
    "search": "Søk",
}
PURPOSE_NAMES = {
    "saksbehandling": "Saksbehandling",
    "innsyn": "Svar på innsynskrav",
    "drift": "Drift",
    "søk": "Søk",
    "tilsyn": "Tilsyn",
    "kontroll": "Kontroll",
    "brev": "Brev til innbyggeren",
    "vedlegg": "Lastet ned vedlegg",
    "arkivering": "Arkivering",
}

# Only the when, why, role and channel: the reader's account id is never selected, so it cannot leak into a report.
_ACCESSES = "SELECT at, purpose, role, channel FROM audit.access_records WHERE inquiry_id = $1 ORDER BY at, id"


@dataclass(frozen=True)
class Access:
    at: datetime  # in Norwegian time
    purpose: str
    role: str
    channel: str

    def as_json(self) -> dict[str, str]:
        return {
            "at": self.at.isoformat(timespec="seconds"),
            "purpose": PURPOSE_NAMES.get(self.purpose, self.purpose),
            "role": ROLE_NAMES.get(self.role, self.role),
            "channel": CHANNEL_NAMES.get(self.channel, self.channel),
            "purpose_code": self.purpose,
            "role_code": self.role,
            "channel_code": self.channel,
        }


@dataclass(frozen=True)
class AccessReport:
    inquiry: str  # the reference
    generated_at: datetime
    accesses: tuple[Access, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "inquiry": self.inquiry,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "accesses": [access.as_json() for access in self.accesses],
        }


async def access_report(conn: asyncpg.Connection, reference: str, inquiry_id: UUID) -> AccessReport:
    """Every recorded read of the inquiry, oldest first; the connection is the tenant's (reading.tenant_transaction)."""
    rows = await conn.fetch(_ACCESSES, inquiry_id)
    return AccessReport(
        inquiry=reference,
        generated_at=datetime.now(OSLO),
        accesses=tuple(
            Access(at=row["at"].astimezone(OSLO), purpose=row["purpose"], role=row["role"], channel=row["channel"])
            for row in rows
        ),
    )
