"""Per-address limits see the real client: X-Forwarded-For only from a named proxy, never from whoever sends it."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable

import pytest
from litestar.testing import AsyncTestClient

from infra.settings import Settings, SettingsError
from services.office import Office
from services.platform import Platform
from tests.web.helpers import (
    fresh_contact_counters_fixture,  # noqa: F401 (autouse: fresh counters per test)
    staffed_offices_fixture,  # noqa: F401 (the fixture `staffed_offices`)
)
from web.app import create_app
from web.client_address import forwarded_client
from web.contact import SUBMISSIONS_PER_ADDRESS

pytestmark = pytest.mark.usefixtures("staffed_offices")  # the contact forms are open
PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8::1"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("192.0.2.7", ["198.51.100.1"], "192.0.2.7"),  # not a proxy of ours: its header is ignored
        ("10.1.2.3", ["198.51.100.1"], "198.51.100.1"),
        ("10.1.2.3", ["203.0.113.9, 198.51.100.1"], "198.51.100.1"),  # what the client wrote itself is further left
        ("10.1.2.3", ["203.0.113.9", "198.51.100.1, 10.0.0.2"], "198.51.100.1"),  # two headers, two proxies
        ("10.1.2.3", ["198.51.100.1:4711"], "198.51.100.1"),
        ("2001:db8::1", ["[2001:db8::77]:4711"], "2001:db8::77"),
        ("10.1.2.3", [], "10.1.2.3"),
        ("10.1.2.3", ["ikke-en-adresse"], "10.1.2.3"),  # a hop that is no address counts as the proxy itself
        ("10.1.2.3", ["10.0.0.9, 10.0.0.8"], "10.0.0.9"),
        ("testclient", ["198.51.100.1"], "testclient"),
    ],
)
def test_the_client_is_the_right_most_address_no_trusted_proxy_vouches_for(
    peer: str, forwarded: list[str], expected: str
) -> None:
    assert forwarded_client(peer, forwarded, PROXIES) == expected


def test_the_trusted_proxies_setting_takes_addresses_and_networks_and_defaults_to_none() -> None:
    assert Settings.from_environment({}).trusted_proxies == ()
    named = Settings.from_environment({"OMBUD_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1,2001:db8::/32"})
    assert [str(network) for network in named.trusted_proxies] == ["10.0.0.0/8", "192.0.2.1/32", "2001:db8::/32"]
    with pytest.raises(SettingsError, match="OMBUD_TRUSTED_PROXIES"):
        Settings.from_environment({"OMBUD_TRUSTED_PROXIES": "proxy.example"})


@pytest.fixture
async def proxied(platform: Platform, database_url: str, redis_url: str) -> AsyncIterator[AsyncTestClient]:
    """The app behind proxies in 10.0.0.0/8, as OMBUD_TRUSTED_PROXIES would name them."""
    app = create_app(platform, database_url, redis_url, secure_cookies=False, trusted_proxies=PROXIES)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def honeypot(client: AsyncTestClient, tenant: str, forwarded_for: str) -> int:
    """A robot's submission: counted against the address, nothing written."""
    await client.get(f"/{tenant}/kontakt")
    data = {"summary": "x", "service_area": "helse", "nettside": "robot", "_csrf_token": client.cookies["ombud_csrf"]}
    response = await client.post(
        f"/{tenant}/kontakt", data=data, headers={"x-forwarded-for": forwarded_for}, follow_redirects=False
    )
    return response.status_code


async def test_a_forwarded_for_header_from_an_untrusted_peer_does_not_dodge_the_contact_limit(
    client: AsyncTestClient, office: Office, other_office: Office, peer: Callable[[str], None]
) -> None:
    peer("127.0.0.1")  # loopback is no proxy unless named
    for n in range(SUBMISSIONS_PER_ADDRESS):
        assert await honeypot(client, office.slug, f"198.51.100.{n}") == 303
    assert await honeypot(client, office.slug, "198.51.100.200") == 429
    assert await honeypot(client, other_office.slug, "198.51.100.201") == 303  # each office counts its own


async def test_a_named_proxy_is_believed_so_each_citizen_behind_it_has_their_own_limit(
    proxied: AsyncTestClient, office: Office, peer: Callable[[str], None]
) -> None:
    peer("10.0.0.5")
    for _ in range(SUBMISSIONS_PER_ADDRESS):
        assert await honeypot(proxied, office.slug, "198.51.100.1") == 303
    assert await honeypot(proxied, office.slug, "198.51.100.1") == 429
    assert await honeypot(proxied, office.slug, "198.51.100.2") == 303
    assert await honeypot(proxied, office.slug, "198.51.100.2, 198.51.100.1") == 429  # a spoofed hop changes nothing
