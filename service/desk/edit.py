"""The desk's writes, each a form posted back to its own page: a new statement,
a new note (a silent cell's too), corrections and retractions.

Every write goes through store/records.py in one write transaction, recorded
under the signed-in holder's name. A correction or a retraction carries the
revision its form was filled from (`base_revision`, the desk's If-Match); when
someone else recorded a revision meanwhile, the store refuses it as stale and
the page comes back with both versions side by side (desk/conflicts.py) and
the form still holding everything the user typed.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import database
from ..domain.dates import when_stated
from ..domain.model import UNCLEAR
from ..http.problems import Problem
from ..store import records
from ..store.engine import write_transaction
from ..store.kinds import NOTES, STATEMENTS
from ..store.read import Record
from . import conflicts, seams
from .auth import holder, publishes
from .forms import (DATE_PRECISION_HELP, LABELS, QUOTE_KIND_HELP, NoteForm, RetractForm,
                    StatementForm, fields_of, flat, form_values, plain)
from .pages import cell_of, kind_of, record_or_404

bp = Blueprint("edit", __name__)


def _form(kind, topic, **kwargs):
    return StatementForm(topic, **kwargs) if kind is STATEMENTS else NoteForm(**kwargs)


def _render_form(kind, form, actor, topic, status: int = 200, item=None, rows=None,
                 theirs=None):
    template = "desk/statement_form.html" if kind is STATEMENTS else "desk/note_form.html"
    values = form_values(form, kind.name) if request.method == "POST" else None
    return render_template(
        template, kind=kind, form=form, actor=actor, topic=topic, item=item, rows=rows,
        theirs=theirs, labels=LABELS, unclear=UNCLEAR, quote_help=QUOTE_KIND_HELP,
        precision_help=DATE_PRECISION_HELP, when_stated=when_stated,
        preview=(seams.preview(kind.name, values, actor.id, topic.id, holder().name)
                 if values and item is None and not form.errors else None)), status


def _refused(form, exc: records.WriteRefused, fallback: str) -> None:
    """The store's refusal, shown at the field it names (else at `fallback`)."""
    errors = getattr(exc, "extensions", {}).get("errors") or {fallback: [exc.detail]}
    for name, messages in errors.items():
        field = getattr(form, name, None) or getattr(form, fallback)
        field.errors = [*field.errors, *messages]


def _new(kind, actor_id: str, topic_id: str):
    actor, topic = cell_of(actor_id, topic_id)
    prefill = seams.statement_prefill(actor.id, topic.id, request.args) if kind is STATEMENTS else None
    form = _form(kind, topic, data=prefill) if request.method == "GET" else _form(kind, topic)
    if request.method == "GET" or not form.validate():
        return _render_form(kind, form, actor, topic, 200 if request.method == "GET" else 422)
    data = {**plain(kind.name, form_values(form, kind.name)), "actor": actor.id, "topic": topic.id}
    if form.id.data:
        data["id"] = form.id.data
    try:
        with write_transaction(database.engine()) as conn:
            created = records.create(kind, conn, data, holder().name)
    except records.Conflict as exc:
        form.id.errors = [exc.detail]
        return _render_form(kind, form, actor, topic, 409)
    except records.Invalid as exc:
        _refused(form, exc, "id")
        return _render_form(kind, form, actor, topic, 422)
    flash(f"{kind.title} {created.id} recorded (revision 1).")
    return redirect(url_for("desk.pages.item", kinds=f"{kind.name}s", item_id=created.id), 303)


@bp.route("/cells/<actor_id>/<topic_id>/statements/new", methods=["GET", "POST"])
@publishes
def new_statement(actor_id: str, topic_id: str):
    return _new(STATEMENTS, actor_id, topic_id)


@bp.route("/cells/<actor_id>/<topic_id>/notes/new", methods=["GET", "POST"])
@publishes
def new_note(actor_id: str, topic_id: str):
    return _new(NOTES, actor_id, topic_id)


def _base_revision(form) -> int:
    base = form.base_revision.data
    if not isinstance(base, int) or base < 1:
        raise Problem(400, "invalid-request",
                      "The form lacks the revision it was based on; open it again.")
    return base


