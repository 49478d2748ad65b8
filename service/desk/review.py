"""Proposals at the desk: the editors' review queue, one proposal in full with its
history, a reporter's own proposals, and the review's writes (approve, return,
revise, withdraw), each through store/proposals.py as the API's are (docs/REVIEW.md).

Every form carries the proposal's revision it was shown (`base_revision`, the
desk's If-Match): an approval whose proposal was revised meanwhile approves
nothing and shows what changed, so no editor approves what she did not see. A
second click on Approve finds the proposal approved already and shows the result:
the store approves only a pending proposal at the revision named, so the write is
recorded once. The previews are the store's: the write made in a savepoint and
rolled back, so the queue says exactly what approval would do, or why it would be
refused.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import database
from ..domain.dates import when_stated
from ..domain.model import UNCLEAR, Proposal
from ..http.problems import Problem
from ..store import proposals as review
from ..store import records
from ..store.engine import trial_transaction, write_transaction
from ..store.kinds import PROPOSALS, RECORD_KINDS, SOURCES, STATEMENTS
from ..store.plain import to_plain
from ..store.read import Record
from .auth import holder, needs
from .excerpt import Excerpt, excerpt
from .forms import (DATE_PRECISION_HELP, LABELS, QUOTE_KIND_HELP, ApproveForm,
                    ProposedNoteForm, ProposedRetractionForm, ProposedStatementForm, ReturnForm,
                    WithdrawForm, fields_of, flat, form_values, plain)

bp = Blueprint("review", __name__)
QUEUE_PAGE = 50        # previews take the write lock a few ms each: a page of them at most
MINE_LIMIT = 500
# A reporter's own proposals: what waits for her first.
STATUS_ORDER = ("returned", "pending", "approved", "withdrawn")
CLOSED = ("approved", "withdrawn")
STATUS_HEADINGS = {"returned": "Returned to you: revise or withdraw",
                   "pending": "Waiting for an editor", "approved": "Approved",
                   "withdrawn": "Withdrawn"}
REFUSAL_STATUS = ((records.NotFound, 404), (records.Forbidden, 403), (records.Conflict, 409),
                  (records.Stale, 409))


@dataclass(frozen=True)
class ProposalView:
    """What the desk shows of a proposal: what it would write and what that changes."""

    proposal: Proposal
    kind: object
    title: str
    actor: object | None
    topic: object | None
    target: object | None       # the record it corrects or retracts, as it is now
    base: object | None         # that record at the revision it was proposed against
    values: dict                # the record as proposed, as a form's flat fields
    rows: list                  # a correction: (field, now, proposed) where they differ
    excerpt: Excerpt
    preview: review.Preview | None

    @property
    def target_moved(self) -> bool:
        return self.target is not None and self.target.revision != self.proposal.target_revision


def _title(proposal: Proposal) -> str:
    kind = RECORD_KINDS[proposal.kind]
    if proposal.action == "create":
        return f"New {kind.name}"
    verb = "Correction" if proposal.action == "revise" else "Retraction"
    return f"{verb} of {kind.name} {proposal.target}"


def _whole(kind, data: dict, record: Record | None = None) -> dict:
    """Plain data as `flat` reads it, with what a body may leave out present: a citation
    taken from its source record (as a write takes it), a statement's optional parts."""
    source = {"published_on": None, **(data.get("source") or {})}
    stored = record.current(SOURCES, source["id"]) if record and source.get("id") else None
    if stored is not None:
        source = {**to_plain(stored.citation(source.get("location"))),
                  **{name: value for name, value in source.items() if value is not None}}
    defaults = {"conditions": [], "speaker": None, "anchor": None} if kind is STATEMENTS else {}
    return {**defaults, **data, "source": source}


def _proposed(kind, proposal: Proposal, base, record: Record | None = None,
              preview: review.Preview | None = None) -> dict:
    """The record as the proposal would write it: the preview's own record when there
    is one (made whole from the record, as approval would), else its body over the base."""
    if preview is not None and preview.record is not None:
        return kind.plain(preview.record)
    if proposal.action == "create" or base is None:
        return _whole(kind, proposal.body, record)
    if proposal.action == "retract":
        return kind.plain(base)
    return _whole(kind, {**kind.plain(base), **proposal.body}, record)


def field_changes(kind, before: dict, after: dict) -> list[tuple[str, object, object]]:
    """(field, before, after) of each field whose flat value differs."""
    old, new = flat(kind.name, before), flat(kind.name, after)
    return [(name, old[name], new[name]) for name in fields_of(kind.name) if old[name] != new[name]]


