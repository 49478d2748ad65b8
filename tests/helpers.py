"""Small helpers the tests share."""

from __future__ import annotations

from service.store.read import data_version as _data_version


def data_version(app) -> int:
    """The app's data version: the sequence number of the last write."""
    with app.extensions["standpoint.engine"].connect() as conn:
        return _data_version(conn)
