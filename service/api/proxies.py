"""Which client a request came from, when proxies stand in front.

`X-Forwarded-For` is only as true as whoever sent it. werkzeug's ProxyFix takes
the hops it is told to trust from the right of that header, but it cannot know
whether the connection came from a proxy at all: with gunicorn reachable
directly, anyone can write the header and pick the address the per-IP rate
limit counts. So the header is believed only on connections from the proxy's
own addresses (STANDPOINT_PROXY_ADDRESSES); any other peer is the client itself.
"""

from __future__ import annotations

import ipaddress

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


class ProxyConfigError(ValueError):
    """The proxy settings cannot be trusted as given."""


def proxy_networks(entries: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ProxyConfigError(
                f"STANDPOINT_PROXY_ADDRESSES: {entry!r} is not an IP address or network "
                "(e.g. 172.30.0.10 or 10.0.0.0/24).") from None
    return networks


class ForwardedFromProxiesOnly:
    """ProxyFix for connections from the proxies' addresses; the peer itself otherwise."""

    def __init__(self, wsgi_app, hops: int, networks):
        self.direct = wsgi_app
        self.proxied = ProxyFix(wsgi_app, x_for=hops)
        self.networks = networks

    def from_proxy(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:  # a Unix socket, or no peer at all
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.from_proxy(environ.get("REMOTE_ADDR")):
            return self.proxied(environ, start_response)
        return self.direct(environ, start_response)


def init_app(app: Flask) -> None:
    hops = app.config.get("TRUSTED_PROXIES", 0)
    networks = proxy_networks(app.config.get("PROXY_ADDRESSES") or [])
    if not hops:
        return
    if not networks:
        raise ProxyConfigError(
            f"STANDPOINT_TRUSTED_PROXIES={hops} needs STANDPOINT_PROXY_ADDRESSES: the addresses "
            "your proxy connects from. Without them anyone who reaches the app directly could "
            "choose the client address the rate limits count (see README, Deployment).")
    app.wsgi_app = ForwardedFromProxiesOnly(app.wsgi_app, hops, networks)
