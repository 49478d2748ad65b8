"""Query-argument parsing shared by every blueprint.

Unknown query parameters are an error (400), not silently ignored: a typo in
`as_of` must not quietly answer for today.
"""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask_smorest import Blueprint as SmorestBlueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from .dates import RecordDate
from .input_guards import parse_json_body
from .problems import Problem

MAX_LIST_ITEMS = 50
# Ids are slugs (`uk`, `united-kingdom`, `ceasefire_scope`); spaces around them are
# forgiven. A comma can never be part of an id: it is the list's delimiter, and a
# server cannot tell an encoded comma (%2C) from a literal one once the query is decoded.
ID_PATTERN = r"^ *[A-Za-z0-9_-]+ *$"
# One value of a list parameter: an id, or ids separated by commas; an id is at
# most 64 characters (as the spec says, so generated values are mostly valid).
ID_LIST_PATTERN = r"^ *[A-Za-z0-9_-]{1,64}( *, *[A-Za-z0-9_-]{1,64})* *$"


class StrictParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = {
        "query": ma.RAISE,
        "querystring": ma.RAISE,
        "json": ma.RAISE,
        "form": ma.RAISE,
        "json_or_form": ma.RAISE,
        "headers": ma.EXCLUDE,
        "cookies": ma.EXCLUDE,
        "files": ma.RAISE,
    }
    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        """A body must be JSON (415 otherwise), parsed and checked by input_guards."""
        if not is_json_request(req):
            if not req.get_data(cache=True):
                return core.missing  # no body at all: the schema decides if one was required
            raise Problem(415, "unsupported-media-type",
                          f"Send the body as application/json, not {req.mimetype or 'untyped'}.")
        if not req.get_data(cache=True):
            # webargs would read "no body" as an empty document; every body Standpoint
            # takes is required, and an empty one is not JSON.
            raise Problem(400, "invalid-json", "The body is empty; send a JSON object.")
        return parse_json_body(req)  # checked at the door already (input_guards)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictParser()

    # The refusals an operation documents, by status (flask-smorest's standard responses).
    REFUSALS = {404: "NOT_FOUND", 409: "CONFLICT", 412: "PRECONDITION_FAILED",
                422: "UNPROCESSABLE_ENTITY", 428: "PRECONDITION_REQUIRED"}

    def refusing(self, *statuses: int):
        """Document these refusals (404, 409, ...) of an operation."""
        def decorator(view):
            for status in reversed(statuses):
                view = self.alt_response(status, response=self.REFUSALS[status])(view)
            return view
        return decorator

    def read(self, operation_id: str, answer, args: type[ma.Schema] | None = None,
             headers: dict | None = None, refusals: tuple[int, ...] = ()):
        """A read's decorator stack: its operationId, its query `args` if any, the
        200 `answer` with its response `headers`, and the `refusals` it documents."""
        def decorator(view):
            view = self.response(200, answer, headers=headers)(self.refusing(*refusals)(view))
            if args is not None:
                view = self.arguments(args, location="query")(view)
            return self.doc(operationId=operation_id)(view)
        return decorator


class QueryArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


class IdList(ma.fields.List):
    """Ids as OpenAPI clients send a list, `actors=uk&actors=russia`, or as
    people type one, `actors=uk,russia` (or both at once): every value counts,
    trimmed, lower-cased, de-duplicated, in the order given. Never one value
    kept and the others dropped.

    The schema bounds the number of values; `min_ids`/`max_ids`, when given,
    bound the distinct ids once commas are split (a 400), which no schema can
    say of `actors=uk,russia`."""

    def __init__(self, min_ids: int = 1, max_ids: int | None = None,
                 pattern: str = ID_LIST_PATTERN, **kwargs):
        self.min_ids, self.max_ids = min_ids, max_ids
        self.max_values = max_ids or MAX_LIST_ITEMS
        item = ma.fields.String(validate=[
            ma.validate.Length(min=1, max=MAX_LIST_ITEMS * 66),
            ma.validate.Regexp(pattern, error=(
                "Not an id, or ids separated by commas: letters, digits, '-' and '_' only.")),
        ])
        super().__init__(item, **kwargs)
        # Documented as minItems/maxItems: they count the values sent, as a schema can.
        self.metadata = {"minItems": 1, "maxItems": self.max_values, **self.metadata}

    def _deserialize(self, value, attr, data, **kwargs):
        values = super()._deserialize(value, attr, data, **kwargs)
        if not 1 <= len(values) <= self.max_values:
            raise ma.ValidationError(f"Give between 1 and {self.max_values} values.")
        ids: dict[str, None] = {}
        for item in values:
            for part in item.split(","):
                if len(part.strip()) > 64:
                    raise ma.ValidationError("An id is at most 64 characters.")
                ids.setdefault(part.strip().lower(), None)
        if len(ids) < self.min_ids or (self.max_ids and len(ids) > self.max_ids):
            raise ma.ValidationError(
                f"Give between {self.min_ids} and {self.max_values} different ids.")
        return list(ids)


def as_of_field(description: str = "Date of the snapshot (YYYY-MM-DD); default today (UTC).") -> ma.fields.Date:
    return RecordDate(load_default=today, metadata={"description": description, "example": "2025-03-20"})


ACTOR_IDS = "Actor ids or aliases: repeat the parameter or separate ids with commas; default all."
TOPIC_IDS = "Topic ids: repeat the parameter or separate ids with commas; default all."


def actor_ids() -> IdList:
    return IdList(metadata={"description": ACTOR_IDS})


def topic_ids() -> IdList:
    return IdList(metadata={"description": TOPIC_IDS})


class PositionsArgs(QueryArgs):
    """Which cells of the grid, on which date: /v1/positions, /v1/matrix and the matrix embed."""

    as_of = as_of_field()
    actors = actor_ids()
    topics = topic_ids()


class DateRange(QueryArgs):
    """A period given as `from` and `to` (each field declared by the schema that
    describes it): `to` may not come before `from`."""

    @ma.validates_schema
    def _range(self, data, **_):
        # A step chart's `to` may be left out (it ends at the last statement shown).
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ma.ValidationError("must not be before `from`", "to")


# A BCP 47 language tag, for the record's words in other languages (`labels`).
LANGUAGE_TAG = ma.validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
                                  error="A BCP 47 language tag (fr, de, uk, pt-BR).")


class MaxProperties(ma.validate.Validator):
    """At most `most` keys in a mapping, documented as JSON Schema's maxProperties (apispec
    would document marshmallow's Length on a Dict as maxLength, which no validator applies
    to an object)."""

    def __init__(self, most: int, what: str = "entries"):
        self.most, self.what = most, what

    def __call__(self, value):
        if len(value) > self.most:
            raise ma.ValidationError(f"At most {self.most} {self.what}.")
        return value


def languages(values: ma.fields.Field, **kwargs) -> ma.fields.Dict:
    """`labels`: the record's words in other languages, by language tag (at most 50)."""
    metadata = {**kwargs.pop("metadata", {}), "maxProperties": 50}
    return ma.fields.Dict(keys=ma.fields.String(validate=LANGUAGE_TAG), values=values,
                          validate=MaxProperties(50, "languages"), metadata=metadata, **kwargs)
