"""What every kind of append-only record (store/kinds.py) shares in the API: an
ETag that names the revision, the answer to a write, schemas derived
from one another, the routes to list and create records (`record_collection`),
and to read one record, its history, and to correct and retract it
(`record_routes`)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable

import marshmallow as ma
from flask import request, url_for
from flask.views import MethodView
from werkzeug.http import quote_etag

from .. import database
from ..store import records
from ..store.kinds import Kind
from .auth import current_key
from ..http.lookups import actor_or_404, topic_or_404
from .pagination import PAGINATION_HEADERS, page_schema, paged
from ..http.problems import Problem
from .writes import IdempotencyHeaders, outcome, write, write_operation

WRITTEN_HEADERS = {
    "Location": {"description": "The record written.", "schema": {"type": "string"}},
    "ETag": {"description": "The new revision's ETag, for If-Match on a correction.",
             "schema": {"type": "string"}},
}


def revision_etag(item) -> str:
    """The one ETag of a record, for GET and for If-Match on its revisions: it
    names the revision, and each revision's content never changes."""
    digest = hashlib.sha256(item.id.encode("utf-8")).hexdigest()[:16]
    return f"r{item.revision}-{digest}"


def matches_if_match(item) -> bool:
    return request.if_match.contains(revision_etag(item))


def optional_if_match(item) -> bool:
    """For retractions: If-Match may be left out, but a stale one is refused."""
    return not request.if_match or matches_if_match(item)


def record_page(args: dict, listing: Callable):
    """One page of a kind's records, narrowed to an actor (id or alias) and a
    topic when asked (404 when unknown): `listing(record, args, actor, topic,
    offset=, limit=)` reads it."""
    record = database.record()
    actor = actor_or_404(record, args["actor"]).id if "actor" in args else None
    topic = topic_or_404(record, args["topic"]).id if "topic" in args else None
    return paged(args, lambda offset, limit: listing(record, args, actor, topic,
                                                     offset=offset, limit=limit))


def written(blp, kind: Kind, schema: type[ma.Schema], item, status: int):
    """The answer to a write of one record: it, its Location and its revision's ETag."""
    headers = {"Location": url_for(f"{blp.name}.{kind.title}Item", **{f"{kind.name}_id": item.id}),
               "ETag": quote_etag(revision_etag(item))}
    return outcome(schema().dump(item), status, headers)


def record_collection(blp, kind: Kind, schema: type[ma.Schema], args: type[ma.Schema],
                      listing: Callable, new: type[ma.Schema], docs: dict[str, str],
                      created: dict = WRITTEN_HEADERS, reviewed: bool = True,
                      example: dict | None = None, create_scope: str = "editor") -> None:
    """Register on `blp` GET and POST at its root for `kind`: a page of records,
    `args` its query (`listing` as `record_page` takes it), and a new record
    (`new`, scope `create_scope`; `reviewed`: see `requires`); `docs` has a docstring
    for list and create, `created` the new record's response headers."""
    title = kind.title

    def get(self, query):
        return record_page(query, listing)

    def post(self, _headers, data):
        by = current_key().name
        return write(lambda conn: written(blp, kind, schema, records.create(kind, conn, data, by),
                                          201))

    get.__doc__, post.__doc__ = docs["list"], docs["create"]
    get = blp.read(f"list{title}s", page_schema(schema, f"{title}Page"), args,
                   headers=PAGINATION_HEADERS)(get)
    post = write_operation(blp, create_scope, f"create{title}", schema, body=new, written=created,
                           refusals=(409, 422), reviewed=reviewed, example=example)(post)
    blp.route("")(type(f"{title}s", (MethodView,), {"get": get, "post": post}))


def derived_schema(schema: type[ma.Schema], name: str, exclude: tuple[str, ...] = (),
                   optional: bool = False, examples: dict | None = None,
                   **added: ma.fields.Field) -> type[ma.Schema]:
    """`schema` under another name, its fields and checks less `exclude`, plus
    `added`; `optional`: every field optional and without a default (what a
    correction sends); `examples` replaces a field's example. Each field is a
    copy of its own, so the spec repeats no YAML anchors between the two."""
    fields = {}
    for key, field in schema._declared_fields.items():
        if key not in exclude:
            fields[key] = field = copy.copy(field)
            field.metadata = copy.deepcopy({**field.metadata, **(
                {"example": examples[key]} if key in (examples or {}) else {})})
            if optional:
                field.required, field.load_default = False, ma.missing
    meta = type("Meta", (), {"exclude": exclude})
    return type(schema)(name, (schema,), {**fields, **added, "Meta": meta})


