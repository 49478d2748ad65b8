"""Which URLs and addresses may receive webhooks."""

from __future__ import annotations

import socket

import pytest

from service.webhooks import targets


@pytest.mark.parametrize("url", [
    "http://" + "a" * 64 + ".example/hook",  # a label over 63 characters
    "http://a..example/hook",  # an empty label
])
def test_a_host_name_no_resolver_could_read_is_refused_without_asking_one(monkeypatch, url):
    def resolver(*_args, **_kwargs):
        raise AssertionError("the resolver was asked")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(targets.UnsafeTarget, match="not a valid host name"):
        targets.check_target(url)


def test_a_name_that_does_not_resolve_yet_may_be_subscribed_but_not_sent_to():
    targets.check_target("https://standpoint-test.invalid/hook")
    with pytest.raises(targets.UnsafeTarget, match="does not resolve"):
        targets.resolve("standpoint-test.invalid", 443)


@pytest.mark.parametrize("address, allowed", [
    ("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
    ("127.0.0.1", False), ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("::1", False), ("fe80::1", False),
    ("fd00::1", False), ("::ffff:127.0.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
])
def test_only_global_addresses_unless_private_ones_are_allowed(address, allowed):
    if allowed:
        targets.check_address(address)
    else:
        with pytest.raises(targets.UnsafeTarget):
            targets.check_address(address)


@pytest.mark.parametrize("address", [
    "::127.0.0.1", "::10.0.0.1",  # IPv4-compatible
    "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe",  # IPv4-translated: loopback, link-local
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::192.168.1.1",  # NAT64
    "64:ff9b:1::a9fe:a9fe",  # NAT64, local use
    "2002:7f00:1::", "2002:a00:1::1", "2002:c0a8:101::1",  # 6to4 of 127/8, 10/8, 192.168/16
    "fec0::1", "fec0:1234::5",  # site-local
])
def test_ipv6_forms_that_carry_a_private_ipv4_or_are_site_local_are_refused(address):
    with pytest.raises(targets.UnsafeTarget):
        targets.check_address(address)


def test_the_refusal_names_the_ipv4_inside():
    with pytest.raises(targets.UnsafeTarget, match=r"64:ff9b::7f00:1 \(IPv4 127\.0\.0\.1\)"):
        targets.check_address("64:ff9b::7f00:1")


def test_the_allowlist_lets_through_the_receivers_it_names_and_nothing_else():
    allowed = targets.Allowlist.parse(["127.0.0.1:8765", "receiver:9000", "[::1]:8080",
                                       "10.20.0.0/16"])
    targets.check_address("127.0.0.1", allowed, "127.0.0.1", 8765)
    targets.check_address("172.18.0.5", allowed, "receiver", 9000)  # a compose service name
    targets.check_address("172.18.0.5", allowed, "Receiver.", 9000)
    targets.check_address("::1", allowed, "::1", 8080)
    targets.check_address("10.20.3.4", allowed, "intranet.example", 443)
    for address, host, port in (("127.0.0.1", "127.0.0.1", 8766),  # another port
                                ("127.0.0.2", "127.0.0.2", 8765),  # another address
                                ("172.18.0.5", "other", 9000),  # another name
                                ("10.21.0.1", "intranet.example", 443),  # outside the network
                                ("::ffff:127.0.0.1", "::ffff:127.0.0.1", 8080)):
        with pytest.raises(targets.UnsafeTarget):
            targets.check_address(address, allowed, host, port)


@pytest.mark.parametrize("entry", ["receiver", "http://receiver:80/", "10.0.0.0/33", "a:b"])
def test_an_allowlist_entry_that_is_neither_host_port_nor_a_network_stops_the_app(entry):
    with pytest.raises(ValueError, match="STANDPOINT_WEBHOOK_ALLOWED_TARGETS"):
        targets.Allowlist.parse([entry])
