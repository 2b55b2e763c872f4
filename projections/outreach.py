"""Outreach activities (utadrettet virksomhet) per tenant, as last corrected, counted per year in the annual report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import Cursor

from domain.outreach import OutreachActivity

NAME = "outreach"
TABLES = ("read.outreach",)


def apply_batch(cursor: Cursor[Any], tenant_id: str, events: Sequence[Any]) -> None:
    for event in events:
        if isinstance(event, OutreachActivity.Registered):
            cursor.execute(
                "INSERT INTO read.outreach (tenant_id, id, held_on, kind, title, audience, participants)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (tenant_id, event.originator_id, event.on, event.kind, event.title, event.audience, event.participants),
            )
        elif isinstance(event, OutreachActivity.Corrected):
            cursor.execute(
                "UPDATE read.outreach SET held_on = %s, kind = %s, title = %s, audience = %s, participants = %s"
                " WHERE tenant_id = %s AND id = %s",
                (
                    event.held_on,
                    event.kind,
                    event.title,
                    event.audience,
                    event.participants,
                    tenant_id,
                    event.originator_id,
                ),
            )
        elif isinstance(event, OutreachActivity.Withdrawn):
            cursor.execute(
                "DELETE FROM read.outreach WHERE tenant_id = %s AND id = %s", (tenant_id, event.originator_id)
            )
        elif isinstance(event, OutreachActivity.Cancelled):
            cursor.execute(
                "UPDATE read.outreach SET cancelled = true WHERE tenant_id = %s AND id = %s",
                (tenant_id, event.originator_id),
            )
