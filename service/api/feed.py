"""/v1/changes: every write in commit order, for dashboards that sync incrementally."""

from __future__ import annotations

import base64
import datetime as dt
import binascii

import marshmallow as ma
from flask import url_for
from flask.views import MethodView

from .. import database
from ..http.args import Blueprint, QueryArgs

blp = Blueprint("feed", __name__, url_prefix="/v1/changes",
                description="The change feed: every write, in commit order.")

MAX_LIMIT = 500


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The seq inside a cursor; ValueError if it is not one we made."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("not a cursor") from exc
    prefix, _, number = text.partition(":")
    if prefix != "seq" or not number.isdigit() or len(number) > 18:
        raise ValueError("not a cursor")
    return int(number)


class Cursor(ma.fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return decode_cursor(text)
        except ValueError as exc:
            raise ma.ValidationError(
                "Not a cursor from this feed: use `next_cursor` of an earlier page, "
                "or omit `since` to start from the beginning.") from exc


class FeedArgs(QueryArgs):
    since = Cursor(metadata={
        "description": "Opaque cursor: `next_cursor` of the previous page. Omit to start at the beginning."})
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=MAX_LIMIT),
                              metadata={"description": f"Entries per page, 1 to {MAX_LIMIT}."})


class FeedEntrySchema(ma.Schema):
    cursor = ma.fields.String(required=True, metadata={
        "description": "Resume after this entry with `since=<cursor>`.", "example": "c2VxOjE"})
    at = ma.fields.AwareDateTime(required=True, metadata={"example": "2025-03-21T09:30:00+00:00"})
    entity = ma.fields.String(required=True, metadata={"enum": ["statement", "actor", "topic", "note", "source", "reading"],
        "description": "`reading`: the candidate finder's cues for a language (`id`), which "
                       "every source in that language is read with; its `href` is the sources.",
                                                       "example": "actor"})
    id = ma.fields.String(required=True, metadata={"example": "uk"})
    action = ma.fields.String(required=True, metadata={
        "enum": ["created", "updated", "revised", "retracted"]})
    revision = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "For statements: the revision this write recorded.", "example": None})
    tombstone = ma.fields.Boolean(required=True, metadata={"example": False,
        "description": "True for a retraction: drop the statement from positions and diffs."})
    recorded_by = ma.fields.String(required=True, metadata={"example": "bundled dataset"})
    href = ma.fields.String(required=True, metadata={"description": "Where the entity is now.",
                                                     "example": "/v1/actors/uk"})


class FeedPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FeedEntrySchema), required=True)
    next_cursor = ma.fields.String(required=True, metadata={
        "description": "Pass as `since` to get what follows; stays put when nothing is new.",
        "example": "c2VxOjE"})
    has_more = ma.fields.Boolean(required=True, metadata={"example": True})


ENDPOINTS = {"statement": ("statements.StatementItem", "statement_id"),
             "actor": ("actors.ActorItem", "actor_id"),
             "topic": ("topics.TopicItem", "topic_id"),
             "note": ("notes.NoteItem", "note_id"),
             "source": ("sources.SourceItem", "source_id"),
             "reading": ("sources.Sources", None)}


def _entry(row) -> dict:
    endpoint, arg = ENDPOINTS[row.entity]
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.timezone.utc)
    return {
        "cursor": encode_cursor(row.seq), "at": at, "entity": row.entity, "id": row.entity_id,
        "action": row.action, "revision": row.revision, "tombstone": row.action == "retracted",
        "recorded_by": row.recorded_by, "href": url_for(endpoint, **({arg: row.entity_id} if arg else {})),
    }


@blp.route("")
class Changes(MethodView):
    @blp.read("listChanges", FeedPageSchema, FeedArgs)
    def get(self, args):
        """Every write since a cursor, in commit order

        Statements created, revised and retracted (a retraction is a tombstone),
        actors and topics created and updated. Page with `next_cursor`.
        """
        since = args.get("since", 0)  # no cursor: from the beginning
        rows = database.record().changes_since(since, args["limit"] + 1)
        page = rows[:args["limit"]]
        last = page[-1].seq if page else since
        return {"items": [_entry(r) for r in page], "next_cursor": encode_cursor(last),
                "has_more": len(rows) > args["limit"]}