def revision_schema(schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`schema` as one revision in a record's history: who recorded it, and why."""
    return derived_schema(
        schema, name,
        recorded_by=ma.fields.String(required=True, metadata={"example": "bundled dataset"}),
        reason=ma.fields.String(allow_none=True, required=True, metadata={
            "description": "Why this revision was made: the correction or the retraction's "
                           "reason.", "example": None}))


class RetractionSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000), metadata={
        "description": "Why the statement is withdrawn (e.g. misattributed).",
        "example": "Misattributed: the quote was said by another minister."})


def record_routes(blp, kind: Kind, schema: type[ma.Schema], revision: type[ma.Schema],
                  history_name: str, changes: type[ma.Schema], docs: dict[str, str],
                  examples: dict[str, str]) -> None:
    """Register on `blp` GET /<id> and /<id>/history, POST /<id>/revisions and
    /<id>/retraction for `kind`: `schema` answers, `revision` is one entry of
    the history (named `history_name`), `changes` a correction; `docs` has a
    docstring for each of get, history, revise, retract, and `examples` the
    path's example id (`id`, and one per operation that needs its own)."""
    name, title = kind.name, kind.title
    history = ma.Schema.from_dict({
        "id": ma.fields.String(required=True, metadata={"example": examples["id"]}),
        "revisions": ma.fields.List(ma.fields.Nested(revision), required=True, metadata={
            "description": "Every revision, oldest first; the last one is current."}),
    }, name=f"{history_name}Schema")
    id_name = f"{name}_id"
    item_path = f"{blp.url_prefix}/{{id}}"

    class IfMatchHeaders(ma.Schema):
        if_match = ma.fields.String(data_key="If-Match", metadata={
            "description": f"The {name}'s current ETag (from GET {item_path}). "
                           "Missing: 428; stale: 412."})

    class Headers(IdempotencyHeaders, IfMatchHeaders):
        pass

    def route(suffix: str, view_name: str, example_key: str, methods: dict) -> None:
        parameter = {"in": "path", "name": id_name,
                     "example": examples.get(example_key, examples["id"])}
        view = type(f"{title}{view_name}", (MethodView,), methods)
        blp.route(f"/<string:{id_name}>{suffix}", parameters=[parameter])(view)

    def unknown(item_id: str) -> Problem:
        return Problem(404, f"unknown-{name}", f"No {name} '{item_id}'.")

    def get(self, **path):
        item = database.record().current(kind, path[id_name])
        if item is None:
            raise unknown(path[id_name])
        return item, 200, {"ETag": quote_etag(revision_etag(item))}

    def get_history(self, **path):
        revisions = database.record().history(kind, path[id_name])
        if not revisions:
            raise unknown(path[id_name])
        return {"id": path[id_name], "revisions": revisions}

    def revise(self, _headers, data, **path):
        if not request.if_match:
            raise Problem(428, "precondition-required",
                          f"Send If-Match with the current ETag (from GET {item_path}).")
        by = current_key().name
        return write(lambda conn: written(blp, kind, schema, records.revise(
            kind, conn, path[id_name], data, by, matches_if_match), 201))

    def retract(self, _headers, data, **path):
        by = current_key().name
        return write(lambda conn: written(blp, kind, schema, records.retract(
            kind, conn, path[id_name], data["reason"], by, optional_if_match), 201))

    for function, key in ((get, "get"), (get_history, "history"), (revise, "revise"),
                          (retract, "retract")):
        function.__doc__ = docs[key]
    get = blp.read(f"get{title}", schema)(get)
    get_history = blp.read(f"get{title}History", history)(get_history)
    writes = [write_operation(blp, "editor", operation_id, schema, body=body, headers=Headers,
                              written=WRITTEN_HEADERS, refusals=refusals, reviewed=True)(function)
              for function, operation_id, body, refusals in (
                  (revise, f"revise{title}", changes, (404, 409, 412, 422, 428)),
                  (retract, f"retract{title}", RetractionSchema, (404, 409, 412)))]
    route("", "Item", "get", {"get": get})
    route("/history", "History", "history", {"get": get_history})
    route("/revisions", "Revisions", "revise", {"post": writes[0]})
    route("/retraction", "Retraction", "retract", {"post": writes[1]})
