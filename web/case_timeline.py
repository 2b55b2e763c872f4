"""The inquiry page's timeline: what each step said, codes named in Norwegian, and who did it when."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from domain.common import OSLO
from domain.letterhead import LETTER_NAMES
from domain.names import PARTICIPANT_NAMES
from projections.report.model import labels
from projections.staff_accounts import StaffNames, staff_names
from services.office import HistoryEntry, TenantProfile

# The fields a step shows, in this order; each one's label is named in inquiries/page.html.
SHOWN = (
    "assignee",
    "primary_area",
    "further_areas",
    "case_types",
    "to_body",
    "to",
    "participants",
    "outcome",
    "case_number",
    "kind",
)
# Fields whose codes are named by their own group rather than the tenant's mixed labels.
FIELD_NAMES: dict[str, Mapping[str, str]] = {"participants": PARTICIPANT_NAMES, "kind": LETTER_NAMES}

# What the inhabitant or the office wrote: shown through the personal-data rule of _personal.html.
WRITTEN = ("about", "reason", "text", "title")


@dataclass(frozen=True)
class Detail:
    field: str
    value: str
    personal: bool


@dataclass(frozen=True)
class Step:
    event: str
    on: date
    recorded_at: datetime  # Norwegian time
    role: str
    staff: str | None  # the name of the office account that acted; None for the inhabitant's form, an import
    details: list[Detail]


async def timeline_names(pool: asyncpg.Pool, profile: TenantProfile) -> tuple[dict[str, str], StaffNames]:
    """What a timeline names things by: the tenant's labels for its codes, and its people as they are named now."""
    return labels(profile), await staff_names(pool, profile.slug)


def timeline(history: list[HistoryEntry], names: Mapping[str, str], staff: StaffNames) -> list[Step]:
    """Newest first. `names` names codes (labels of the tenant), `staff` names the tenant's people."""
    return [_step(entry, names, staff) for entry in reversed(history)]


def _step(entry: HistoryEntry, names: Mapping[str, str], staff: StaffNames) -> Step:
    details = [] if entry.event == "Received" else _details(entry.details, names, staff)
    return Step(
        event=entry.event,
        on=entry.on,
        recorded_at=entry.recorded_at.astimezone(OSLO),
        role=entry.actor_role,
        staff=staff.by_id.get(entry.actor_id),
        details=details,
    )


def _details(values: Mapping[str, object], names: Mapping[str, str], staff: StaffNames) -> list[Detail]:
    people = {**names, **staff.by_email}  # an assignment names a person by address
    shown = [Detail(key, _named(values[key], FIELD_NAMES.get(key, people)), False) for key in SHOWN if values.get(key)]
    written = [Detail(key, value, True) for key in WRITTEN if isinstance(value := values.get(key), str)]
    checksum = [Detail("sha256", value, False)] if isinstance(value := values.get("sha256"), str) else []
    return shown + checksum + written


def _named(value: object, names: Mapping[str, str]) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(names.get(str(code), str(code)) for code in value)
    return names.get(str(value), str(value))
