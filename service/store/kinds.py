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
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from ..domain.anchoring import anchored
from ..domain.model import (CITATION_FIELDS, PROPOSED_ACTIONS, PROPOSED_KINDS, Note, Proposal,
                            SourceRecord, Statement)
from ..domain.source_text import SourceText, source_text
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
    # The plain data of a write made whole from the record before it is built (given a
    # store.read.Record, the data and what the request itself gave); DomainError refuses.
    prepare: Callable[[Any, dict, dict], dict] = lambda record, data, given: data
    # Columns of its tables derived from the record, not fields of it (an index's key).
    derived: Callable[[Any], dict] = lambda item: {}
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
        return {**row, **self.derived(item), "recorded_by": item.recorded_by or "unknown"}

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


def _source_record(record, source_id: str) -> SourceRecord:
    source = record.current(SOURCES, source_id)
    if source is None:
        raise DomainError(f"No source '{source_id}'.", "source.id")
    if source.retracted:
        raise DomainError(f"Source '{source_id}' is retracted: cite another.", "source.id")
    return source


def _cited_from_record(record, data: dict, given: dict) -> dict:
    """A statement (or note) whose `source` names a source record (`source.id`) carries
    that record's citation: fields the request gives must agree with it, the rest are
    taken from it; `location` defaults to the anchor's paragraph."""
    cited = data.get("source") or {}
    if not cited.get("id"):
        return data
    source = _source_record(record, cited["id"])
    for name, value in (given.get("source") or {}).items():
        # Compared as plain data: a date given as a date (the desk) or as text (a file).
        # null is "not given": the record's value is taken (the citation's own null or not).
        if (name in CITATION_FIELDS and value is not None
                and to_plain(value) != to_plain(getattr(source, name))):
            raise DomainError(f"differs from source '{source.id}', whose {name} is "
                              f"{getattr(source, name)!r}; leave it out", f"source.{name}")
    location = cited.get("location")
    if location is None and data.get("anchor"):
        location = f"¶{data['anchor']['paragraph']}"
    return {**data, "source": to_plain(source.citation(location))}


@lru_cache(maxsize=64)
def _parsed(sha256: str, text: str) -> SourceText:
    return source_text(text)


def _checked_statement(record, statement: Statement) -> Statement:
    statement = _canonical_cell(record, statement)
    check_stance(record.topics[statement.topic], statement.stance)
    # (A citation without a record is checked at the API's door, as it always was.)
    if statement.source.id and statement.source.published_on < statement.stated_on:
        raise DomainError("A source cannot be published before the statement was made.",
                          "source")
    if statement.anchor is None:
        return statement
    if not statement.source.id:
        raise DomainError("An anchor needs the source record it is in: give source.id.",
                          "source.id")
    source = _source_record(record, statement.source.id)
    text = _parsed(source.sha256, source.text) if source.text is not None else None
    return replace(statement, anchor=anchored(
        statement.anchor, statement.quote, statement.quote_kind, statement.source.location,
        text, source.text_withheld))


def _checked_source(record, source: SourceRecord) -> SourceRecord:
    """A source's text in NFC with its digest, or a reason for having none; the text is
    fixed once recorded, so what was verified against it stays verified."""
    text = source.text
    if text is not None:
        parsed = source_text(text)
        if not parsed.paragraphs:
            raise DomainError("The text has no paragraphs (non-empty lines).", "text")
        if source.text_withheld is not None:
            raise DomainError("A source with its text withholds nothing: leave it out.",
                              "text_withheld")
        source = replace(source, text=parsed.text, sha256=parsed.sha256)
    elif not source.text_withheld:
        raise DomainError("Give the source's text, or say in text_withheld why the newsroom "
                          "keeps none.", "text_withheld")
    else:
        source = replace(source, sha256=None)
    stored = record.current(SOURCES, source.id)
    if stored is not None and stored.sha256 != source.sha256:
        raise DomainError("A source's text is fixed once recorded (statements are verified "
                          "against it): record the other text as a new source.", "text")
    return source


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
                  moves_positions=True, prepare=_cited_from_record,
                  derived=lambda statement: {"source_id": statement.source.id})

NOTES = Kind("note", Note, tables.note_revisions, tables.current_notes,
             new_id=lambda note: f"{_readable(note)}-{secrets.token_hex(8)}",
             check=_canonical_cell, prepare=_cited_from_record)

def _source_id(source: SourceRecord) -> str:
    publisher = "".join(c if c.isalnum() else "-" for c in source.publisher.lower()).strip("-")
    return f"{publisher[:80] or 'source'}-{source.published_on.isoformat()}-{secrets.token_hex(4)}"


SOURCES = Kind("source", SourceRecord, tables.source_revisions, tables.current_sources,
               new_id=_source_id, check=_checked_source)

KINDS = (STATEMENTS, NOTES, SOURCES)
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
