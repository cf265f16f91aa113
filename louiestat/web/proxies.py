"""Requests that come through a reverse proxy. Only a proxy named in LOUIESTAT_TRUSTED_PROXIES is believed about
the client's address (X-Forwarded-For), the scheme the client asked for (X-Forwarded-Proto) and the host it asked
(X-Forwarded-Host); from anyone else these headers are dropped, so nothing further in can believe them.

Under ``streamlit run``, uvicorn has already believed X-Forwarded-For and -Proto from the addresses in its own
``FORWARDED_ALLOW_IPS`` (127.0.0.1 and ::1 unless set) before this runs, so a proxy on the same machine needs no
setting; the README's *Deploying* says how to make LOUIESTAT_TRUSTED_PROXIES the only list."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from louiestat.config import IPNetwork, get_settings

FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host")
_HOST = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


def is_trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    """Whether ``address`` is in one of the ``trusted`` networks (never for what is not an IP address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str, forwarded_for: str, trusted: Sequence[IPNetwork]) -> str:
    """The client's address: the socket ``peer``, or, when the peer is a trusted proxy, the nearest address in
    X-Forwarded-For that is not one. Each proxy appends the address it was reached from, so addresses further
    left may have been written by the client itself."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if not hops or not is_trusted(peer, trusted):
        return peer
    return next((hop for hop in reversed(hops) if not is_trusted(hop, trusted)), hops[0])


class TrustedProxies:
    """ASGI middleware: a request from a trusted proxy gets the client, scheme and host the proxy says it was sent;
    every request loses its X-Forwarded-* headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.trusted = get_settings().trusted_networks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = self._resolved(scope)
        await self.app(scope, receive, send)

    def _resolved(self, scope: Scope) -> Scope:
        forwarded: dict[bytes, list[str]] = {}
        headers = []
        for name, value in scope["headers"]:
            if name in FORWARDED:
                forwarded.setdefault(name, []).append(value.decode("latin-1"))
            else:
                headers.append((name, value))
        if not forwarded:
            return scope
        peer = (scope.get("client") or ("", 0))[0]
        scope = {**scope, "headers": headers}
        if not is_trusted(peer, self.trusted):
            return scope
        if for_ := forwarded.get(b"x-forwarded-for"):
            scope["client"] = (client_address(peer, ", ".join(for_), self.trusted), 0)
        # The last value is the one the nearest proxy, the trusted one, wrote.
        proto = _last(forwarded.get(b"x-forwarded-proto")).lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto.replace("http", "ws") if scope["type"] == "websocket" else proto
        host = _last(forwarded.get(b"x-forwarded-host"))
        if _HOST.fullmatch(host):
            scope["headers"] = [(name, value) for name, value in headers if name != b"host"]
            scope["headers"].append((b"host", host.encode("latin-1")))
        return scope


def _last(values: list[str] | None) -> str:
    return (values or [""])[-1].split(",")[-1].strip()