def view(conn, proposal: Proposal, preview: review.Preview | None) -> ProposalView:
    record = Record(conn)
    kind = RECORD_KINDS[proposal.kind]
    target = base = None
    if proposal.target:
        target = record.current(kind, proposal.target)
        base = next((revision for revision in record.history(kind, proposal.target)
                     if revision.revision == proposal.target_revision), target)
    proposed = _proposed(kind, proposal, base, record, preview)
    rows = (field_changes(kind, kind.plain(base), proposed)
            if proposal.action == "revise" and base is not None else [])
    actor = record.resolve_actor(proposed["actor"]) if proposed.get("actor") else None
    topic = record.topics.get(proposed.get("topic"))
    return ProposalView(proposal, kind, _title(proposal), actor, topic, target, base,
                        flat(kind.name, proposed), rows, excerpt(record, proposed), preview)


def _steps(conn, shown: ProposalView) -> list[tuple[Proposal, str, list]]:
    """Every revision of the proposal, oldest first: what happened, and for a revised
    one each field that changed from the version before."""
    record = Record(conn)
    revisions = record.history(PROPOSALS, shown.proposal.id)
    steps, previous = [], None
    for revision in revisions:
        if revision.revision == 1:
            what = "Proposed"
        elif revision.status == "pending":
            what = "Revised"
        else:
            what = revision.status.capitalize()
        changed = []
        if what == "Revised" and previous is not None and revision.action != "retract":
            changed = field_changes(shown.kind, _proposed(shown.kind, previous, shown.base, record),
                                    _proposed(shown.kind, revision, shown.base, record))
        steps.append((revision, what, changed))
        if revision.status == "pending":
            previous = revision
    return steps


def _reading(open_: bool):
    """A rolled-back write transaction where a preview is to be made, else a plain read."""
    engine = database.engine()
    return trial_transaction(engine) if open_ else contextlib.closing(engine.connect())


def _stored(proposal_id: str) -> Proposal:
    proposal = database.record().current(PROPOSALS, proposal_id)
    if proposal is None:
        raise Problem(404, "not-found", f"No proposal '{proposal_id}'.")
    if not holder().may("editor") and proposal.proposed_by != holder().name:
        raise Problem(403, "not-your-proposal",
                      f"Proposal '{proposal_id}' is not yours; editors read every proposal.")
    return proposal


def _refusal(exc: records.WriteRefused) -> int:
    return next((status for kind, status in REFUSAL_STATUS if isinstance(exc, kind)), 422)


# -- the queue, and one's own ---------------------------------------------------------------

def queue_link(who) -> dict | None:
    """For the header (desk/seams.py review_queue): an editor's queue and how many wait
    in it; a reporter's own proposals and how many were returned to her."""
    if who is None:
        return None
    conn = database.record().conn
    if who.may("editor"):
        _items, total = review.listing(conn, "pending", None, 0, 0)
        return {"url": url_for("desk.review.queue"), "count": total, "label": "Review queue"}
    _items, returned = review.listing(conn, "returned", who.name, 0, 0)
    return {"url": url_for("desk.review.mine"), "count": returned,
            "label": "Returned to you"}


@bp.get("/review")
@needs("editor")
def queue():
    with trial_transaction(database.engine()) as conn:
        waiting, total = review.listing(conn, "pending", None, 0, QUEUE_PAGE)
        views = [view(conn, proposal, review.preview_in(conn, proposal))
                 for proposal in waiting]
    return render_template("desk/review.html", views=views, total=total, labels=LABELS,
                           me=holder().name, when_stated=when_stated)


@bp.get("/proposals/mine")
def mine():
    with contextlib.closing(database.engine().connect()) as conn:
        own, total = review.listing(conn, None, holder().name, 0, MINE_LIMIT)
        views = [view(conn, proposal, None) for proposal in own]
    groups = []
    for status in STATUS_ORDER:
        of_status = [shown for shown in views if shown.proposal.status == status]
        if status in CLOSED:  # what waits: oldest first; what is done: newest first
            of_status.reverse()
        groups.append((status, STATUS_HEADINGS[status], of_status))
    return render_template("desk/proposals_mine.html", groups=groups, total=total)


# -- one proposal ---------------------------------------------------------------------------

