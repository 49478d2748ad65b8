"""Proposals and review: a write of a statement or a note (a new one, a
correction, a retraction) proposed by one key and made only when an editor,
never its proposer, approves it. Each function runs inside a write_transaction
the caller holds, like store/records.py, whose kind PROPOSALS keeps every
proposal's revisions: proposed, revised, returned, approved, withdrawn.

Approving performs the proposed write with the very functions a direct write
calls (records.create, revise, retract), in the approval's transaction: the
same revision, the same change log entry, the same webhook events, and the
proposal marked approved beside them, or none of it.

The preview is that same write made in a SAVEPOINT and rolled back: the
record's own checks, ids, ordering and event computation (domain/events.py
via store/outbox.py) run for real, against the record as it is now, and
nothing stays. Simulating the write on an in-memory trail instead would mean
a second copy of how a write merges, orders and checks, which could drift
from the real one; this way the preview cannot say what approval would not do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from ..domain.events import PositionEvent
from ..domain.model import Proposal
from . import records
from .engine import trial_transaction
from .kinds import PROPOSALS, RECORD_KINDS
from .plain import to_plain
from .read import Record
from .records import Conflict, Forbidden, Invalid, NotFound, Stale, WriteRefused

PREVIEW_BY = "preview"
TABLE = PROPOSALS.current


class OwnProposal(Forbidden):
    """Nobody reviews (approves or returns) a proposal she made."""

    problem_type = "own-proposal"


class NotProposer(Forbidden):
    """Only its proposer revises or withdraws a proposal."""

    problem_type = "not-your-proposal"


class TargetChanged(Conflict):
    """The statement or note a proposal corrects or retracts changed after it was proposed."""

    problem_type = "target-changed"


class NotOpen(Conflict):
    """The proposal is not in a state that allows this (approved, withdrawn...)."""

    problem_type = "proposal-closed"


@dataclass(frozen=True)
class Preview:
    """What approving a proposal would do now: the position events the write
    causes (what webhook subscribers would be sent), the sentences readers
    would see, the record as it would be written, or why it would be refused."""

    events: list[PositionEvent]
    sentences: list[str]
    record: object | None
    refused: WriteRefused | None = None


# -- the proposed write ------------------------------------------------------------

def apply(conn: sa.Connection, proposal: Proposal, by: str, seen: list | None = None):
    """Make the write `proposal` proposes, as its direct write would: the record
    written. The target must still be at the revision it was proposed against."""
    kind = RECORD_KINDS[proposal.kind]
    if proposal.action == "create":
        return records.create(kind, conn, proposal.body, by, seen)

    def unchanged(item) -> bool:
        return item.revision == proposal.target_revision

    try:
        if proposal.action == "revise":
            return records.revise(kind, conn, proposal.target, proposal.body, by, unchanged, seen)
        return records.retract(kind, conn, proposal.target, proposal.body["reason"], by,
                               unchanged, seen)
    except Stale as exc:
        raise TargetChanged(
            f"{kind.title} '{proposal.target}' changed after this proposal was made (it was at "
            f"revision {proposal.target_revision}); its proposer can revise the proposal "
            "against the current one.") from exc


def _sentences(conn: sa.Connection, proposal: Proposal, events: list[PositionEvent],
               written) -> list[str]:
    """The sentences readers would see: each event's summary, as timelines and
    embeds word it; for a note, the reader's sentence it shows or stops showing."""
    if proposal.kind == "statement":
        if not events:
            return ["If approved: no position changes; readers see the statement only where "
                    "it is listed."]
        return [f"If approved: {event.step.summary}" for event in events]
    where = f"beside {Record(conn).actors[written.actor].name} on {written.topic}"
    if written.retracted:
        return ([f"If approved: readers no longer see, {where}: \u201c{written.reader_text}\u201d"]
                if written.reader_text else ["If approved: nothing changes for readers "
                                             "(the note has no reader's sentence)."])
    if written.reader_text is None:
        return ["If approved: readers see nothing of this note (it has no reader's sentence)."]
    return [f"If approved: readers see, {where}: \u201c{written.reader_text}\u201d"]


