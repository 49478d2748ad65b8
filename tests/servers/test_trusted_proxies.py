"""Proxies trusted exactly: per-client rate limits behind nginx, and no spoofing
of X-Forwarded-For by a client that reaches gunicorn directly.

gunicorn runs as compose runs it: STANDPOINT_TRUSTED_PROXIES=1 and
STANDPOINT_PROXY_ADDRESSES set to the one address nginx connects from. Here that
is 127.0.0.2 (nginx's `proxy_bind`), so that a client on 127.0.0.1 is a direct
one; clients behind nginx come from 127.0.0.3 and 127.0.0.4 (all of 127/8 is
loopback on Linux). The per-IP budget is 5 requests a minute."""

from __future__ import annotations

import http.client

import pytest

from bench.nginx import MISSING, binary, nginx

from .server import free_port, live_server

pytestmark = pytest.mark.slow
BUDGET = 5
PROXY_ADDRESS = "127.0.0.2"


class Client:
    """HTTP from one loopback source address, so each is a different client IP."""

    def __init__(self, url: str, source: str):
        self.host, port = url.removeprefix("http://").split(":")
        self.port, self.source, self.sent = int(port), source, 0

    def get(self, headers: dict | None = None) -> int:
        # A new date each time: a URL nginx has not cached, so the app counts it.
        self.sent += 1
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10,
                                                source_address=(self.source, 0))
        try:
            connection.request("GET", f"/v1/positions?as_of=2025-01-{self.sent:02d}&actors=uk",
                               headers=headers or {})
            return connection.getresponse().status
        finally:
            connection.close()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("proxies")
    with live_server(tmp_path, workers=1, STANDPOINT_TRUSTED_PROXIES="1",
                     STANDPOINT_PROXY_ADDRESSES=PROXY_ADDRESS,
                     STANDPOINT_RATE_LIMIT_PER_IP=f"{BUDGET} per minute") as app, \
            nginx(int(app.url.rsplit(":", 1)[1]), free_port(), tmp_path / "nginx",
                  server_extra=f"        proxy_bind {PROXY_ADDRESS};") as front:
        yield app, front


@pytest.mark.skipif(binary() is None, reason=MISSING)
def test_behind_the_proxy_each_client_has_its_own_budget(deployment):
    _app, front = deployment
    first, second = Client(front.url, "127.0.0.3"), Client(front.url, "127.0.0.4")
    assert [first.get() for _ in range(BUDGET)] == [200] * BUDGET
    assert first.get() == 429
    # Writing its own X-Forwarded-For does not help: nginx appends the address it saw.
    assert first.get({"X-Forwarded-For": "203.0.113.9"}) == 429
    # Another reader behind the same proxy still has its whole budget.
    assert [second.get() for _ in range(BUDGET)] == [200] * BUDGET


@pytest.mark.skipif(binary() is None, reason=MISSING)
def test_a_direct_client_cannot_choose_its_address(deployment):
    app, _front = deployment
    direct = Client(app.url, "127.0.0.1")
    statuses = [direct.get({"X-Forwarded-For": f"198.51.100.{n}"}) for n in range(BUDGET + 3)]
    assert statuses == [200] * BUDGET + [429] * 3, statuses


def test_trusting_hops_without_the_proxy_addresses_stops_the_app(tmp_path):
    from service import create_app
    from service.api.proxies import ProxyConfigError

    with pytest.raises(ProxyConfigError, match="STANDPOINT_PROXY_ADDRESSES"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "TRUSTED_PROXIES": 1})
    with pytest.raises(ProxyConfigError, match="not an IP address"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "TRUSTED_PROXIES": 1,
                    "PROXY_ADDRESSES": ["nginx"]})
