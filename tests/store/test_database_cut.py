"""A PostgreSQL connection that dies in the middle of a request's reads is a 503,
like a database that was gone before the request: the request's read transaction
is closed without a word to the dead connection, never a 500 from the teardown."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from service import create_app
from service.store.read import Record

from ..conftest import POSTGRES_SKIP, POSTGRES_URL, wipe_postgres
from ..servers.server import free_port
from ..servers.tcp_proxy import CuttableProxy

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP)]


@pytest.fixture
def proxy():
    upstream = urlsplit(POSTGRES_URL)
    proxy = CuttableProxy(free_port(), (upstream.hostname, upstream.port or 5432))
    proxy.start()
    yield proxy
    proxy.cut()


def test_a_connection_cut_mid_read_is_a_503_and_the_next_request_recovers(proxy, monkeypatch):
    wipe_postgres(POSTGRES_URL)
    parts = urlsplit(POSTGRES_URL)
    url = POSTGRES_URL.replace(parts.netloc, f"{parts.username or 'postgres'}@127.0.0.1:{proxy.listen_port}", 1)
    app = create_app({"DATABASE_URL": url})
    client = app.test_client()
    assert client.get("/v1/positions?as_of=2025-03-20").status_code == 200

    positions = Record.positions

    def cut_then_read(self, *args, **kwargs):
        # The request has read already (actors, topics); its connection dies now.
        proxy.cut()
        return positions(self, *args, **kwargs)

    monkeypatch.setattr(Record, "positions", cut_then_read)
    response = client.get("/v1/positions?as_of=2025-03-20")
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json()["type"].endswith("/database-unavailable")
    assert int(response.headers["Retry-After"]) > 0

    monkeypatch.setattr(Record, "positions", positions)
    proxy.restore()
    assert client.get("/v1/positions?as_of=2025-03-20").status_code == 200
    app.extensions["standpoint.engine"].dispose()
