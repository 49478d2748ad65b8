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