def preview_in(conn: sa.Connection, proposal: Proposal) -> Preview:
    """The preview of `proposal` within a write transaction `conn` (see the module's
    docstring): the write is made in a savepoint that is then rolled back."""
    events: list[PositionEvent] = []
    savepoint = conn.begin_nested()
    try:
        written = apply(conn, proposal, PREVIEW_BY, events)
        return Preview(events, _sentences(conn, proposal, events, written), written)
    except WriteRefused as exc:
        return Preview([], [], None, exc)
    finally:
        savepoint.rollback()


def preview(engine: sa.Engine, proposal_id: str) -> tuple[Proposal, Preview]:
    """The proposal and its preview against the record as it is now, in a
    transaction that is always rolled back."""
    with trial_transaction(engine) as conn:
        proposal = records.current(PROPOSALS, conn, proposal_id)
        return proposal, preview_in(conn, proposal)


def _acceptable(conn: sa.Connection, proposal: Proposal) -> Preview:
    """The preview, or the refusal the write would meet, its fields placed inside `body`."""
    found = preview_in(conn, proposal)
    refused = found.refused
    if isinstance(refused, Invalid):
        refusal = Invalid("body", refused.detail)
        refusal.extensions = {"errors": {"body": refused.extensions.get("errors", {})}}
        raise refusal from refused
    if refused is not None:
        raise refused
    return found


# -- proposing and revising ----------------------------------------------------------

def _target_revision(conn: sa.Connection, kind_name: str, target: str | None) -> int | None:
    if target is None:
        return None
    kind = RECORD_KINDS[kind_name]
    try:
        item = records.current(kind, conn, target)
    except NotFound as exc:
        raise Invalid("target", f"No {kind.name} '{target}'.") from exc
    if item.retracted:
        raise Conflict(f"{kind.title} '{target}' is retracted: there is nothing to "
                       "correct or retract.")
    return item.revision


def propose(conn: sa.Connection, kind: str, action: str, target: str | None, body: dict,
            by: str) -> tuple[Proposal, Preview]:
    """A new proposal, pending review. `body` is what the direct write takes, as
    its schema loaded it (api/proposals.load_body: the shape is the caller's to
    check, as for records.create); a write that would be refused now (an unknown
    actor, a stance off the scale, a duplicate id) is refused here already."""
    data = {"kind": kind, "action": action, "target": target,
            "target_revision": _target_revision(conn, kind, target),
            "body": to_plain(body), "proposed_by": by}
    proposal = records.create(PROPOSALS, conn, data, by)
    return proposal, _acceptable(conn, proposal)


def _unless_stale(proposal: Proposal, matches: Callable[[Proposal], bool], verb: str) -> None:
    if not matches(proposal):
        raise Stale(f"Proposal '{proposal.id}' is at revision {proposal.revision}; fetch it "
                    f"again before you {verb} it.")


def _by_proposer(conn: sa.Connection, proposal_id: str, by: str,
                 matches: Callable[[Proposal], bool], verb: str, done: str) -> Proposal:
    """The current revision of a proposal its proposer `by` may still change."""
    proposal = records.current(PROPOSALS, conn, proposal_id)
    if proposal.proposed_by != by:
        raise NotProposer(f"Only its proposer ({proposal.proposed_by}) may {verb} proposal "
                          f"'{proposal_id}'.")
    _unless_stale(proposal, matches, verb)
    if not proposal.open:
        raise NotOpen(f"Proposal '{proposal_id}' is {proposal.status}: it cannot be {done}.")
    return proposal


