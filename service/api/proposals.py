"""/v1/proposals: writes of statements and notes proposed for review.

A reporter (or any key) proposes a new statement or note, a correction or a
retraction: `body` is exactly what the direct write takes. An editor who did
not propose it approves it (the write is made then, as a direct write is) or
returns it with a reason; its proposer may revise a returned one and so
resubmit it, or withdraw it. Every proposal shows its preview: the position
events approval would cause and the sentences readers would see, computed by
making the write in a transaction that is rolled back (store/proposals.py).
Proposals are the desk's working papers: readable with a key only, never
cached, and not in the public change feed.
"""

from __future__ import annotations

import copy
import datetime as dt

import marshmallow as ma
from flask import current_app, request, url_for
from flask.views import MethodView
from werkzeug.http import quote_etag

from .. import database
from ..domain.diff import CHANGE_VERDICTS
from ..domain.events import ADDED, CHANGED, REMOVED
from ..domain.model import PROPOSAL_STATUSES, PROPOSED_ACTIONS, PROPOSED_KINDS
from ..http.args import Blueprint
from ..http.problems import Problem
from ..store import outbox, records
from ..store import proposals as review
from ..store.kinds import PROPOSALS
from .auth import current_key, requires
from .notes import NoteChangesSchema, NoteInSchema
from .pagination import PAGINATION_HEADERS, PageArgs, page_schema, paged
from .records import (RetractionSchema, derived_schema, matches_if_match, optional_if_match,
                      revision_etag)
from .statements import StatementChangesSchema, StatementInSchema
from .writes import IdempotencyHeaders, outcome, refusal_status, write, write_operation

blp = Blueprint("proposals", __name__, url_prefix="/v1/proposals",
                description="Proposed statements and notes, and their review (scope reporter "
                            "to propose, editor to review).")

PROPOSAL_ID = {"in": "path", "name": "proposal_id", "example": "proposal-5c0b9e3f1a2d4e6f"}

# The body each proposed write takes: the direct write's own schema.
BODIES = {
    ("statement", "create"): StatementInSchema, ("statement", "revise"): StatementChangesSchema,
    ("statement", "retract"): RetractionSchema, ("note", "create"): NoteInSchema,
    ("note", "revise"): NoteChangesSchema, ("note", "retract"): RetractionSchema,
}
BODY_DOC = ("What the direct write takes, as it takes it: a new statement (`StatementIn`, as "
            "POST /v1/statements) or note (`NoteIn`), a correction (`StatementChanges`, "
            "`NoteChanges`, as POST .../revisions) or a retraction (`Retraction`), as "
            "`kind` and `action` say.")
BODY_ANY_OF = [{"$ref": f"#/components/schemas/{name}"} for name in (
    "StatementIn", "StatementChanges", "NoteIn", "NoteChanges", "Retraction")]
BODY_EXAMPLE = {"actor": "ukraine", "topic": "ceasefire_scope", "stance": "energy_only",
                "summary": "Zelensky says the halt covers energy infrastructure only.",
                "quote": "Energy infrastructure only.", "quote_kind": "paraphrase",
                "stated_on": "2025-03-21", "date_precision": "day",
                "source": {"publisher": "Associated Press", "published_on": "2025-03-21"}}


def _body_field() -> ma.fields.Raw:
    # Raw: the spec says `anyOf` the direct writes' bodies and nothing besides (a Dict
    # would add `type: object` and `additionalProperties`, a looser second description);
    # load_body refuses what is not an object. Copies, so the spec repeats no YAML anchors.
    return ma.fields.Raw(required=True, metadata=copy.deepcopy({
        "description": BODY_DOC, "anyOf": BODY_ANY_OF, "example": BODY_EXAMPLE}))


def load_body(kind: str, action: str, body: dict) -> dict:
    """`body` loaded by the direct write's schema; its errors placed under `body`."""
    try:
        return BODIES[kind, action]().load(body)
    except ma.ValidationError as exc:
        raise ma.ValidationError({"body": exc.messages}) from exc


# -- schemas ---------------------------------------------------------------------

class ProposalInSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(PROPOSED_KINDS),
                            metadata={"example": "statement"})
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(PROPOSED_ACTIONS),
                              metadata={"description": "`create` a new one, `revise` (correct) "
                                                       "or `retract` the one `target` names.",
                                        "example": "create"})
    target = ma.fields.String(validate=ma.validate.Length(min=1, max=128), metadata={
        "description": "The statement or note id a correction or retraction is of; absent "
                       "for a new one.", "example": "ukraine-ceasefire-scope-2025-03-20"})
    body = _body_field()

    @ma.validates_schema
    def _target_for_action(self, data, **_):
        if data.get("action") == "create" and "target" in data:
            raise ma.ValidationError("A new statement or note has no target.", "target")
        if data.get("action") in ("revise", "retract") and "target" not in data:
            raise ma.ValidationError("Name the statement or note to correct or retract.",
                                     "target")

    @ma.post_load
    def _load_body(self, data, **_):
        return {**data, "body": load_body(data["kind"], data["action"], data["body"])}


class ProposalRevisionInSchema(ma.Schema):
    body = _body_field()
    reason = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000), metadata={
        "description": "What changed, e.g. in answer to the editor's reason for returning it.",
        "example": "Quote checked against the video, as asked."})


class ProposalReturnSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                              metadata={"description": "Why it goes back to its proposer.",
                                        "example": "The quote is not in ¶9; which paragraph?"})


class ProposalWithdrawalSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                              metadata={"description": "Why its proposer withdraws it.",
                                        "example": "Another reporter proposed the same."})


class ProposalSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"example": "proposal-5c0b9e3f1a2d4e6f"})
    kind = ma.fields.String(required=True, metadata={"enum": list(PROPOSED_KINDS),
                                                     "example": "statement"})
    action = ma.fields.String(required=True, metadata={"enum": list(PROPOSED_ACTIONS),
                                                       "example": "create"})
    target = ma.fields.String(allow_none=True, required=True, metadata={"example": None})
    target_revision = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "The target's revision the proposal was made (or last revised) "
                       "against: approval is refused (409 `target-changed`) once it moved on.",
        "example": None})
    body = _body_field()
    proposed_by = ma.fields.String(required=True, metadata={
        "description": "The key that proposed it: never the one that approves it.",
        "example": "kyiv-stringer"})
    status = ma.fields.String(required=True, metadata={
        "enum": list(PROPOSAL_STATUSES), "example": "pending",
        "description": "`pending` review; `returned` to its proposer (see `reason`); "
                       "`approved` (see `result_id`); `withdrawn`."})
    revision = ma.fields.Integer(required=True, metadata={"example": 1})
    recorded_at = ma.fields.AwareDateTime(required=True, metadata={
        "example": "2025-03-21T09:30:00+00:00"})
    recorded_by = ma.fields.String(required=True, metadata={
        "description": "Who made this revision: the proposer, or the editor who returned "
                       "or approved it.", "example": "kyiv-stringer"})
    reason = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Why this revision: the revision's, the return's or the withdrawal's "
                       "reason.", "example": None})
    result_id = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Once approved: the statement or note written.", "example": None})
    result_revision = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "Once approved: its revision written.", "example": None})


class EventSideSchema(ma.Schema):
    stance = ma.fields.String(required=True, metadata={"example": "energy_and_civilian"})
    label = ma.fields.String(required=True, metadata={
        "example": "Energy and civilian infrastructure"})
    statement_id = ma.fields.String(allow_none=True, required=True, metadata={
        "example": "ukraine-ceasefire-scope-2025-03-20"})