def _page(proposal_id: str, status: int = 200, seen: int | None = None, return_form=None,
          withdraw_form=None, refused: str | None = None):
    stored = _stored(proposal_id)
    with _reading(stored.open) as conn:
        proposal = records.current(PROPOSALS, conn, proposal_id)
        shown = view(conn, proposal, review.preview_in(conn, proposal) if proposal.open else None)
        steps = _steps(conn, shown)
        since = []
        if seen is not None and seen != proposal.revision and proposal.action != "retract":
            # What changed since the editor looked: the version she saw against this one.
            was = next((revision for revision, _what, _changed in steps
                        if revision.revision == seen), None)
            if was is not None:
                record = Record(conn)
                since = field_changes(shown.kind, _proposed(shown.kind, was, shown.base, record),
                                      _proposed(shown.kind, proposal, shown.base, record))
    me = holder()
    reviewable = proposal.status == "pending" and me.may("editor")
    mine_ = proposal.proposed_by == me.name
    return render_template(
        "desk/proposal.html", shown=shown, proposal=proposal, steps=steps[::-1], labels=LABELS,
        seen=seen, since=since, refused=refused, mine=mine_, names=fields_of(shown.kind.name),
        may_review=reviewable and not mine_, own_pending=reviewable and mine_,
        approve_form=ApproveForm(formdata=None, data={"base_revision": proposal.revision}),
        return_form=return_form or ReturnForm(formdata=None,
                                              data={"base_revision": proposal.revision}),
        withdraw_form=withdraw_form or WithdrawForm(formdata=None,
                                                    data={"base_revision": proposal.revision}),
        when_stated=when_stated), status


@bp.get("/proposals/<proposal_id>")
def proposal(proposal_id: str):
    return _page(proposal_id)


def _seen(form) -> int:
    seen = form.base_revision.data
    if not isinstance(seen, int) or seen < 1:
        raise Problem(400, "invalid-request",
                      "The form lacks the proposal's revision it was shown; open it again.")
    return seen


def _at(seen: int):
    return lambda proposal: proposal.revision == seen


def _after_stale(proposal_id: str, seen: int, verb: str):
    """The proposal moved on since revision `seen` was shown: nothing was done. Approved
    straight after what was shown (a second click, or a colleague at the same moment):
    the result. Otherwise the page again, with what changed."""
    history = database.record().history(PROPOSALS, proposal_id)
    now = history[-1]
    if now.status == "approved" and now.revision == seen + 1:
        at = now.recorded_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        flash(f"Already approved by {now.recorded_by} at {at}: it was recorded once."
              if verb == "approved" else
              f"Nothing was {verb}: {now.recorded_by} approved it at {at}.")
        return redirect(url_for("desk.review.proposal", proposal_id=proposal_id), 303)
    return _page(proposal_id, 409, seen=seen, refused=(
        f"Nothing was {verb}: the proposal changed since you opened it (you saw revision {seen}; "
        f"it is at revision {now.revision}, {now.status}, by {now.recorded_by})."
        + (" Read what changed below before you decide." if now.open else "")))


def _review(proposal_id: str, form, perform, verb: str, done: str):
    if not form.validate():
        return _page(proposal_id, 422, return_form=form if isinstance(form, ReturnForm) else None)
    seen = _seen(form)
    try:
        with write_transaction(database.engine()) as conn:
            result = perform(conn, seen)
    except records.Stale:
        return _after_stale(proposal_id, seen, verb)
    except review.OwnProposal as exc:
        raise Problem(403, "own-proposal", exc.detail) from exc
    except records.NotFound as exc:
        raise Problem(404, "not-found", exc.detail) from exc
    except records.WriteRefused as exc:  # closed, its target changed, or the record refuses it
        return _page(proposal_id, _refusal(exc), refused=f"Nothing was {verb}: {exc.detail}")
    flash(done(result))
    return redirect(url_for("desk.review.proposal", proposal_id=proposal_id), 303)


@bp.post("/proposals/<proposal_id>/approve")
@needs("editor")
def approve(proposal_id: str):
    def perform(conn, seen):
        return review.approve(conn, proposal_id, holder().name, _at(seen))

    def done(result):
        approved, written = result
        kind = RECORD_KINDS[approved.kind]
        return (f"Approved: {kind.name} {written.id} is recorded (revision {written.revision}), "
                f"by you; proposed by {approved.proposed_by}.")

    return _review(proposal_id, ApproveForm(), perform, "approved", done)


@bp.post("/proposals/<proposal_id>/return")
@needs("editor")
def send_back(proposal_id: str):
    form = ReturnForm()

    def perform(conn, seen):
        return review.send_back(conn, proposal_id, form.reason.data, holder().name, _at(seen))

    return _review(proposal_id, form, perform, "returned",
                   lambda returned: f"Returned to {returned.proposed_by}, with your reason.")


@bp.post("/proposals/<proposal_id>/withdraw")
def withdraw(proposal_id: str):
    form = WithdrawForm()
    if not form.validate():
        return _page(proposal_id, 422, withdraw_form=form)
    seen = _seen(form)
    try:
        with write_transaction(database.engine()) as conn:
            review.withdraw(conn, proposal_id, form.reason.data, holder().name, _at(seen))
    except records.Stale:
        return _after_stale(proposal_id, seen, "withdrawn")
    except review.NotProposer as exc:
        raise Problem(403, "not-your-proposal", exc.detail) from exc
    except records.NotFound as exc:
        raise Problem(404, "not-found", exc.detail) from exc
    except records.WriteRefused as exc:
        return _page(proposal_id, _refusal(exc), refused=f"Nothing was withdrawn: {exc.detail}")
    flash("Withdrawn: it stays readable here, and nobody can approve it.")
    return redirect(url_for("desk.review.proposal", proposal_id=proposal_id), 303)


