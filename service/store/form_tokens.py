"""One-time form tokens: a desk form sent twice (a double click, a reload of the
answer) records its write once, and the second sending is shown the first's result.

Like store/idempotency.py (which is keyed by API key, and a desk account may have
none): the token's row is inserted first thing in the write's own transaction, so
the primary key (holder, token) decides which of two racing posts writes; the
other's insert fails once the first commits, and it reads the page the first led
to. A refused write rolls back with the row, so the form can be corrected and sent
again with the same token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from . import tables
from .engine import write_transaction

TABLE = tables.desk_form_tokens


class _Spent(Exception):
    pass


def once(engine: sa.Engine, holder: str, token: str,
         perform: Callable[[sa.Connection], str]) -> tuple[str, bool]:
    """Run `perform` (the write; it returns the address of its result) once per
    (holder, token): (that address, whether this call made the write)."""
    try:
        with write_transaction(engine) as conn:
            try:
                conn.execute(TABLE.insert().values(
                    holder=holder, token=token, result_url="",
                    created_at=dt.datetime.now(dt.timezone.utc)))
            except sa.exc.IntegrityError as exc:
                raise _Spent from exc
            url = perform(conn)
            conn.execute(TABLE.update().where(TABLE.c.holder == holder, TABLE.c.token == token)
                         .values(result_url=url))
            return url, True
    except _Spent:
        pass
    with engine.connect() as conn:
        return conn.execute(sa.select(TABLE.c.result_url).where(
            TABLE.c.holder == holder, TABLE.c.token == token)).scalar_one(), False


def purge(engine: sa.Engine, older_than: dt.timedelta) -> None:
    """Forget the tokens of forms sent longer ago than a session lasts: such a form cannot
    be sent again (its CSRF token went with its session)."""
    with write_transaction(engine) as conn:
        conn.execute(TABLE.delete().where(
            TABLE.c.created_at < dt.datetime.now(dt.timezone.utc) - older_than))