class PreviewEventSchema(ma.Schema):
    """A position event as webhook subscribers would be sent it (its `data`)."""

    change = ma.fields.String(required=True, metadata={"enum": [ADDED, CHANGED, REMOVED]})
    actor = ma.fields.String(required=True, metadata={"example": "ukraine"})
    topic = ma.fields.String(required=True, metadata={"example": "ceasefire_scope"})
    # As the outbox serialised it (store/outbox.py: payload).
    date = ma.fields.String(required=True, metadata={"format": "date", "example": "2025-03-21"})
    current = ma.fields.Boolean(required=True, metadata={
        "description": "The step is the position as of today."})
    verdict = ma.fields.String(required=True, metadata={"enum": list(CHANGE_VERDICTS),
                                                        "example": "shifted"})
    distance = ma.fields.Integer(allow_none=True, required=True, metadata={"example": -1})
    direction = ma.fields.String(allow_none=True, required=True, metadata={"example": "narrower"})
    conditions_added = ma.fields.List(ma.fields.String(), required=True, metadata={"example": []})
    conditions_removed = ma.fields.List(ma.fields.String(), required=True,
                                        metadata={"example": []})
    summary = ma.fields.String(required=True, metadata={"example": (
        "Ukraine moved narrower on 21 March 2025: from Energy and civilian infrastructure to "
        "Energy infrastructure only (1 step)")})
    from_ = ma.fields.Nested(EventSideSchema, data_key="from", attribute="from", required=True)
    to = ma.fields.Nested(EventSideSchema, required=True, metadata={
        "description": "For a new statement given no id, `statement_id` is a stand-in: "
                       "approval names it anew."})


class RefusalSchema(ma.Schema):
    status = ma.fields.Integer(required=True, metadata={"example": 409})
    type = ma.fields.String(required=True, metadata={"example": "/problems/target-changed"})
    detail = ma.fields.String(required=True, metadata={"example": (
        "Statement 'uk-backstop-2025-03-20' changed after this proposal was made.")})


class PreviewSchema(ma.Schema):
    sentences = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "What readers would see, as timelines and embeds word it.",
        "example": ["If approved: Ukraine moved narrower on 21 March 2025: from Energy and "
                    "civilian infrastructure to Energy infrastructure only (1 step)"]})
    events = ma.fields.List(ma.fields.Nested(PreviewEventSchema), required=True, metadata={
        "description": "The position events approval would cause (what webhook "
                       "subscriptions are sent), oldest first."})
    refused = ma.fields.Nested(RefusalSchema, allow_none=True, required=True, metadata={
        "description": "Why approving it now would be refused (the record changed since), "
                       "else null."})


ProposalPreviewedSchema = derived_schema(
    ProposalSchema, "ProposalPreviewedSchema",
    preview=ma.fields.Nested(PreviewSchema, allow_none=True, required=True, metadata={
        "description": "What approving it would do now, against the record as it is: "
                       "computed by making the write and rolling it back. Null once it "
                       "is approved or withdrawn."}))

ProposalPageSchema = page_schema(ProposalSchema, "ProposalPage")
ProposalHistorySchema = ma.Schema.from_dict({
    "id": ma.fields.String(required=True, metadata={"example": "proposal-5c0b9e3f1a2d4e6f"}),
    "revisions": ma.fields.List(ma.fields.Nested(ProposalSchema), required=True, metadata={
        "description": "Every revision, oldest first: proposed, revised, returned, approved "
                       "or withdrawn."}),
}, name="ProposalHistorySchema")


class ProposalQueryArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(PROPOSAL_STATUSES), metadata={
        "description": "Only proposals in this state (`pending`: the review queue)."})
    proposed_by = ma.fields.String(validate=ma.validate.Length(min=1, max=200), metadata={
        "description": "Only those this key name proposed."})


class IfMatchHeaders(IdempotencyHeaders):
    if_match = ma.fields.String(data_key="If-Match", metadata={
        "description": "The proposal's current ETag (from GET /v1/proposals/{id}). "
                       "Missing: 428; stale: 412."})


WRITTEN = {"Location": {"description": "The proposal.", "schema": {"type": "string"}},
           "ETag": {"description": "Its new revision's ETag, for If-Match.",
                    "schema": {"type": "string"}}}


# -- answers -------------------------------------------------------------------------

