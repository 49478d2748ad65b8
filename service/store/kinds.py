"""The kinds of append-only record, each described once: its dataclass, its two
tables, how a new one is named and what it is checked against. store/records.py
does create, revise, retract, current and history for every kind from this.

A kind's dataclass (domain/model.py, a `Recorded`) is the whole of its codec:
rows, dataset files and exports take its fields under their own names, except
`id` (the `<kind>_id` column), `actor` and `topic` (`actor_id`, `topic_id`
columns) and the bookkeeping `reason`, which a kind may store and exchange
under a name of its own (`reason_key`: a statement's has always been `note`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

import sqlalchemy as sa

from ..domain.model import PROPOSED_ACTIONS, PROPOSED_KINDS, Note, Proposal, Statement
from ..domain.validation import DomainError, check_stance
from . import tables
from .plain import from_plain, ordered_fields, to_plain


@dataclass(frozen=True)
class Kind:
    name: str  # "statement": the change log's entity, and the noun of every message
    cls: type
    history: sa.Table  # every revision
    current: sa.Table  # the latest revision of each, for reads
    # A new record's id when the client gives none (after `check`).
    new_id: Callable[[Any], str]
    # The record with its references made canonical, given a store.read.Record;
    # DomainError (naming the field) when it is not valid against the record.
    check: Callable[[Any, Any], Any]
    reason_key: str = "reason"
    # Its writes can move positions: the webhook outbox records them.
    moves_positions: bool = False
    # Its writes are the record's, logged to `changes` (the data version and the public
    # change feed); a proposal's are not (see PROPOSALS).
    logged: bool = True
    # The status of a new one.
    initial_status: str = "current"

    @property
    def id_column(self) -> str:
        return f"{self.name}_id"

    @property
    def title(self) -> str:
        return self.name.capitalize()

    def _key(self, name: str) -> str:
        return self.reason_key if name == "reason" else name

    def plain(self, item) -> dict:
        """The record as a dataset file and an export hold it."""
        return {self._key(k): v for k, v in to_plain(item).items()}

    def build(self, data: dict):
        names = {self._key(f.name): f.name for f in fields(self.cls)}
        return from_plain(self.cls, {names.get(k, k): v for k, v in data.items()})

    def _column(self, name: str) -> str:
        return {"id": self.id_column, "actor": "actor_id", "topic": "topic_id"}.get(
            name, self._key(name))

    def row(self, item) -> dict:
        """The row of one revision, for both tables."""
        row = {}
        for f in ordered_fields(self.cls):
            value = getattr(item, f.name)
            # Date and DateTime columns take Python objects; JSON columns plain data.
            row[self._column(f.name)] = value if isinstance(value, dt.date) else to_plain(value)
        return {**row, "recorded_by": item.recorded_by or "unknown"}

    def from_row(self, row: Any):
        names = {self._column(f.name): f.name for f in fields(self.cls)}
        return from_plain(self.cls, {names.get(k, k): v for k, v in row._mapping.items()})


def _canonical_cell(record, item):
    """The item with its actor made canonical (an alias resolves); its topic must exist."""
    actor = record.resolve_actor(item.actor)
    if actor is None:
        raise DomainError(f"No actor '{item.actor}'.", "actor")
    if item.topic not in record.topics:
        raise DomainError(f"No topic '{item.topic}'.", "topic")
    return replace(item, actor=actor.id)


def _checked_statement(record, statement: Statement) -> Statement:
    statement = _canonical_cell(record, statement)
    check_stance(record.topics[statement.topic], statement.stance)
    return statement


def _readable(item) -> str:
    return f"{item.actor}-{item.topic.replace('_', '-')}"


def generate_statement_id(statement: Statement) -> str:
    # Readable like the curated ids, with a random tail so two statements by
    # the same actor on the same topic and day never collide.
    # 64 random bits: thousands of same-day statements still never collide in
    # practice (24 bits did, about once in ten runs of the concurrency test).
    # The readable part is cut so the id always fits the 128-character column.
    readable = f"{_readable(statement)}-{statement.stated_on.isoformat()}"[:111]
    return f"{readable}-{secrets.token_hex(8)}"


STATEMENTS = Kind("statement", Statement, tables.statement_revisions, tables.current_statements,
                  new_id=generate_statement_id, check=_checked_statement, reason_key="note",
                  moves_positions=True)

NOTES = Kind("note", Note, tables.note_revisions, tables.current_notes,
             new_id=lambda note: f"{_readable(note)}-{secrets.token_hex(8)}",
             check=_canonical_cell)

KINDS = (STATEMENTS, NOTES)
"""The kinds of the record itself: exported, imported, linked in the spec."""


def _checked_proposal(_record, proposal: Proposal) -> Proposal:
    # What it proposes is checked by the write it proposes, when it is made
    # (store/proposals.py); here only that it names a write there is.
    if proposal.kind not in PROPOSED_KINDS:
        raise DomainError(f"Cannot propose a '{proposal.kind}'.", "kind")
    if proposal.action not in PROPOSED_ACTIONS:
        raise DomainError(f"No action '{proposal.action}'.", "action")
    if (proposal.target is None) != (proposal.action == "create"):
        raise DomainError("A correction or retraction names its target; a new record none.",
                          "target")
    return proposal


# Proposed writes under review: the desk's working papers, not the record. Their
# writes are not logged to `changes`: the public change feed and the data version
# name the record, which a proposal does not change until it is approved (and then
# the approved write is logged, as any direct write is).
PROPOSALS = Kind("proposal", Proposal, tables.proposal_revisions, tables.current_proposals,
                 new_id=lambda _proposal: f"proposal-{secrets.token_hex(8)}",
                 check=_checked_proposal, logged=False, initial_status="pending")
RECORD_KINDS = {kind.name: kind for kind in KINDS}
