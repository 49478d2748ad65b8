"""Small helpers the tests share."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from service.store.read import data_version as _data_version


def data_version(app) -> int:
    """The app's data version: the sequence number of the last write."""
    with app.extensions["standpoint.engine"].connect() as conn:
        return _data_version(conn)


def redis_of_this_worker() -> str | None:
    """STANDPOINT_TEST_REDIS_URL, moved to a Redis database of this pytest-xdist worker's own
    (gw0 the one named, gw1 the one below it...): the Redis tests empty their database and count
    its keys, which another worker's test would otherwise be writing to at the same time."""
    url = os.environ.get("STANDPOINT_TEST_REDIS_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    if not url:
        return None
    parsed = urlsplit(url)
    base = int(parsed.path.strip("/") or 0)
    database = (base - int(worker.removeprefix("gw"))) % 16
    return urlunsplit(parsed._replace(path=f"/{database}"))