def _preview(preview: review.Preview | None, at: dt.datetime) -> dict | None:
    if preview is None:
        return None
    refused = None
    if preview.refused is not None:
        status, slug = refusal_status(preview.refused)
        refused = {"status": status, "detail": preview.refused.detail,
                   "type": current_app.config["PROBLEM_TYPE_BASE"] + slug}
    # The events exactly as the outbox would send them (its `data`), sequence aside.
    events = [outbox.payload(event, 0, at)["data"] for event in preview.events]
    return {"sentences": preview.sentences, "events": events, "refused": refused}


def _answer(proposal, status: int, preview: review.Preview | None = None,
            previewed: bool = False):
    headers = {"Location": url_for("proposals.ProposalItem", proposal_id=proposal.id),
               "ETag": quote_etag(revision_etag(proposal))}
    if previewed:
        body = ProposalPreviewedSchema().dump(
            {**_fields(proposal), "preview": _preview(preview, proposal.recorded_at)})
    else:
        body = ProposalSchema().dump(proposal)
    return outcome(body, status, headers)


def _fields(proposal) -> dict:
    return {name: getattr(proposal, name) for name in ProposalSchema._declared_fields}


def _unknown(proposal_id: str) -> Problem:
    return Problem(404, "unknown-proposal", f"No proposal '{proposal_id}'.")


def _readable(proposal) -> None:
    """Editors read every proposal; a reporter her own."""
    key = current_key()
    if not key.allows("editor") and proposal.proposed_by != key.name:
        raise Problem(403, "not-your-proposal",
                      f"Proposal '{proposal.id}' is not yours; editors read every proposal.")


def _if_match_required() -> None:
    if not request.if_match:
        raise Problem(428, "precondition-required",
                      "Send If-Match with the proposal's current ETag (from GET "
                      "/v1/proposals/{id}).")


def _body_or_400(proposal, body: dict) -> dict:
    try:
        return load_body(proposal.kind, proposal.action, body)
    except ma.ValidationError as exc:
        raise Problem(400, "invalid-request", "Invalid request: body does not fit a "
                      f"{proposal.kind} {proposal.action}.", errors=exc.messages) from exc


# -- routes ----------------------------------------------------------------------------

@blp.route("")
class Proposals(MethodView):
    @requires(blp, "reporter", body=False)
    @blp.read("listProposals", ProposalPageSchema, ProposalQueryArgs, headers=PAGINATION_HEADERS)
    def get(self, args):
        """List proposals (scope reporter: her own; editor: all)

        The review queue is `status=pending`, least recently touched first.
        """
        key = current_key()
        proposed_by = args.get("proposed_by") if key.allows("editor") else key.name
        return paged(args, lambda offset, limit: review.listing(
            database.record().conn, args.get("status"), proposed_by, offset=offset, limit=limit))

    @write_operation(blp, "reporter", "createProposal", ProposalPreviewedSchema,
                     body=ProposalInSchema, written=WRITTEN, refusals=(409, 422))
    def post(self, _headers, data):
        """Propose a statement or note, a correction or a retraction (scope reporter)

        Checked as the direct write would be (a stance off the scale, an
        unknown actor or target is 422, a retracted target 409), and answered
        with its preview. It waits, `pending`, for an editor other than you.
        """
        by = current_key().name

        def perform(conn):
            proposal, preview = review.propose(conn, data["kind"], data["action"],
                                               data.get("target"), data["body"], by)
            return _answer(proposal, 201, preview, previewed=True)

        return write(perform)


@blp.route("/<string:proposal_id>", parameters=[PROPOSAL_ID])
class ProposalItem(MethodView):
    @requires(blp, "reporter", body=False)
    @blp.read("getProposal", ProposalPreviewedSchema, refusals=(404,))
    def get(self, proposal_id):
        """Get one proposal and its preview (scope editor, or its proposer)

        The preview is computed now, against the record as it is: the events
        and sentences approval would make, or why it would be refused.
        """
        proposal = database.record().current(PROPOSALS, proposal_id)
        if proposal is None:
            raise _unknown(proposal_id)
        _readable(proposal)
        preview = None
        if proposal.open:
            proposal, preview = review.preview(database.engine(), proposal_id)
        body = {**_fields(proposal), "preview": _preview(preview, proposal.recorded_at)}
        return body, 200, {"ETag": quote_etag(revision_etag(proposal))}