def _stored(kind, item_id: str, base: int):
    """The current revision and revision `base`, read afresh (after a refused write)."""
    with database.engine().connect() as conn:
        record = Record(conn)
        history = record.history(kind, item_id)
        return record.current(kind, item_id), next(r for r in history if r.revision == base)


@bp.route("/<any(statements,notes):kinds>/<item_id>/correct", methods=["GET", "POST"])
@publishes
def correct(kinds: str, item_id: str):
    kind = kind_of(kinds)
    item = record_or_404(kind, item_id)
    actor, topic = cell_of(item.actor, item.topic)
    if request.method == "GET":
        if item.retracted:
            raise Problem(409, "conflict", f"{kind.title} '{item_id}' is retracted and cannot "
                                           "be corrected.")
        form = _form(kind, topic, formdata=None,
                     data={**flat(kind.name, kind.plain(item)), "base_revision": item.revision})
        return _render_form(kind, form, actor, topic, item=item)
    form = _form(kind, topic)
    base = _base_revision(form)
    if not form.validate():
        return _render_form(kind, form, actor, topic, 422, item=item)
    yours = form_values(form, kind.name)
    changes = {**plain(kind.name, yours), kind.reason_key: form.reason.data or None}
    try:
        with write_transaction(database.engine()) as conn:
            revised = records.revise(kind, conn, item_id, changes, holder().name,
                                     matches=lambda stored: stored.revision == base)
    except records.Stale:
        theirs, based_on = _stored(kind, item_id, base)
        rows = conflicts.compare(fields_of(kind.name), flat(kind.name, kind.plain(based_on)),
                                 flat(kind.name, kind.plain(theirs)), yours)
        form = _form(kind, topic, formdata=None, data={
            **conflicts.merged(rows), "reason": form.reason.data,
            "base_revision": theirs.revision, "id": item_id})
        return _render_form(kind, form, actor, topic, 409, item=theirs, rows=rows, theirs=theirs)
    except records.Conflict as exc:  # retracted meanwhile: nothing to correct
        form.form_errors.append(exc.detail)
        return _render_form(kind, form, actor, topic, 409, item=item)
    except records.Invalid as exc:
        _refused(form, exc, "summary" if kind is STATEMENTS else "text")
        return _render_form(kind, form, actor, topic, 422, item=item)
    flash(f"Correction recorded: {kind.name} {item_id}, revision {revised.revision}.")
    return redirect(url_for("desk.pages.item", kinds=kinds, item_id=item_id), 303)


@bp.route("/<any(statements,notes):kinds>/<item_id>/retract", methods=["GET", "POST"])
@publishes
def retract(kinds: str, item_id: str):
    kind = kind_of(kinds)
    item = record_or_404(kind, item_id)
    actor, topic = cell_of(item.actor, item.topic)

    def page(form, status=200, rows=None, theirs=None):
        return render_template("desk/retract.html", kind=kind, kinds=kinds, item=item,
                               form=form, actor=actor, topic=topic, rows=rows, theirs=theirs,
                               labels=LABELS, when_stated=when_stated), status

    if request.method == "GET":
        if item.retracted:
            raise Problem(409, "conflict", f"{kind.title} '{item_id}' is already retracted.")
        return page(RetractForm(formdata=None, data={"base_revision": item.revision}))
    form = RetractForm()
    base = _base_revision(form)
    if not form.validate():
        return page(form, 422)
    try:
        with write_transaction(database.engine()) as conn:
            records.retract(kind, conn, item_id, form.reason.data, holder().name,
                            matches=lambda stored: stored.revision == base)
    except records.Stale:
        theirs, based_on = _stored(kind, item_id, base)
        before, now = flat(kind.name, kind.plain(based_on)), flat(kind.name, kind.plain(theirs))
        rows = conflicts.compare(fields_of(kind.name), before, now, before)
        form = RetractForm(formdata=None, data={"reason": form.reason.data,
                                                "base_revision": theirs.revision})
        return page(form, 409, rows=rows, theirs=theirs)
    except records.Conflict as exc:  # retracted by someone else meanwhile
        form.form_errors.append(exc.detail)
        return page(form, 409)
    flash(f"{kind.title} {item_id} retracted.")
    return redirect(url_for("desk.pages.item", kinds=kinds, item_id=item_id), 303)
