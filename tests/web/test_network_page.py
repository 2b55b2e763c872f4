"""The network sees the sharing offices' yearly figures side by side, small counts hidden, and nothing else."""

from __future__ import annotations

import re
from datetime import date

import pytest
from litestar.testing import AsyncTestClient

from domain.common import Context
from projections.worker import ProjectionWorker
from services.office import Office
from services.platform import Platform

YEAR = 2009  # no other test receives inquiries in 2009: the table holds only these offices


def receive(office: Office, ctx: Context, count: int, case_type: str) -> None:
    for n in range(count):
        office.receive(
            ctx,
            received_on=date(YEAR, 3, 1 + n % 28),
            channel="phone",
            requester_role="user",
            service_area="helse",
            case_types=[case_type],
            summary="Testdata uten personopplysninger",
        )


@pytest.fixture
def offices(
    platform: Platform, admin: Context, caseworker: Context, new_slug, worker: ProjectionWorker
) -> dict[str, Office]:
    made = {
        "stor": platform.create_tenant(admin, slug=new_slug(), name="Storby kommune"),
        "mellom": platform.create_tenant(admin, slug=new_slug(), name="Mellomby kommune"),
        "liten": platform.create_tenant(admin, slug=new_slug(), name="Lilleby kommune"),
        "lukket": platform.create_tenant(admin, slug=new_slug(), name="Lukketby kommune", shares_statistics=False),
    }
    receive(made["stor"], caseworker, 30, "no_reply")
    receive(made["mellom"], caseworker, 20, "no_reply")
    receive(made["liten"], caseworker, 3, "no_reply")
    receive(made["lukket"], caseworker, 11, "complaint_help")
    for office in made.values():
        worker.catch_up(office.slug)
    return made


def row(page: str, office: str) -> list[str]:
    cells = re.search(rf"<th scope=\"row\">{office}</th>(.*?)</tr>", page, re.S)
    assert cells, f"{office} is not in the table"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells[1], re.S)]


async def test_the_network_sees_sharing_offices_with_small_counts_hidden(
    client: AsyncTestClient, make_account, sign_in, offices: dict[str, Office]
) -> None:
    await sign_in(make_account("network", None))
    page = (await client.get(f"/nettverk?year={YEAR}")).text
    received = [row(page, name)[0] for name in ("Storby kommune", "Mellomby kommune", "Lilleby kommune")]
    # 3 is too small to show; 20 is hidden with it, or 3 = total − 30 − 20 could be worked out.
    assert received == ["30", ":skjult", ":skjult"]
    assert row(page, "Alle kontorene")[0] == "53"
    assert "Lukketby kommune" not in page  # does not share its statistics
    assert "henvendelser/" not in page and "Testdata" not in page  # no case, no case text


@pytest.mark.parametrize("role", ["caseworker", "tenant_admin", "auditor", "platform_admin"])
async def test_every_other_role_gets_404(
    client: AsyncTestClient, make_account, sign_in, office: Office, role: str
) -> None:
    await sign_in(make_account(role, office.slug if role != "platform_admin" else None))
    assert (await client.get("/nettverk")).status_code == 404