# -- revising one's own ---------------------------------------------------------------------

def _revision_form(shown: ProposalView, formdata=True):
    """The statement or note form (or the retraction's reason), filled from the proposal's
    body on GET, from the post on POST."""
    proposal = shown.proposal
    kwargs = {} if formdata else {"formdata": None}
    if proposal.action == "retract":
        if not formdata:
            kwargs["data"] = {"reason": proposal.body.get("reason"),
                              "base_revision": proposal.revision}
        return ProposedRetractionForm(**kwargs)
    if not formdata:
        reason = proposal.body.get(shown.kind.reason_key) if proposal.action == "revise" else None
        kwargs["data"] = {**shown.values, "base_revision": proposal.revision, "reason": reason,
                          "id": proposal.body.get("id") or ""}
    if shown.kind is STATEMENTS:
        return ProposedStatementForm(shown.topic, **kwargs)
    return ProposedNoteForm(**kwargs)


def _body(shown: ProposalView, form) -> dict:
    """The write the revised proposal proposes, as the desk's direct write would send it."""
    proposal, kind = shown.proposal, shown.kind
    if proposal.action == "retract":
        return {"reason": form.reason.data}
    values = plain(kind.name, form_values(form, kind.name))
    if proposal.action == "revise":
        return {**values, kind.reason_key: form.reason.data or None}
    body = {**values, "actor": shown.actor.id, "topic": shown.topic.id}
    if form.id.data:
        body["id"] = form.id.data
    return body


def _revise_page(shown: ProposalView, form, status: int = 200):
    template = ("desk/proposal_revise_retraction.html" if shown.proposal.action == "retract"
                else "desk/proposal_revise_record.html")
    return render_template(
        template, shown=shown, proposal=shown.proposal, kind=shown.kind, form=form,
        actor=shown.actor, topic=shown.topic, item=None, rows=None, theirs=None, labels=LABELS,
        unclear=UNCLEAR, quote_help=QUOTE_KIND_HELP, precision_help=DATE_PRECISION_HELP,
        when_stated=when_stated, preview=None), status


@bp.route("/proposals/<proposal_id>/revise", methods=["GET", "POST"])
def revise(proposal_id: str):
    stored = _stored(proposal_id)
    if stored.proposed_by != holder().name:
        raise Problem(403, "not-your-proposal",
                      f"Only its proposer ({stored.proposed_by}) revises proposal '{proposal_id}'.")
    if not stored.open:
        raise Problem(409, "proposal-closed",
                      f"Proposal '{proposal_id}' is {stored.status}: it cannot be revised.")
    shown = view(database.record().conn, stored, None)
    if request.method == "GET":
        return _revise_page(shown, _revision_form(shown, formdata=False))
    form = _revision_form(shown)
    seen = _seen(form)
    if not form.validate():
        return _revise_page(shown, form, 422)
    try:
        with write_transaction(database.engine()) as conn:
            review.revise(conn, proposal_id, _body(shown, form), form.change.data or None,
                          holder().name, _at(seen))
    except records.Stale:
        # Returned (or revised in another window) since the form was opened: nothing is
        # recorded, her input stays in the form, now based on the current revision.
        now = database.record().history(PROPOSALS, proposal_id)[-1]
        form.base_revision.raw_data = [str(now.revision)]
        form.form_errors.append(
            f"Nothing was recorded: the proposal changed since you opened this form (revision "
            f"{now.revision}, {now.status} by {now.recorded_by}"
            + (f": \u201c{now.reason}\u201d" if now.reason else "") + "). Your changes are "
            "still in the form" + (": send it again to resubmit them." if now.open else "."))
        return _revise_page(shown, form, 409)
    except records.Invalid as exc:
        # The store names the body's fields ("stance", "anchor.exact"): the form's are flat.
        errors = exc.extensions.get("errors", {}).get("body")
        for name, messages in (errors.items() if isinstance(errors, dict) else ()):
            field = getattr(form, name.replace(".", "_"), None)
            if field is not None:
                field.errors = [*field.errors, *messages]
        form.form_errors.append(f"Nothing was recorded: {exc.detail}")
        return _revise_page(shown, form, 422)
    except records.WriteRefused as exc:
        form.form_errors.append(f"Nothing was recorded: {exc.detail}")
        return _revise_page(shown, form, _refusal(exc))
    flash("Revised: it waits for an editor again.")
    return redirect(url_for("desk.review.proposal", proposal_id=proposal_id), 303)
