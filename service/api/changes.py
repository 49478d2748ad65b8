"""How positions moved over time: one actor between two dates, and one topic's
timeline across actors. Both are views of service.domain.diff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import marshmallow as ma
from flask import url_for
from flask.views import MethodView

from .. import database
from ..domain.diff import diff, take_snapshot
from ..domain.model import DATE_PRECISIONS, Statement, day_before
from ..domain.timeline import timeline
from ..http.args import Blueprint, DateRange, actor_ids, today
from ..http.dates import RecordDate
from ..http.lookups import actor_or_404, actors_or_404, topic_or_404, topics_or_404
from .comparisons import DIFF_COLUMNS, TOPICS_ARG, TopicDiffSchema, diff_row
from .csv_format import csv_twin
from .statements import DATE_PRECISION_DOC, StatementSchema

TRAIL_LIMIT_DEFAULT = 3
TRAIL_LIMIT_MAX = 100

blp = Blueprint("changes", __name__, url_prefix="/v1",
                description="How an actor's positions, or a topic's, moved over time.")


class DateRangeArgs(DateRange):
    to = RecordDate(load_default=today, metadata={
        "description": "End date (inclusive); default today (UTC).", "example": "2025-03-20"})


class ChangesArgs(DateRangeArgs):
    from_ = RecordDate(data_key="from", required=True, metadata={
        "description": "First day of the period (inclusive): `left` is the position held "
                       "just before it, and statements stated on it are in the trail.",
        "example": "2025-03-01"})
    topics = TOPICS_ARG
    # A bound on the answer's size whatever the size of the record: an actor
    # with years of statements would otherwise send them all, in every topic.
    trail_limit = ma.fields.Integer(
        load_default=TRAIL_LIMIT_DEFAULT, validate=ma.validate.Range(min=0, max=TRAIL_LIMIT_MAX),
        metadata={"description": f"How many of each topic's trail statements to include, the "
                                 f"most recent ones, 0 to {TRAIL_LIMIT_MAX}. `trail_total` counts "
                                 f"them all and `trail_more` lists them all."})


class ChangeSchema(TopicDiffSchema):
    trail = ma.fields.List(ma.fields.Nested(StatementSchema), required=True, metadata={
        "description": "Statements stated from `from` to `to` (inclusive) that count for positions, "
                       "oldest first: the last `trail_limit` of them."})
    trail_total = ma.fields.Integer(required=True, metadata={
        "description": "How many statements the whole trail holds.", "example": 2})
    trail_more = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "The whole trail, page by page, as a `listStatements` URL; null when "
                       "`trail` already holds all of it.",
        "example": "/v1/statements?actor=ukraine&from=2025-03-12&to=2025-03-20"
                   "&topic=ceasefire_scope"})

class ChangesSchema(ma.Schema):
    actor = ma.fields.String(required=True, metadata={"example": "ukraine"})
    from_ = ma.fields.Date(data_key="from", attribute="from", required=True)
    to = ma.fields.Date(required=True)
    topics = ma.fields.List(ma.fields.Nested(ChangeSchema), required=True, metadata={
        "description": "Per topic: `left` is the position held just before `from`, `right` "
                       "the one held at the end of `to`."})


CHANGE_COLUMNS = DIFF_COLUMNS + ("statements_between", "statements_between_total")


def changes_table(result: dict):
    return CHANGE_COLUMNS, (diff_row(c) + ([s.id for s in c.trail], c.trail_total)
                            for c in result["topics"])


class _Change:
    """A TopicDiff with the most recent statements of its trail, for serialising."""

    def __init__(self, change, trail: Sequence[Statement], total: int,
                 more: Callable[[], str]):
        self.diff = change
        self.trail = trail
        self.trail_total = total
        self.trail_more = None if len(trail) == total else more()

    def __getattr__(self, name):
        return getattr(self.diff, name)


def trail_listing(actor: str, start: dt.date, end: dt.date, topic: str) -> str:
    """The listStatements URL of a topic's whole trail: the same actor, topic
    and inclusive dates, and by default only the statements that count for
    positions, in the same order."""
    return url_for("statements.Statements") + "?" + urlencode({
        "actor": actor, "from": start.isoformat(), "to": end.isoformat(), "topic": topic})


def changes_answer(args: dict, actor_id: str) -> dict:
    record = database.record()
    actor = actor_or_404(record, actor_id)
    topics = topics_or_404(record, args.get("topics"))
    start, end, limit = args["from_"], args["to"], args["trail_limit"]
    before = day_before(start)
    diffs = diff(take_snapshot(record, actor, before, topics),
                 take_snapshot(record, actor, end, topics), topics)
    return {"actor": actor.id, "from": start, "to": end, "topics": [
        _Change(d, record.trail(actor.id, d.topic.id, before, end, last=limit) if limit else [],
                record.trail_count(actor.id, d.topic.id, before, end),
                lambda: trail_listing(actor.id, start, end, d.topic.id)) for d in diffs]}


@blp.route("/actors/<string:actor_id>/changes")
class ActorChanges(MethodView):
    @blp.read("getActorChanges", ChangesSchema, ChangesArgs)
    def get(self, args, actor_id):
        """How an actor's positions changed between two dates

        Per topic: the position held just before `from`, the position at `to` (both dates
        inclusive), the verdict (no_new_statement, unchanged, shifted, reversed,
        first_stated, took_side, withdrawn, unknown), distance and direction, and the most recent statements in
        between (`trail_limit`; `trail_more` lists them all). As a table:
        `/v1/actors/{actor_id}/changes.csv`.
        """
        return changes_answer(args, actor_id)


csv_twin(blp, "/actors/<string:actor_id>/changes", ChangesArgs, changes_answer, changes_table,
         "getActorChangesCsv", "How an actor's positions changed between two dates, as CSV",
         "One row per topic, columns: " + ", ".join(CHANGE_COLUMNS) + " (statements_between: "
         "the ids of the trail shown, separated by '; '; statements_between_total: how many "
         "the whole trail holds).", CHANGE_COLUMNS)


# --- /v1/topics/{topic_id}/timeline ---------------------------------------

class TimelineArgs(DateRangeArgs):
    from_ = RecordDate(data_key="from", metadata={
        "description": "First day of the period (inclusive): only statements stated on or "
                       "after it; default the whole record.",
        "example": "2025-03-01"})
    actors = actor_ids()


class TimelineEventSchema(ma.Schema):
    date = ma.fields.Date(required=True, metadata={
        "description": "When the statement was made, as precisely as `date_precision` says.",
        "example": "2025-03-19"})
    date_precision = ma.fields.String(attribute="statement.date_precision", required=True,
                                      metadata={"enum": list(DATE_PRECISIONS),
                                                "description": DATE_PRECISION_DOC,
                                                "example": "on_or_before"})
    actor = ma.fields.String(attribute="statement.actor", required=True,
                             metadata={"example": "ukraine"})
    verdict = ma.fields.String(attribute="change.verdict", required=True, metadata={
        "enum": ["shifted", "reversed", "first_stated", "took_side", "withdrawn", "unknown"]})
    distance = ma.fields.Integer(attribute="change.distance", allow_none=True, required=True)
    direction = ma.fields.String(attribute="change.direction", allow_none=True, required=True)
    summary = ma.fields.String(attribute="change.summary", required=True)
    change = ma.fields.Nested(TopicDiffSchema, required=True, metadata={
        "description": "The diff of the position just before (left) and after (right)."})


class TimelineSchema(ma.Schema):
    topic = ma.fields.String(required=True, metadata={"example": "ceasefire_scope"})
    from_ = ma.fields.Date(data_key="from", attribute="from", allow_none=True, required=True)
    to = ma.fields.Date(required=True)
    events = ma.fields.List(ma.fields.Nested(TimelineEventSchema), required=True)


TIMELINE_COLUMNS = ("date", "date_precision", "topic", "actor", "from_stance", "to_stance", "verdict", "distance",
                    "direction", "statement", "summary")


def timeline_table(result: dict):
    return TIMELINE_COLUMNS, (
        (e.date, e.statement.date_precision, e.change.topic.id, e.statement.actor, e.change.left.stance,
         e.change.right.stance, e.change.verdict, e.change.distance, e.change.direction,
         e.statement.id, e.change.summary) for e in result["events"])


def timeline_answer(args: dict, topic_id: str) -> dict:
    record = database.record()
    topic = topic_or_404(record, topic_id)
    actors = actors_or_404(record, args.get("actors"))
    start = args.get("from_")
    events = timeline(record, topic, actors, day_before(start) if start else None, args["to"])
    return {"topic": topic.id, "from": start, "to": args["to"], "events": events}


@blp.route("/topics/<string:topic_id>/timeline")
class TopicTimeline(MethodView):
    @blp.read("getTopicTimeline", TimelineSchema, TimelineArgs)
    def get(self, args, topic_id):
        """Every change of stance on a topic, by any actor, in date order

        Each statement stated from `from` to `to` (both inclusive) is diffed against the
        position its actor held just before it; restatements that change nothing are left
        out. As a table: `/v1/topics/{topic_id}/timeline.csv`.
        """
        return timeline_answer(args, topic_id)


csv_twin(blp, "/topics/<string:topic_id>/timeline", TimelineArgs, timeline_answer,
         timeline_table, "getTopicTimelineCsv",
         "Every change of stance on a topic, by any actor, in date order, as CSV",
         "One row per change, columns: " + ", ".join(TIMELINE_COLUMNS) + ".", TIMELINE_COLUMNS)
