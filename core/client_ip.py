"""The client's address, the one way poscare reads it.

`X-Forwarded-For` is only a claim: anyone can send it, and a rate limit keyed on it is lifted
by sending a new value with each request. So it is believed only when the peer that sent the
request (REMOTE_ADDR) is one of our own proxies (`TRUSTED_PROXIES`, CIDRs), and then read from
the right: each proxy appends the address it saw, so the first address from the right that is
not a trusted proxy is the client. Entries further left were written by the client itself.

Everything that needs the client address (the verify-contact rate limit, login throttling)
calls `client_ip`.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _address(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = raw.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(raw: str) -> bool:
    address = _address(raw)
    return address is not None and any(address in net for net in trusted_networks())


def client_ip(request: Any) -> str:
    """The address of whoever sent the request, as far as our own proxies vouch for it."""
    meta = request.META
    peer = str(meta.get("REMOTE_ADDR") or "")
    if not is_trusted_proxy(peer):
        return peer
    hops = [hop for hop in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Garbage from a hop we cannot vouch for: stop at the last address we can.
            break
        if not any(address in net for net in trusted_networks()):
            return str(address)
        peer = str(address)
    return peer


def axes_client_ip(request: Any) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: login throttling by the same address."""
    return client_ip(request)
