"""/v1/diff and /v1/compare: any actor at any date against any other, and
every pair of actors on one date. Both are views of service.domain.diff."""

from __future__ import annotations

import datetime as dt
import re

import marshmallow as ma
from flask.views import MethodView

from .. import database
from ..domain.compare import compare
from ..domain.diff import VERDICTS, TopicDiff, diff, take_snapshot
from ..http.args import MAX_LIST_ITEMS, Blueprint, IdList, QueryArgs, as_of_field, topic_ids
from ..http.dates import DATE_PATTERN, SPAN_TEXT, out_of_span
from ..http.lookups import actor_or_404, actors_or_404, topics_or_404
from ..http.problems import Problem
from .csv_format import csv_twin
from .positions import PositionSchema

blp = Blueprint("comparisons", __name__, url_prefix="/v1",
                description="How positions differ between actors and move over time.")

TOPICS_ARG = topic_ids()


class TopicDiffSchema(ma.Schema):
    """One topic of a diff: where the right side stands relative to the left."""

    topic = ma.fields.String(attribute="topic.id", required=True,
                             metadata={"example": "ceasefire_scope"})
    kind = ma.fields.String(required=True, metadata={
        "enum": ["change", "comparison"],
        "description": "`change`: one actor at two dates; `comparison`: two actors."})
    left = ma.fields.Nested(PositionSchema, required=True)
    right = ma.fields.Nested(PositionSchema, required=True)
    verdict = ma.fields.String(required=True, metadata={
        "enum": list(VERDICTS),
        "description": "For a change: no_new_statement (both dates rest on the same "
                       "statement: nothing new was said, which is not the same as unchanged), "
                       "unchanged (a newer statement restates the same stance), shifted (moved along the scale, to or from its "
                       "neutral middle, or changed conditions), reversed (crossed from one side "
                       "of the scale to the other), first_stated, took_side (a stance after a "
                       "statement that took no side), withdrawn, or unknown. For a "
                       "comparison: agree, differ, opposed or unknown. `unknown` whenever a side "
                       "is unclear or has no position: silence is never agreement."})
    distance = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "Steps along the topic's scale from the left stance to the right one "
                       "(negative when the right one is lower); null when either side is off "
                       "the scale.", "example": 2})
    direction = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The sign of `distance` in the topic's own words (its `directions`), "
                       "`same`, or null.", "example": "broader"})
    conditions_added = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Conditions the right side sets that the left does not."})
    conditions_removed = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Conditions the left side sets that the right does not."})
    summary = ma.fields.String(required=True, metadata={
        "example": "Ukraine moved broader: from Limited, targets not settled to Energy and "
                   "civilian infrastructure (2 steps)"})

class SideSchema(ma.Schema):
    actor = ma.fields.String(required=True, metadata={"example": "us"})
    as_of = ma.fields.Date(required=True, metadata={"example": "2025-03-11"})


class DiffSchema(ma.Schema):
    left = ma.fields.Nested(SideSchema, required=True)
    right = ma.fields.Nested(SideSchema, required=True)
    topics = ma.fields.List(ma.fields.Nested(TopicDiffSchema), required=True)


