"""Query-argument parsing shared by every blueprint.

Unknown query parameters are an error (400), not silently ignored: a typo in
`as_of` must not quietly answer for today.
"""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.fields import DelimitedList
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from .input_guards import contains_nul
from .problems import Problem

MAX_LIST_ITEMS = 50
# Ids are slugs (`uk`, `united-kingdom`, `ceasefire_scope`); spaces around them are
# forgiven. A comma can never be part of an id: it is the list's delimiter, and a
# server cannot tell an encoded comma (%2C) from a literal one once the query is decoded.
ID_PATTERN = r"^ *[A-Za-z0-9_-]+ *$"


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
        """A body must be JSON (415 otherwise), and nesting too deep for the parser is a 400."""
        if not is_json_request(req):
            if not req.get_data(cache=True):
                return core.missing  # no body at all: the schema decides if one was required
            raise Problem(415, "unsupported-media-type",
                          f"Send the body as application/json, not {req.mimetype or 'untyped'}.")
        if not req.get_data(cache=True):
            # webargs would read "no body" as an empty document; every body Standpoint
            # takes is required, and an empty one is not JSON.
            raise Problem(400, "invalid-json", "The body is empty; send a JSON object.")
        try:
            document = core.parse_json(req.get_data(cache=True))
        except RecursionError:
            raise Problem(400, "invalid-json", "The JSON body is nested too deeply.") from None
        if contains_nul(document):
            raise Problem(400, "invalid-json", "The JSON body contains a NUL character (\\u0000).")
        return document


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictParser()


class QueryArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


class IdList(DelimitedList):
    """`actors=uk,russia`: comma-separated ids, trimmed, lower-cased, de-duplicated."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validate", ma.validate.Length(min=1, max=MAX_LIST_ITEMS,
                                           error="Give between {min} and {max} ids.")
        )
        item = ma.fields.String(validate=[
            ma.validate.Length(min=1, max=64),
            ma.validate.Regexp(ID_PATTERN, error="Not an id: letters, digits, '-' and '_' only."),
        ])
        super().__init__(item, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        items = super()._deserialize(value, attr, data, **kwargs)
        seen: dict[str, None] = {}
        for item in items:
            seen.setdefault(item.strip().lower(), None)
        return list(seen)


def as_of_field(description: str = "Date of the snapshot (YYYY-MM-DD); default today (UTC).") -> ma.fields.Date:
    return ma.fields.Date(load_default=today, metadata={"description": description, "example": "2025-03-20"})
