"""Where a webhook may be sent: http(s) URLs whose host resolves only to public
addresses, or to receivers the operator lists (STANDPOINT_WEBHOOK_ALLOWED_TARGETS).
Checked when a subscription is made and again, after DNS resolution, before
every delivery, which then connects to the address that was checked (no second
lookup a DNS rebind could answer)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# IPv6 forms that carry an IPv4 address in their last 32 bits: a host (or a
# NAT64 gateway) may deliver them to that IPv4 address.
_LAST_32_BITS = (
    ipaddress.IPv6Network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated)
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64, well-known prefix
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # NAT64, local use
)


class UnsafeTarget(ValueError):
    """The URL or the address it resolves to may not receive webhooks."""


class Unresolved(UnsafeTarget):
    """The host does not resolve (now): a delivery may try again later."""


@dataclass(frozen=True)
class Allowlist:
    """Receivers allowed whatever their address: `host:port` (a name or an IP,
    IPv6 in brackets) or a network (`10.20.0.0/16`, any port)."""

    endpoints: frozenset[tuple[str, int]] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        endpoints, networks = set(), []
        for entry in entries:
            if "/" in entry:
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError as exc:
                    raise ValueError(f"STANDPOINT_WEBHOOK_ALLOWED_TARGETS: {entry!r}: {exc}") from None
                continue
            parts = urlsplit("//" + entry)
            try:
                port = parts.port
            except ValueError:
                port = None
            if not parts.hostname or port is None or parts.path or parts.username:
                raise ValueError(f"STANDPOINT_WEBHOOK_ALLOWED_TARGETS: {entry!r} is neither "
                                 "host:port (e.g. receiver:8080, [::1]:9000) nor a network "
                                 "(e.g. 10.20.0.0/16)")
            endpoints.add((_normal(parts.hostname), port))
        return cls(frozenset(endpoints), tuple(networks))

    def allows(self, host: str, address: Address, port: int) -> bool:
        return ((_normal(host), port) in self.endpoints
                or (str(address), port) in self.endpoints
                or any(address in network for network in self.networks))


NOTHING_ALLOWED = Allowlist()


def _normal(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower().rstrip(".")


def check_url(url: str):
    """The URL's parts, if it is an absolute http(s) URL with a host and no credentials."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError as exc:
        raise UnsafeTarget(f"not a valid URL: {exc}") from exc
    if parts.scheme not in SCHEMES:
        raise UnsafeTarget("only http and https URLs can receive webhooks")
    if not parts.hostname:
        raise UnsafeTarget("the URL has no host")
    if parts.username or parts.password:
        raise UnsafeTarget("the URL must not carry credentials; the signature authenticates")
    return parts


def embedded_ipv4(ip: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for (mapped, translated,
    compatible, NAT64, 6to4, Teredo's client), if any."""
    if isinstance(ip, ipaddress.IPv4Address):
        return []
    found = [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
             for network in _LAST_32_BITS if ip in network]
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    return found


def _refusal(ip: Address) -> str | None:
    """Why `ip` may not receive webhooks, or None."""
    if ip.is_unspecified or ip.is_multicast:
        return "is not an address a webhook can be sent to"
    if (not ip.is_global or ip.is_reserved
            or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)):
        return "is a private, loopback, link-local or reserved address"
    return None


def check_address(address: str, allowed: Allowlist = NOTHING_ALLOWED, host: str | None = None,
                  port: int | None = None) -> None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if port is not None and allowed.allows(host or address, ip, port):
        return
    if port is None and any(ip in network for network in allowed.networks):
        return
    for candidate in (*embedded_ipv4(ip), ip):
        reason = _refusal(candidate)
        if reason:
            shown = candidate if candidate == ip else f"{ip} (IPv4 {candidate})"
            raise UnsafeTarget(f"{shown} {reason}; list the receiver in "
                               "STANDPOINT_WEBHOOK_ALLOWED_TARGETS to allow it")


def resolve(host: str, port: int, allowed: Allowlist = NOTHING_ALLOWED) -> list[str]:
    """Every address `host` resolves to, each checked; UnsafeTarget if any is refused."""
    try:
        # A name the resolver cannot even encode (an empty label, one over 63
        # characters) is refused here: under gevent a resolver thread would also
        # print the encoding error's traceback.
        host.encode("idna")
    except UnicodeError as exc:
        raise UnsafeTarget(f"{host!r} is not a valid host name") from exc
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Unresolved(f"{host} does not resolve: {exc}") from exc
    except UnicodeError as exc:
        raise UnsafeTarget(f"{host!r} is not a valid host name: {exc}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        check_address(address, allowed, host, port)
    return addresses


def default_port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def check_target(url: str, allowed: Allowlist = NOTHING_ALLOWED) -> None:
    """At subscription time. A host that does not resolve yet is let through
    (the check before each delivery stops it); one that resolves to a refused
    address is not."""
    parts = check_url(url)
    try:
        resolve(parts.hostname, default_port(parts), allowed)
    except Unresolved:
        pass
