"""Who is asking, for every per-address limit: X-Forwarded-For counts only when a named proxy sent it."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from litestar import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "ukjent"


def client_address(request: Request) -> str:
    """The peer's address, unless the peer is a trusted proxy: then the right-most untrusted forwarded address."""
    trusted: Sequence[Network] = request.app.state.trusted_proxies
    peer = request.client.host if request.client else UNKNOWN
    return forwarded_client(peer, request.headers.getall("x-forwarded-for", []), trusted)


def forwarded_client(peer: str, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """Walks the chain from the nearest hop outward; anything a client wrote itself lies further left and is never reached
    while a trusted proxy appended the hop to its right."""
    if not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer  # a proxy that writes something else is misconfigured: count its own address
        if not _is_trusted(address, trusted):
            return address
    return (_address(hops[0]) or peer) if hops else peer  # every hop is a proxy of ours: the first one asked


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def _address(hop: str) -> str | None:
    """An address as proxies write it, perhaps with a port (`1.2.3.4:5678`, `[::1]:5678`); None if it is none."""
    if hop.startswith("[") and "]" in hop:
        hop = hop[1 : hop.index("]")]
    elif hop.count(":") == 1:
        hop = hop.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(hop))
    except ValueError:
        return None