class ActorAtDate(ma.fields.String):
    """`us@2025-03-11`: an actor id or alias and a date within the record's span."""

    PATTERN = re.compile(r"^([A-Za-z0-9_.\-]{1,64})@(\d{4}-\d{2}-\d{2})$")
    # What the spec states: the same shape, with the year inside the span (a date out
    # of it is parsed, then refused with its own message).
    SPEC_PATTERN = rf"^[A-Za-z0-9_.\-]{{1,64}}@({DATE_PATTERN})$"
    default_error_messages = {
        "syntax": "Give an actor and a date as actor@YYYY-MM-DD, e.g. us@2025-03-11.",
        "span": f"Give a date {SPAN_TEXT}.",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        match = self.PATTERN.match(super()._deserialize(value, attr, data, **kwargs))
        if not match:
            raise self.make_error("syntax")
        try:
            day = dt.date.fromisoformat(match[2])
        except ValueError:
            raise self.make_error("syntax") from None
        if out_of_span(day):
            raise self.make_error("span")
        return match[1], day


class DiffArgs(QueryArgs):
    left = ActorAtDate(required=True, metadata={
        "description": f"Left side, `actor@YYYY-MM-DD`, a date {SPAN_TEXT}.",
        "example": "us@2025-03-11", "pattern": ActorAtDate.SPEC_PATTERN})
    right = ActorAtDate(required=True, metadata={
        "description": f"Right side, `actor@YYYY-MM-DD`, a date {SPAN_TEXT}.",
        "example": "russia@2025-03-20", "pattern": ActorAtDate.SPEC_PATTERN})
    topics = TOPICS_ARG


# Each side's statement date travels with its precision: "by" a date is not "on" it.
DIFF_COLUMNS = ("topic", "left_actor", "left_as_of", "left_stance", "left_stated_on",
                "left_date_precision", "right_actor", "right_as_of", "right_stance",
                "right_stated_on", "right_date_precision", "verdict", "distance", "direction",
                "conditions_added", "conditions_removed", "summary")


def _stated(position) -> tuple:
    s = position.statement
    return (s.stated_on, s.date_precision) if s else (None, None)


def diff_row(d: TopicDiff) -> tuple:
    return (d.topic.id, d.left_actor.id, d.left.as_of, d.left.stance, *_stated(d.left),
            d.right_actor.id, d.right.as_of, d.right.stance, *_stated(d.right), d.verdict,
            d.distance, d.direction, d.conditions_added, d.conditions_removed, d.summary)


def diff_table(result: dict):
    return DIFF_COLUMNS, map(diff_row, result["topics"])


def diff_answer(args: dict) -> dict:
    record = database.record()
    (left_id, left_date), (right_id, right_date) = args["left"], args["right"]
    left_actor, right_actor = actor_or_404(record, left_id), actor_or_404(record, right_id)
    topics = topics_or_404(record, args.get("topics"))
    diffs = diff(take_snapshot(record, left_actor, left_date, topics),
                 take_snapshot(record, right_actor, right_date, topics), topics)
    return {"left": {"actor": left_actor.id, "as_of": left_date},
            "right": {"actor": right_actor.id, "as_of": right_date},
            "topics": diffs}


@blp.route("/diff")
class Diff(MethodView):
    @blp.read("getDiff", DiffSchema, DiffArgs)
    def get(self, args):
        """Diff any actor at any date against any actor at any date

        The same actor on both sides classifies change (`no_new_statement`, `unchanged`,
        `shifted`, `reversed`, `first_stated`, `took_side`, `withdrawn`); two actors are compared (`agree`, `differ`,
        `opposed`). Either way `unknown` when a side is unclear or has no position. As a
        table: `/v1/diff.csv`.
        """
        return diff_answer(args)


csv_twin(blp, "/diff", DiffArgs, diff_answer, diff_table, "getDiffCsv",
         "Diff any actor at any date against any actor at any date, as CSV",
         "One row per topic, columns: " + ", ".join(DIFF_COLUMNS) + ".", DIFF_COLUMNS)


# --- /v1/compare ----------------------------------------------------------

class PairSchema(ma.Schema):
    topic = ma.fields.String(attribute="topic.id", required=True, metadata={"example": "peacekeepers"})
    left = ma.fields.String(attribute="left_actor.id", required=True, metadata={"example": "russia"})
    right = ma.fields.String(attribute="right_actor.id", required=True, metadata={"example": "uk"})
    left_stance = ma.fields.String(attribute="left.stance", required=True,
                                   metadata={"example": "rejects_some"})
    right_stance = ma.fields.String(attribute="right.stance", required=True,
                                    metadata={"example": "wants_force"})
    verdict = ma.fields.String(required=True, metadata={
        "enum": ["agree", "differ", "opposed", "unknown"],
        "description": "agree (same stance), differ (same side, or one neutral), opposed "
                       "(opposite sides), unknown (a side is unclear or has no position)."})
    distance = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "Steps along the scale from the left stance to the right one; null "
                       "when either is off the scale.",
        "example": 3})
    direction = ma.fields.String(allow_none=True, required=True,
                                 metadata={"example": "more willing"})
    summary = ma.fields.String(required=True)

class CompareTopicSchema(ma.Schema):
    topic = ma.fields.String(required=True, metadata={"example": "peacekeepers"})
    positions = ma.fields.List(ma.fields.Nested(PositionSchema), required=True, metadata={
        "description": "Each actor's position with the statement it rests on, in request order."})
    pairs = ma.fields.List(ma.fields.Nested(PairSchema), required=True, metadata={
        "description": "Every pair of actors (left before right in request order)."})


class CompareSchema(ma.Schema):
    as_of = ma.fields.Date(required=True)
    actors = ma.fields.List(ma.fields.String(), required=True)
    topics = ma.fields.List(ma.fields.Nested(CompareTopicSchema), required=True)
    fault_lines = ma.fields.List(ma.fields.Nested(PairSchema), required=True, metadata={
        "description": "The opposed pairs on every topic, farthest apart first: the fault "
                       "lines of the talks on that date."})


class CompareArgs(QueryArgs):
    as_of = as_of_field()
    actors = IdList(metadata={"description": "Actor ids or aliases, repeated or comma-separated (at most "
                                             f"{MAX_LIST_ITEMS}); default all."})
    topics = TOPICS_ARG


PAIR_COLUMNS = ("as_of", "topic", "left", "right", "left_stance", "right_stance", "verdict",
                "distance", "direction", "summary")


def compare_table(result: dict):
    as_of = result["as_of"]
    rows = ((as_of, p.topic.id, p.left_actor.id, p.right_actor.id, p.left.stance,
             p.right.stance, p.verdict, p.distance, p.direction, p.summary)
            for topic in result["topics"] for p in topic["pairs"])
    return PAIR_COLUMNS, rows


def compare_answer(args: dict) -> dict:
    record = database.record()
    actors = actors_or_404(record, args.get("actors"))
    if len(actors) > MAX_LIST_ITEMS:
        raise Problem(400, "too-many-actors",
                      f"Compare at most {MAX_LIST_ITEMS} actors; name them with `actors=`.")
    topics = topics_or_404(record, args.get("topics"))
    found = compare(record, actors, topics, args["as_of"])
    return {
        "as_of": found.as_of,
        "actors": [a.id for a in actors],
        "topics": [{"topic": t.id, "positions": found.positions(t), "pairs": found.pairs[t.id]}
                   for t in topics],
        "fault_lines": found.fault_lines,
    }


@blp.route("/compare")
class Compare(MethodView):
    @blp.read("compareActors", CompareSchema, CompareArgs)
    def get(self, args):
        """Compare actors on a date

        Per topic, each actor's position and every pair of actors with verdict and distance,
        plus the opposed pairs (fault lines). As a table: `/v1/compare.csv`.
        """
        return compare_answer(args)


csv_twin(blp, "/compare", CompareArgs, compare_answer, compare_table, "compareActorsCsv",
         "Compare actors on a date, as CSV",
         "One row per pair of actors per topic, columns: " + ", ".join(PAIR_COLUMNS) + ".",
         PAIR_COLUMNS)
