"""Code a statement from a source's words: the statement form filled in by the
record's rules (desk/prefill.py), its preview (desk/preview.py: the write made and
rolled back), then a proposal for review, or, for whoever may publish, the
statement itself.

`/desk/sources/<id>/code?paragraph=N&exact=<words>[&actor=..&topic=..]`: the words
are a candidate sentence (its "Code this" link) or words selected in one paragraph
(desk/static/select.js). The form posts back to the same address, with the button
pressed as `action`: `preview`, `submit` (a proposal, store/proposals.propose) or
`publish` (the direct write, refused as `publishes` refuses it). A one-time token
(`once`, store/form_tokens.py) makes a form sent twice record once.
"""

from __future__ import annotations

import re
import secrets

from flask import (Blueprint, current_app, flash, redirect, render_template, request,
                   url_for)

from .. import database
from ..domain.dates import when_stated
from ..domain.model import UNCLEAR
from ..http.problems import Problem
from ..store import form_tokens, proposals, records
from ..store.kinds import STATEMENTS
from . import prefill, seams
from .auth import holder
from .forms import (DATE_PRECISION_HELP, LABELS, QUOTE_KIND_HELP, CodingForm, form_values,
                    plain)
from .pages import cell_of
from .sources import reading_of, source_or_404

bp = Blueprint("coding", __name__)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
REVIEW_PAGE = "desk.review.proposal"  # the review queue's page of one proposal, once it exists


def may_publish(who) -> bool:
    """As `auth.publishes`: an editor, and with STANDPOINT_REVIEW_REQUIRED an admin only."""
    if current_app.config["REVIEW_REQUIRED"]:
        return who.may("admin")
    return who.may("editor")


def _words(source):
    record = database.record()
    text, reading, found = reading_of(record, source)
    try:
        paragraph = request.args.get("paragraph", type=int)
        words = prefill.words_in(text, source.id, source.published_on, found, reading,
                                 paragraph, request.args.get("exact", ""))
    except ValueError as exc:
        raise Problem(422, "unprocessable", f"{exc} Go back to the source and pick a "
                                            "sentence, or select words in one paragraph.") from exc
    return text, words


def _cells(words) -> list[tuple[str, str]]:
    """The cells the words suggest: each actor the candidate names with each of its topics."""
    if words.candidate is None:
        return []
    return [(actor, topic) for actor in words.candidate.actors for topic in words.candidate.topics]


def _narrow(form, text, source_id: str) -> None:
    """A quote cut down to some of the anchor's words narrows the anchor to them."""
    inner = prefill.narrowed(text, source_id, form.anchor_paragraph.data, form.anchor_exact.data,
                             form.anchor_prefix.data or "", form.anchor_suffix.data or "",
                             form.quote.data)
    if inner is not None:
        form.anchor_exact.data = inner.selector.exact
        form.anchor_prefix.data = inner.selector.prefix
        form.anchor_suffix.data = inner.selector.suffix


def _refused(form, errors: dict[str, list[str]], detail: str) -> None:
    placed = False
    for name, messages in errors.items():
        field = getattr(form, name, None)
        if field is not None and name != "csrf_token":
            field.errors = [*field.errors, *messages]
            placed = True
    if not placed:
        form.form_errors.append(detail)


@bp.route("/sources/<source_id>/code", methods=["GET", "POST"])
def code(source_id: str):
    source = source_or_404(source_id)
    if source.text is None:
        raise Problem(409, "conflict", f"Source '{source_id}' keeps no text to code from: "
                                       "use a cell's New statement form.")
    text, words = _words(source)
    actor_id = request.args.get("actor") or (words.candidate.actor if words.candidate else None)
    topic_id = request.args.get("topic") or (words.candidate.topic if words.candidate else None)
    record = database.record()
    if not actor_id or not topic_id:
        return render_template("desk/code_cell.html", source=source, words=words,
                               actors=list(record.actors.values()),
                               topics=list(record.topics.values()))
    actor, topic = cell_of(actor_id, topic_id)

    def page(form, status=200, preview=None):
        return render_template(
            "desk/code.html", kind=STATEMENTS, form=form, actor=actor, topic=topic, item=None,
            rows=None, theirs=None, labels=LABELS, unclear=UNCLEAR, quote_help=QUOTE_KIND_HELP,
            precision_help=DATE_PRECISION_HELP, when_stated=when_stated, source=source,
            words=words, cells=_cells(words), actors=record.actors, preview=preview,
            publisher=may_publish(holder())), status

    if request.method == "GET":
        values = prefill.values(words, actor, source)
        return page(CodingForm(topic, formdata=None,
                               data={**values, "once": secrets.token_urlsafe(24)}))
    form = CodingForm(topic)
    action = request.form.get("action", "preview")
    if action not in ("preview", "submit", "publish"):
        raise Problem(400, "invalid-request", "Preview, submit or publish: nothing else.")
    if not TOKEN.match(form.once.data or ""):
        raise Problem(400, "invalid-request", "The form lacks its one-time token; open it again.")
    if action == "publish" and not may_publish(holder()):
        raise Problem(403, "forbidden", (
            "Review is required here: submit it for review." if holder().may("editor") else
            f"Your role is {holder().role}; reporters propose: submit it for review."))
    if not form.validate():
        return page(form, 422)
    _narrow(form, text, source.id)
    values = form_values(form, "statement")
    if form.id.data:
        values["id"] = form.id.data
    if action == "preview":
        found = seams.preview("statement", values, actor.id, topic.id, holder().name)
        if found.refused is not None:
            _refused(form, found.errors, found.refused.detail)
            return page(form, 409 if isinstance(found.refused, records.Conflict) else 422)
        return page(form, preview=found)
    return _record(form, action, values, source, actor, topic, page)


def _record(form, action: str, values: dict, source, actor, topic, page):
    """Submit (a proposal) or publish (the statement), once for the form's token."""
    by = holder().name
    body = {**plain("statement", values), "actor": actor.id, "topic": topic.id}
    if values.get("id"):
        body["id"] = values["id"]
    said = {}

    def perform(conn) -> str:
        if action == "publish":
            created = records.create(STATEMENTS, conn, body, by)
            said["message"] = f"Statement {created.id} published (revision 1)."
            return url_for("desk.pages.item", kinds="statements", item_id=created.id)
        proposal, _ = proposals.propose(conn, "statement", "create", None, body, by)
        said["message"] = (f"Proposal {proposal.id} submitted for review: another editor "
                           "approves it or returns it to you.")
        if REVIEW_PAGE in current_app.view_functions:
            return url_for(REVIEW_PAGE, proposal_id=proposal.id)
        return url_for("desk.sources.source", source_id=source.id, proposal=proposal.id)

    try:
        url, made = form_tokens.once(database.engine(), by, form.once.data, perform)
    except records.WriteRefused as exc:
        errors = exc.extensions.get("errors") or {}
        errors = errors.get("body", errors) if isinstance(errors.get("body"), dict) else errors
        _refused(form, {name.replace(".", "_"): list(messages) if isinstance(messages, list)
                        else [messages] for name, messages in errors.items()}, exc.detail)
        return page(form, 409 if isinstance(exc, records.Conflict) else 422)
    flash(said["message"] if made else
          "This form was sent already: nothing more was recorded. Here is what it recorded.")
    # Its own fragment: the form's address had "#preview-title", which a browser would
    # otherwise carry over to the page it is sent to.
    return redirect(url + "#main", 303)
