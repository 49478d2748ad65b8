"""What every kind of append-only record (store/kinds.py) shares in the API: an
ETag that names the revision, the answer to a write, schemas derived
from one another, and the routes to read one record, its history,
and to correct and retract it (`record_routes`)."""

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
from .auth import current_key, requires
from ..http.lookups import actor_or_404, topic_or_404
from .pagination import paginate
from ..http.problems import Problem
from .writes import IdempotencyHeaders, outcome, write

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
    topic when asked (404 when unknown): `listing(record, actor, topic,
    offset=, limit=)` reads it."""
    record = database.record()
    actor = actor_or_404(record, args["actor"]).id if "actor" in args else None
    topic = topic_or_404(record, args["topic"]).id if "topic" in args else None
    page, per_page = args["page"], args["per_page"]
    items, total = listing(record, actor, topic, offset=(page - 1) * per_page, limit=per_page)
    return paginate(items, total, page, per_page)


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


class RetractionSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000), metadata={
        "description": "Why the statement is withdrawn (e.g. misattributed).",
        "example": "Misattributed: the quote was said by another minister."})


def record_routes(blp, kind: Kind, schema: type[ma.Schema], revision: type[ma.Schema],
                  history_name: str, changes: type[ma.Schema], docs: dict[str, str],
                  examples: dict[str, str]) -> Callable:
    """Register on `blp` GET /<id> and /<id>/history, POST /<id>/revisions and
    /<id>/retraction for `kind`: `schema` answers, `revision` is one entry of
    the history (named `history_name`), `changes` a correction; `docs` has a
    docstring for each of get, history, revise, retract, and `examples` the
    path's example id (`id`, and one per operation that needs its own).
    Returns `written(item, status)`, the answer to a write of one record."""
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

    def written(item, status: int):
        headers = {"Location": url_for(f"{blp.name}.{title}Item", **{id_name: item.id}),
                   "ETag": quote_etag(revision_etag(item))}
        return outcome(schema().dump(item), status, headers)

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
        return write(lambda conn: written(
            records.revise(kind, conn, path[id_name], data, by, matches_if_match), 201))

    def retract(self, _headers, data, **path):
        by = current_key().name
        return write(lambda conn: written(records.retract(
            kind, conn, path[id_name], data["reason"], by, optional_if_match), 201))

    for function, key in ((get, "get"), (get_history, "history"), (revise, "revise"),
                          (retract, "retract")):
        function.__doc__ = docs[key]
    get = blp.response(200, schema)(blp.doc(operationId=f"get{title}")(get))
    get_history = blp.response(200, history)(blp.doc(operationId=f"get{title}History")(get_history))
    writes = []
    for function, operation_id, body, refusals in (
            (revise, f"revise{title}", changes, (404, 409, 412, 422, 428)),
            (retract, f"retract{title}", RetractionSchema, (404, 409, 412))):
        for status in reversed(refusals):
            function = blp.alt_response(status, response=_RESPONSES[status])(function)
        function = blp.response(201, schema, headers=WRITTEN_HEADERS)(function)
        function = blp.arguments(body)(function)
        function = blp.arguments(Headers, location="headers")(function)
        function = blp.doc(operationId=operation_id)(function)
        writes.append(requires(blp, "editor", reviewed=True)(function))
    route("", "Item", "get", {"get": get})
    route("/history", "History", "history", {"get": get_history})
    route("/revisions", "Revisions", "revise", {"post": writes[0]})
    route("/retraction", "Retraction", "retract", {"post": writes[1]})
    return written


_RESPONSES = {404: "NOT_FOUND", 409: "CONFLICT", 412: "PRECONDITION_FAILED",
              422: "UNPROCESSABLE_ENTITY", 428: "PRECONDITION_REQUIRED"}
