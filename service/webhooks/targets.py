"""Where a webhook may be sent: http(s) URLs whose host resolves only to public
addresses, unless the operator allows private ones
(STANDPOINT_WEBHOOK_ALLOW_PRIVATE=1). Checked when a subscription is made and
again, after DNS resolution, before every delivery, which then connects to the
address that was checked (no second lookup a DNS rebind could answer)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

SCHEMES = ("http", "https")


class UnsafeTarget(ValueError):
    """The URL or the address it resolves to may not receive webhooks."""


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


def check_address(address: str, allow_private: bool) -> None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        raise UnsafeTarget(f"{ip} is not an address a webhook can be sent to")
    if not ip.is_global and not allow_private:
        raise UnsafeTarget(f"{ip} is a private, loopback or link-local address; "
                           "set STANDPOINT_WEBHOOK_ALLOW_PRIVATE=1 to allow such targets")


def resolve(host: str, port: int, allow_private: bool) -> list[str]:
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
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"{host} does not resolve: {exc}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        check_address(address, allow_private)
    return addresses


def default_port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def check_target(url: str, allow_private: bool) -> None:
    """At subscription time. A host that does not resolve yet is let through
    (the check before each delivery stops it); one that resolves to a refused
    address is not."""
    parts = check_url(url)
    try:
        resolve(parts.hostname, default_port(parts), allow_private)
    except UnsafeTarget as exc:
        if not isinstance(exc.__cause__, socket.gaierror):
            raise