def revise(conn: sa.Connection, proposal_id: str, body: dict, reason: str | None, by: str,
           matches: Callable[[Proposal], bool]) -> tuple[Proposal, Preview]:
    """The proposer's new version of a pending or returned proposal, pending
    again, made against the target's current revision."""
    proposal = _by_proposer(conn, proposal_id, by, matches, "revise", "revised")
    revised = records.append_revision(
        PROPOSALS, conn, proposal, by, reason, "revised", status="pending", body=to_plain(body),
        target_revision=_target_revision(conn, proposal.kind, proposal.target))
    return revised, _acceptable(conn, revised)


def withdraw(conn: sa.Connection, proposal_id: str, reason: str, by: str,
             matches: Callable[[Proposal], bool]) -> Proposal:
    proposal = _by_proposer(conn, proposal_id, by, matches, "withdraw", "withdrawn")
    return records.append_revision(PROPOSALS, conn, proposal, by, reason, "withdrawn",
                                   status="withdrawn")


# -- review --------------------------------------------------------------------------

def _reviewable(conn: sa.Connection, proposal_id: str, by: str,
                matches: Callable[[Proposal], bool], verb: str, done: str) -> Proposal:
    """The current revision of a pending proposal that `by`, not its proposer, reviews."""
    proposal = records.current(PROPOSALS, conn, proposal_id)
    if proposal.proposed_by == by:
        raise OwnProposal(f"Proposal '{proposal_id}' was made by '{by}': another editor "
                          f"must {verb} it.")
    _unless_stale(proposal, matches, verb)
    if proposal.status != "pending":
        raise NotOpen(f"Proposal '{proposal_id}' is {proposal.status}: only a pending one can "
                      f"be {done}.")
    return proposal


def send_back(conn: sa.Connection, proposal_id: str, reason: str, by: str,
              matches: Callable[[Proposal], bool]) -> Proposal:
    """Return a pending proposal to its proposer, saying why."""
    proposal = _reviewable(conn, proposal_id, by, matches, "return", "returned")
    return records.append_revision(PROPOSALS, conn, proposal, by, reason, "returned",
                                   status="returned")


def approve(conn: sa.Connection, proposal_id: str, by: str,
            matches: Callable[[Proposal], bool]) -> tuple[Proposal, object]:
    """Make the proposed write, recorded by the approving editor `by`, and mark
    the proposal approved with the record and revision written, in the caller's
    one transaction: the approved proposal and the record written."""
    proposal = _reviewable(conn, proposal_id, by, matches, "approve", "approved")
    written = apply(conn, proposal, by)
    approved = records.append_revision(PROPOSALS, conn, proposal, by, None, "approved",
                                       status="approved", result_id=written.id,
                                       result_revision=written.revision)
    return approved, written


# -- reading ---------------------------------------------------------------------------

def listing(conn: sa.Connection, status: str | None, proposed_by: str | None, offset: int,
            limit: int) -> tuple[list[Proposal], int]:
    """One page of proposals, least recently touched first (the queue's order), and the total."""
    where = []
    if status is not None:
        where.append(TABLE.c.status == status)
    if proposed_by is not None:
        where.append(TABLE.c.proposed_by == proposed_by)
    total = conn.execute(sa.select(sa.func.count()).select_from(TABLE).where(*where)).scalar_one()
    rows = conn.execute(sa.select(TABLE).where(*where)
                        .order_by(TABLE.c.recorded_at, TABLE.c.proposal_id)
                        .offset(offset).limit(limit))
    return [PROPOSALS.from_row(row) for row in rows], total


def approved_into(conn: sa.Connection, kind_name: str, item_id: str) -> dict[int, Proposal]:
    """The approved proposals behind a statement's or note's revisions, by the revision each
    wrote: who proposed a revision that an editor (its `recorded_by`) approved."""
    rows = conn.execute(sa.select(TABLE).where(TABLE.c.kind == kind_name,
                                               TABLE.c.result_id == item_id,
                                               TABLE.c.status == "approved"))
    return {proposal.result_revision: proposal for proposal in map(PROPOSALS.from_row, rows)}
