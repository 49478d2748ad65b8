"""kill -9 of a gunicorn worker during approvals loses nothing and duplicates nothing.

Proposals (each a first statement for an actor of its own, so each approval causes
exactly one position event) are approved by an editor while one worker is killed.
Every approval is sent twice at once, by two threads with the same Idempotency-Key (a
client retrying while its first request is still in flight), and a request cut off by
the kill is retried with that key too. Afterwards every proposal is approved once or
not at all, and each approved one has exactly one statement revision and one outbox
event, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict

import pytest
import sqlalchemy as sa

from service.api.records import revision_etag
from service.store import keys, proposals, subscriptions, tables
from service.store import write as w
from service.store.engine import write_transaction

from .kill import KILL_AT, UNLIMITED, kill_a_worker_under, post_until_answered
from .server import live_server, make_key

pytestmark = pytest.mark.slow

PROPOSALS = 120
PAIRS = 2  # pairs of threads; the two threads of a pair approve the same proposals together


def _proposals(database_url: str) -> tuple[str, list[tuple[str, str, str]]]:
    """An editor's key, and (proposal id, ETag, actor) for each pending proposal, made by a
    reporter, each for an actor of its own; a webhook subscription takes every event."""
    make_key(database_url, "editor")  # migrates and seeds the database, as a first start would
    engine = sa.create_engine(database_url)
    editor = keys.create_key(engine, "kill-editor", "editor")
    made = []
    with write_transaction(engine) as conn:
        subscriptions.create(conn, {"url": "https://newsroom.example/hook"}, "kill test")
        for number in range(PROPOSALS):
            actor = f"kill-actor-{number}"
            w.create_actor(conn, {"id": actor, "name": f"Kill test actor {number}",
                                  "kind": "state"}, "kill test")
            proposal, _ = proposals.propose(conn, "statement", "create", None, {
                "actor": actor, "topic": "backstop", "stance": "requires",
                "summary": f"Kill test {number}.", "quote": "Kill test quote.",
                "quote_kind": "paraphrase", "stated_on": "2025-04-02", "date_precision": "day",
                "source": {"publisher": "Kill test", "published_on": "2025-04-02"}},
                "kill-reporter")
            made.append((proposal.id, f'"{revision_etag(proposal)}"', actor))
    engine.dispose()
    return editor, made


def test_killing_a_worker_during_approvals_approves_each_proposal_once(tmp_path,
                                                                      server_database_url):
    database_url = server_database_url
    editor, made = _proposals(database_url)
    answers: dict[str, list[tuple[float, int, dict]]] = defaultdict(list)  # proposal -> answers
    cut_off, lock, stop = [], threading.Lock(), threading.Event()
    with live_server(tmp_path, database_url=database_url, workers=2, **UNLIMITED) as server:
        started = time.monotonic()
        # The two threads of a pair start together on each proposal, so their requests race.
        barriers = [threading.Barrier(2) for _ in range(PAIRS)]

        def approver(pair: int) -> None:
            for proposal_id, etag, _actor in made[pair::PAIRS]:
                try:
                    barriers[pair].wait(timeout=60)
                except threading.BrokenBarrierError:
                    return
                if stop.is_set():
                    barriers[pair].abort()
                    return
                headers = {"Authorization": f"Bearer {editor}", "If-Match": etag,
                           "Idempotency-Key": f"approve-{proposal_id}"}
                answered = post_until_answered(server.url, f"/v1/proposals/{proposal_id}/approval",
                                               {}, headers, cut_off)
                if answered is not None:
                    with lock:
                        answers[proposal_id].append((time.monotonic() - started, *answered))

        kill_a_worker_under(server, [threading.Thread(target=approver, args=(n % PAIRS,))
                                     for n in range(2 * PAIRS)], stop)

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        approved = dict(conn.execute(
            sa.select(tables.proposal_revisions.c.proposal_id, tables.proposal_revisions.c.result_id)
            .where(tables.proposal_revisions.c.status == "approved")).all())
        approvals = conn.scalar(sa.select(sa.func.count()).select_from(tables.proposal_revisions)
                                .where(tables.proposal_revisions.c.status == "approved"))
        revisions = conn.execute(sa.select(tables.statement_revisions.c.statement_id, sa.func.count())
                                 .where(tables.statement_revisions.c.actor_id.like("kill-actor-%"))
                                 .group_by(tables.statement_revisions.c.statement_id)).all()
        events = conn.execute(sa.select(tables.webhook_deliveries.c.actor_id, tables.webhook_deliveries.c.body)
                              .where(tables.webhook_deliveries.c.actor_id.like("kill-actor-%"))).all()
        logged = conn.scalar(sa.select(sa.func.count()).select_from(tables.changes)
                             .where(tables.changes.c.entity_id.like("kill-actor-%")))
    engine.dispose()

    unexpected = [(pid, status, body) for pid, got in answers.items() for _, status, body in got
                  if status != 201]
    acknowledged = {pid: {body["result_id"] for _, status, body in got if status == 201}
                    for pid, got in answers.items()}
    before = sum(1 for got in answers.values() if min(when for when, _, _ in got) < KILL_AT)
    event_statements = [json.loads(body)["data"]["statement"]["id"] for _, body in events]
    print(f"\n{database_url.split(':')[0]}: {len(acknowledged)} proposals approved ({before} "
          f"before the kill, {len(acknowledged) - before} after), "
          f"{sum(len(got) for got in answers.values())} answers, {len(cut_off)} requests cut off "
          f"and retried; {approvals} approvals, {len(revisions)} statements, "
          f"{len(events)} outbox events stored")
    assert not unexpected, unexpected[:5]
    assert before > 0 and len(acknowledged) > before, "the load did not span the kill"
    # Both requests of a pair, and every retry, name the one statement written.
    assert all(len(ids) == 1 for ids in acknowledged.values()), acknowledged
    # Each proposal approved at most once, and every approval acknowledged.
    assert approvals == len(approved) == len(acknowledged)
    assert {pid: ids.pop() for pid, ids in acknowledged.items()} == approved
    # One statement revision, one change log entry and one outbox event per approval.
    assert sorted(sid for sid, _ in revisions) == sorted(approved.values())
    assert all(count == 1 for _, count in revisions), [r for r in revisions if r[1] != 1]
    assert sorted(event_statements) == sorted(approved.values())
    assert logged == len(approved) + PROPOSALS  # each statement's entry, and each actor's
