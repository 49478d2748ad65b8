"""The desk's reading pages: the grid of actors x topics, a cell with its
statements and notes, and one record with every revision (who, when, what
changed). Each reads the record through this request's `Record`."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import database
from ..domain.dates import when_stated
from ..http.args import today
from ..http.problems import Problem
from ..store.kinds import KINDS
from ..store.proposals import approved_into
from .forms import LABELS, fields_of, flat

bp = Blueprint("pages", __name__)
KIND_BY_PATH = {f"{kind.name}s": kind for kind in KINDS}  # "statements", "notes"
MAX_ON_A_CELL = 500


def kind_of(path: str):
    return KIND_BY_PATH[path]


def cell_of(actor_id: str, topic_id: str):
    record = database.record()
    actor, topic = record.actors.get(actor_id), record.topics.get(topic_id)
    if actor is None or topic is None:
        missing = f"actor '{actor_id}'" if actor is None else f"topic '{topic_id}'"
        raise Problem(404, "not-found", f"No {missing}.")
    return actor, topic


def record_or_404(kind, item_id: str):
    item = database.record().current(kind, item_id)
    if item is None:
        raise Problem(404, "not-found", f"No {kind.name} '{item_id}'.")
    return item


@bp.get("/")
def grid():
    record = database.record()
    actors, topics = list(record.actors.values()), list(record.topics.values())
    as_of = today()
    return render_template("desk/grid.html", actors=actors, topics=topics, as_of=as_of,
                           positions=record.positions(actors, topics, as_of))


@bp.get("/cells/<actor_id>/<topic_id>")
def cell(actor_id: str, topic_id: str):
    actor, topic = cell_of(actor_id, topic_id)
    record = database.record()
    statements, _ = record.listing(None, None, actor.id, topic.id, True, 0, MAX_ON_A_CELL)
    notes, _ = record.notes(actor.id, topic.id, True, 0, MAX_ON_A_CELL)
    position = record.positions([actor], [topic], today())[actor.id, topic.id]
    return render_template("desk/cell.html", actor=actor, topic=topic, position=position,
                           statements=statements[::-1], notes=notes, when_stated=when_stated)


def changes(kind, before, after) -> list[tuple[str, object, object]]:
    """(label, before, after) of every field that differs between two revisions."""
    old, new = flat(kind.name, kind.plain(before)), flat(kind.name, kind.plain(after))
    return [(LABELS[name], old[name], new[name]) for name in fields_of(kind.name)
            if old[name] != new[name]]


@bp.get("/<any(statements,notes):kinds>/<item_id>")
def item(kinds: str, item_id: str):
    kind = kind_of(kinds)
    current = record_or_404(kind, item_id)
    record = database.record()
    revisions = record.history(kind, item_id)
    steps = [(revision, changes(kind, previous, revision) if previous else [])
             for previous, revision in zip([None, *revisions], revisions)]
    actor, topic = record.actors.get(current.actor), record.topics.get(current.topic)
    return render_template("desk/item.html", kind=kind, kinds=kinds, item=current, actor=actor,
                           topic=topic, steps=steps[::-1], labels=LABELS,
                           values=flat(kind.name, kind.plain(current)),
                           names=fields_of(kind.name), when_stated=when_stated,
                           proposed=approved_into(record.conn, kind.name, item_id))
