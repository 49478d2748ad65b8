"""The webhook outbox: the position events a write causes, stored in the write's
own transaction, one row per event and subscription, so no committed change can
miss its events. The delivery worker sends them (store/deliveries.py).

Events are computed (domain/events.py) only when some subscription exists: a
record nobody subscribes to pays one query per write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
from collections.abc import Iterable, Iterator

import sqlalchemy as sa

from ..domain.events import PositionEvent, cell_events
from ..domain.model import Position, Statement
from . import tables
from .kinds import STATEMENTS
from .read import CHRONOLOGICAL, CURRENT, Record

EVENT_TYPE = "position.changed"
SUBSCRIPTIONS = tables.webhook_subscriptions
DELIVERIES = tables.webhook_deliveries

Cell = tuple[str, str]


def delivery_id() -> str:
    return "msg_" + secrets.token_hex(12)


def _trails(conn: sa.Connection, cells: set[Cell],
            since: dt.date | None = None) -> dict[Cell, list[Statement]]:
    """The current statements of each cell, in position order: all of them, or,
    `since` a date, those from the last date before it on (one index seek back
    from `since`): the steps from `since` on, and the position they start from."""
    trails: dict[Cell, list[Statement]] = {}
    for actor, topic in sorted(cells):
        in_cell = (CURRENT.c.actor_id == actor, CURRENT.c.topic_id == topic,
                   CURRENT.c.status == "current")
        query = sa.select(CURRENT).where(*in_cell)
        if since is not None:
            before = (sa.select(sa.func.max(CURRENT.c.stated_on))
                      .where(*in_cell, CURRENT.c.stated_on < since).scalar_subquery())
            query = query.where(CURRENT.c.stated_on >= sa.func.coalesce(before, since))
        trail = list(map(STATEMENTS.from_row, conn.execute(query.order_by(*CHRONOLOGICAL))))
        if trail:
            trails[(actor, topic)] = trail
    return trails


def _position(position: Position) -> dict:
    return {"stance": position.stance, "label": position.label,
            "statement_id": position.statement.id if position.statement else None}


def payload(event: PositionEvent, sequence: int, at: dt.datetime) -> dict:
    """The JSON a subscriber receives (Standard Webhooks' type/timestamp/data)."""
    step = event.step
    return {"type": EVENT_TYPE, "timestamp": at.isoformat(), "data": {
        "sequence": sequence,
        "actor": step.left_actor.id,
        "topic": step.topic.id,
        "date": event.date.isoformat(),
        "change": event.change,
        "current": event.current,
        "from": _position(step.left),
        "to": _position(step.right),
        "verdict": step.verdict,
        "distance": step.distance,
        "direction": step.direction,
        "conditions_added": list(step.conditions_added),
        "conditions_removed": list(step.conditions_removed),
        "summary": step.summary,
        "statement": STATEMENTS.plain(event.statement),
    }}


def matches(subscription, actor: str, topic: str, verdict: str) -> bool:
    """Whether a subscription's filters (empty: everything) let an event through."""
    return all(not allowed or value in allowed for allowed, value in (
        (subscription.actors, actor), (subscription.topics, topic),
        (subscription.verdicts, verdict)))


def compute(conn: sa.Connection, before: dict[Cell, list[Statement]],
            after: dict[Cell, list[Statement]]) -> list[PositionEvent]:
    record = Record(conn)
    events: list[PositionEvent] = []
    for cell in sorted(set(before) | set(after)):
        old, new = before.get(cell, []), after.get(cell, [])
        if old == new:
            continue
        gone = {s.id for s in old} - {s.id for s in new}
        events += cell_events(record.actors[cell[0]], record.topics[cell[1]], old, new,
                              record.statements(gone) if gone else {})
    return events


def store(conn: sa.Connection, events: list[PositionEvent], subscriptions: list,
          at: dt.datetime) -> int:
    """One outbox row per event and matching subscription; how many."""
    first = conn.execute(sa.select(sa.func.coalesce(sa.func.max(DELIVERIES.c.seq), 0))).scalar_one() + 1
    rows = []
    for sequence, event in enumerate(events, first):
        step = event.step
        body = json.dumps(payload(event, sequence, at), ensure_ascii=False, separators=(",", ":"))
        for subscription in subscriptions:
            if matches(subscription, step.left_actor.id, step.topic.id, step.verdict):
                rows.append({"id": delivery_id(), "subscription_id": subscription.id,
                             "event_type": EVENT_TYPE, "actor_id": step.left_actor.id,
                             "topic_id": step.topic.id, "verdict": step.verdict, "body": body,
                             "status": "pending", "attempts": 0, "next_attempt_at": at,
                             "created_at": at, "seq": sequence})
    if rows:
        conn.execute(DELIVERIES.insert(), rows)
    return len(rows)


@contextlib.contextmanager
def recording(conn: sa.Connection, cells: Iterable[Cell], at: dt.datetime,
              since: dt.date | None = None, seen: list | None = None) -> Iterator[None]:
    """Wrap a write of statements touching `cells` (actor, topic): once it is
    done, the events it caused go into the outbox, in the same transaction.
    `since`: the earliest date the write touches (before or after it), when
    known: then only the trails from there on are read, not whole histories.
    `seen`: a list the events are also added to, computed even when nobody
    subscribes (a proposal's preview: store/proposals.py)."""
    subscriptions = conn.execute(sa.select(SUBSCRIPTIONS).order_by(SUBSCRIPTIONS.c.id)).all()
    if not subscriptions and seen is None:
        yield
        return
    cells = set(cells)
    before = _trails(conn, cells, since)
    yield
    events = compute(conn, before, _trails(conn, cells, since))
    if seen is not None:
        seen.extend(events)
    store(conn, events, subscriptions, at)


def moving(conn: sa.Connection, statement: Statement, seen: list | None = None):
    """`recording` around the write of one revision of `statement`: the cells
    whose history it moves are its own and the one a correction of its actor
    or topic takes it from; the earliest date it touches, its own or the one
    it is corrected from."""
    stored = conn.execute(sa.select(CURRENT.c.actor_id, CURRENT.c.topic_id, CURRENT.c.stated_on)
                          .where(CURRENT.c.statement_id == statement.id)).all()
    cells = {(statement.actor, statement.topic), *((row.actor_id, row.topic_id) for row in stored)}
    since = min([statement.stated_on, *(row.stated_on for row in stored)])
    return recording(conn, cells, statement.recorded_at, since, seen)