@blp.route("/<string:proposal_id>/history", parameters=[PROPOSAL_ID])
class ProposalHistory(MethodView):
    @requires(blp, "reporter", body=False)
    @blp.read("getProposalHistory", ProposalHistorySchema, refusals=(404,))
    def get(self, proposal_id):
        """Every revision of a proposal (scope editor, or its proposer)

        Proposed, revised, returned (with the editor's reason), approved (by
        whom, with the record written) or withdrawn, oldest first.
        """
        revisions = database.record().history(PROPOSALS, proposal_id)
        if not revisions:
            raise _unknown(proposal_id)
        _readable(revisions[-1])
        return {"id": proposal_id, "revisions": revisions}


def _review_step(suffix: str, operation_id: str, scope: str, step, body=None,
                 answer=ProposalSchema, refusals=(404, 409, 412, 428), if_match=True):
    """POST /<id>`suffix`: `step(conn, proposal_id, data, by)` makes it and answers. Each
    takes the proposal's If-Match (`if_match`: required, else optional) and Idempotency-Key."""
    def post(self, _headers, *data, proposal_id):
        if if_match:
            _if_match_required()
        by = current_key().name
        return write(lambda conn: step(conn, proposal_id, data[0] if data else None, by))

    post.__doc__ = step.__doc__
    post = write_operation(blp, scope, operation_id, answer, body=body, headers=IfMatchHeaders,
                           written=WRITTEN, refusals=refusals)(post)
    name = "Proposal" + suffix.strip("/").title()
    blp.route(f"/<string:proposal_id>{suffix}", parameters=[PROPOSAL_ID])(
        type(name, (MethodView,), {"post": post}))


def _revise(conn, proposal_id, data, by):
    """Revise a proposal, and so resubmit it (its proposer only)

    Send the whole new `body`; the proposal is pending again, against the
    target's current revision. Only a pending or returned proposal can be
    revised. Needs If-Match with the proposal's current ETag.
    """
    stored = records.current(PROPOSALS, conn, proposal_id)
    body = _body_or_400(stored, data["body"])
    proposal, preview = review.revise(conn, proposal_id, body, data.get("reason"), by,
                                      matches_if_match)
    return _answer(proposal, 201, preview, previewed=True)


def _approve(conn, proposal_id, _data, by):
    """Approve a proposal: make its write (scope editor, not its proposer)

    The statement or note is written exactly as by the direct write, in
    the same transaction as the proposal is marked approved with the
    record and revision written (`result_id`, `result_revision`). Your
    own proposal is 403 `own-proposal`; a target changed since is 409
    `target-changed`. Needs If-Match; Idempotency-Key is honoured.
    """
    approved, _written = review.approve(conn, proposal_id, by, matches_if_match)
    return _answer(approved, 201)


def _send_back(conn, proposal_id, data, by):
    """Return a proposal to its proposer with a reason (scope editor, not its proposer)

    It stays `returned` until its proposer revises it (pending again) or
    withdraws it. Needs If-Match.
    """
    return _answer(review.send_back(conn, proposal_id, data["reason"], by, matches_if_match),
                   201)


def _withdraw(conn, proposal_id, data, by):
    """Withdraw a proposal (its proposer only)

    A pending or returned proposal is closed, `withdrawn`; it stays
    readable. If-Match is optional here (a stale one is 412).
    """
    return _answer(review.withdraw(conn, proposal_id, data["reason"], by, optional_if_match),
                   201)


_review_step("/revisions", "reviseProposal", "reporter", _revise, ProposalRevisionInSchema,
             ProposalPreviewedSchema, (404, 409, 412, 422, 428))
_review_step("/approval", "approveProposal", "editor", _approve,
             refusals=(404, 409, 412, 422, 428))
_review_step("/return", "returnProposal", "editor", _send_back, ProposalReturnSchema)
_review_step("/withdrawal", "withdrawProposal", "reporter", _withdraw,
             ProposalWithdrawalSchema, refusals=(404, 409, 412), if_match=False)
