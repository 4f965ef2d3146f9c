"""The address of the client behind a request, honouring only trusted proxies.

``REMOTE_ADDR`` is the client unless it is one of ``DOUDI_TRUSTED_PROXIES`` (comma-separated addresses
or networks, e.g. ``127.0.0.1,10.0.0.0/8``; empty by default). From a trusted proxy, the address is
the last hop of ``X-Forwarded-For`` that is not itself a trusted proxy — the one the nearest trusted
proxy saw; anything to its left was written by the client and is not believed.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    out = []
    for part in spec.split(","):
        if part.strip():
            out.append(ipaddress.ip_network(part.strip(), strict=False))
    return tuple(out)


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


def client_address(request) -> str:
    remote = (request.META.get("REMOTE_ADDR") if request is not None else "") or ""
    spec = getattr(settings, "DOUDI_TRUSTED_PROXIES", "")
    networks = _networks(",".join(spec) if isinstance(spec, list | tuple) else str(spec or ""))
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed hop: fall back to the proxy itself
    return remote
