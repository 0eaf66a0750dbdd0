"""The real client behind a reverse proxy, believed only from the proxies the settings name.

A proxy in front of the service opens the connections itself, so every request's socket peer
is the proxy; it passes the client's address on in `X-Forwarded-For`, and the scheme in
`X-Forwarded-Proto`. Anyone else can send those headers too. `ProxyHeadersMiddleware` reads
them only when the socket peer is in `GRIDGRAPH_TRUSTED_PROXIES` (default: none), and then
walks `X-Forwarded-For` from the right, past the trusted hops, to the first address that is
not a trusted proxy: the client as the nearest untrusted hop saw it. Whatever the client wrote
to the left of that is ignored. The middleware replaces `scope["client"]` (and `scheme`), so the
failed-login and rate limits (`core.ratelimit.client_key`), the access log and the app all see
the same address, under uvicorn or any other server. It is uvicorn's own
`uvicorn.middleware.proxy_headers.ProxyHeadersMiddleware`, applied in the app (which
`gridgraph serve` therefore runs with uvicorn's `proxy_headers` off), with these differences: a
hop that is not an IP address ends the walk at the proxy that passed it on, instead of being
taken for a client, and the trust list comes from the settings, not `FORWARDED_ALLOW_IPS`.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("gridgraph.proxy")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SCHEMES = {"http", "https", "ws", "wss"}


def parse_address(value: str) -> IPAddress | None:
    """The IP address of a forwarded hop (`198.51.100.1`, `198.51.100.1:5123`, `2001:db8::1`,
    `[2001:db8::1]:443`); an IPv4-mapped IPv6 address as IPv4; None if it is none of these."""
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    """The addresses and networks of `GRIDGRAPH_TRUSTED_PROXIES`."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.networks = [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries]

    def __bool__(self) -> bool:
        return bool(self.networks)

    def __contains__(self, address: IPAddress | None) -> bool:
        return address is not None and any(address in network for network in self.networks)

    def client(self, peer: IPAddress, forwarded_for: list[str]) -> IPAddress:
        """The client behind `peer` (a trusted proxy), given the hops of `X-Forwarded-For`.

        Each proxy appends the address it received the request from, so the hops are read from
        the right: the first one that is not a trusted proxy is the client. If every hop is
        trusted, the leftmost is; if a hop is not an address, the trusted proxy that passed it
        on is taken for the client (so garbage cannot pick a bucket).
        """
        client = peer
        for hop in reversed(forwarded_for):
            address = parse_address(hop)
            if address is None:
                break
            client = address
            if address not in self:
                break
        return client


class ProxyHeadersMiddleware:
    """ASGI middleware: `scope["client"]` and `scope["scheme"]` as a trusted proxy reports them."""

    def __init__(self, app: ASGIApp, trusted: Iterable[str]) -> None:
        self.app = app
        self.trusted = TrustedProxies(trusted)
        self._warned = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = self._resolve(scope)
        await self.app(scope, receive, send)

    def _resolve(self, scope: Scope) -> Scope:
        client = scope.get("client")
        peer = parse_address(str(client[0])) if client else None
        forwarded_for: list[str] = []
        proto: str | None = None
        for name, value in scope.get("headers") or []:
            if name == b"x-forwarded-for":
                forwarded_for += value.decode("latin-1").split(",")
            elif name == b"x-forwarded-proto":
                proto = value.decode("latin-1").rpartition(",")[2].strip().lower()
        if peer not in self.trusted:
            if forwarded_for and peer is not None and (peer.is_private or peer.is_loopback):
                self._warn_once(peer)
            return scope
        assert peer is not None
        resolved = dict(scope)
        if forwarded_for:
            real = self.trusted.client(peer, forwarded_for)
            if real != peer:
                resolved["client"] = (str(real), 0)
        if proto in _SCHEMES:
            secure = proto.endswith("s")
            if scope["type"] == "websocket":
                resolved["scheme"] = "wss" if secure else "ws"
            else:
                resolved["scheme"] = "https" if secure else "http"
        return resolved

    def _warn_once(self, peer: IPAddress) -> None:
        if self._warned:
            return
        self._warned = True
        log.warning(
            "ignoring X-Forwarded-For from %s, which is not a trusted proxy; if it is this "
            "service's reverse proxy, list it in GRIDGRAPH_TRUSTED_PROXIES, or every client "
            "behind it shares one rate-limit bucket",
            peer,
        )
