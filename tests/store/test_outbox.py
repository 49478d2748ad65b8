"""The outbox: events stored in the write's own transaction, per matching subscription."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from service.store import dataset_io, subscriptions, tables
from service.store import write as w
from service.store.engine import write_transaction

STATEMENT = {
    "id": "germany-backstop-2025-03-01", "actor": "germany", "topic": "backstop",
    "stance": "leans_against", "summary": "Germany doubts a US backstop.", "quote": "We doubt it.",
    "quote_kind": "verbatim", "stated_on": "2025-03-01", "date_precision": "day",
    "source": {"publisher": "Associated Press", "published_on": "2025-03-01",
               "url": "https://apnews.com/example"},
}


def engine(app):
    return app.extensions["standpoint.engine"]


def subscribe(app, **filters):
    with write_transaction(engine(app)) as conn:
        return subscriptions.create(conn, {"url": "https://newsroom.example/hook", **filters},
                                    "test")[0]


def outbox(app, subscription_id=None):
    d = tables.webhook_deliveries
    query = sa.select(d).order_by(d.c.seq, d.c.subscription_id)
    if subscription_id:
        query = query.where(d.c.subscription_id == subscription_id)
    with engine(app).connect() as conn:
        return [(row.subscription_id, json.loads(row.body)["data"]) for row in conn.execute(query)]


def create(app, **changes):
    with write_transaction(engine(app)) as conn:
        return w.create_statement(conn, {**STATEMENT, **changes}, "ap-desk")


def test_no_subscription_no_events(app):
    create(app)
    assert outbox(app) == []


def test_each_event_goes_to_every_subscription_whose_filters_it_passes(app):
    everything = subscribe(app)
    germany = subscribe(app, actors=["germany"], verdicts=["first_stated"])
    others = subscribe(app, actors=["uk"])
    reversals = subscribe(app, verdicts=["reversed"])
    create(app)
    rows = outbox(app)
    assert sorted(s for s, _ in rows) == sorted([everything.id, germany.id])
    data = rows[0][1]
    assert (data["actor"], data["topic"], data["verdict"], data["change"]) == (
        "germany", "backstop", "first_stated", "added")
    assert data["from"] == {"stance": "no_position", "label": "No recorded position",
                            "statement_id": None}
    assert data["to"]["statement_id"] == "germany-backstop-2025-03-01"
    assert data["statement"]["source"]["publisher"] == "Associated Press"
    assert data["summary"] == "Germany first stated a position: Leans against, on 1 March 2025"
    assert outbox(app, others.id) == [] and outbox(app, reversals.id) == []


def test_a_refused_write_leaves_no_event(app):
    subscribe(app)
    create(app)
    before = outbox(app)
    with pytest.raises(w.Stale):
        with write_transaction(engine(app)) as conn:
            w.revise_statement(conn, STATEMENT["id"], {"stance": "supports"}, "x", lambda s: False)
    assert outbox(app) == before


def test_correction_retraction_and_import_each_cause_their_events(app):
    subscribe(app)
    create(app)
    create(app, id="germany-backstop-2025-03-10", stance="rules_out", stated_on="2025-03-10",
           source={**STATEMENT["source"], "published_on": "2025-03-10"})
    with write_transaction(engine(app)) as conn:
        w.revise_statement(conn, "germany-backstop-2025-03-10", {"stance": "supports"}, "desk",
                           lambda s: True)
    with write_transaction(engine(app)) as conn:
        w.retract_statement(conn, "germany-backstop-2025-03-10", "misattributed", "desk",
                            lambda s: True)
    steps = [(d["change"], d["from"]["stance"], d["to"]["stance"], d["verdict"])
             for _, d in outbox(app)]
    assert steps == [("added", "no_position", "leans_against", "first_stated"),
                     ("added", "leans_against", "rules_out", "shifted"),
                     ("changed", "leans_against", "supports", "reversed"),
                     ("removed", "supports", "leans_against", "reversed")]
    sequences = [d["sequence"] for _, d in outbox(app)]
    assert sequences == sorted(set(sequences))
    # Importing the record again changes nothing, so it causes nothing.
    with write_transaction(engine(app)) as conn:
        dataset_io.import_dataset(conn, dataset_io.bundled(), "again")
    assert len(outbox(app)) == 4


def test_events_read_from_the_write_date_on_equal_those_from_whole_histories(app, monkeypatch):
    """A write reads its cells' trails from the last date before the one it touches on;
    every kind of write makes the same events as from the whole trails."""
    from service.store import outbox as ob

    subscribe(app)
    whole, checked = [], []
    trails, compute = ob._trails, ob.compute

    def windowed(conn, cells, since=None):
        whole.append(trails(conn, cells))
        return trails(conn, cells, since)

    def described(events):
        return [(e.change, e.date, e.statement.id, e.step.verdict, e.step.left.stance,
                 e.step.right.stance, e.current) for e in events]

    def compared(conn, before, after):
        events = compute(conn, before, after)
        assert described(events) == described(compute(conn, whole[-2], whole[-1]))
        checked.append(len(events))
        return events

    monkeypatch.setattr(ob, "_trails", windowed)
    monkeypatch.setattr(ob, "compute", compared)
    stances = ("leans_against", "rules_out", "supports", "open_to")
    for n, day in enumerate((3, 6, 9, 12, 15)):
        create(app, id=f"de-{day}", stance=stances[n % 3], stated_on=f"2025-03-{day:02}")
    create(app, id="de-10", stance="supports", stated_on="2025-03-10")  # back-dated, mid-trail
    create(app, id="de-01", stance="rules_out", stated_on="2025-03-01")  # before all
    create(app, id="de-09b", stance="rules_out", stated_on="2025-03-09")  # same day as one
    with write_transaction(engine(app)) as conn:
        w.revise_statement(conn, "de-6", {"stated_on": "2025-03-13", "note": "Later."},
                           "desk", lambda s: True)  # moved later
        w.revise_statement(conn, "de-12", {"stance": "leans_against", "note": "Misread."},
                           "desk", lambda s: True)
        w.revise_statement(conn, "de-9", {"topic": "peacekeepers", "stance": "open",
                                          "note": "Other topic."}, "desk", lambda s: True)
        w.retract_statement(conn, "de-10", "Wrong speaker.", "desk", lambda s: True)
        w.retract_statement(conn, "de-15", "Not said.", "desk", lambda s: True)  # the current one
    assert len(checked) == 13 and all(checked[:5])
