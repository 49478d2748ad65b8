"""CSV for data journalists: one mechanism every CSV-capable endpoint shares.

A view declares `format` in its query schema (via `FormatArgs`), documents the
CSV alternative with `@csv_alternative(blp, ...)`, and ends with
`return respond(args, result, to_rows)`: JSON (serialised by smorest) unless the
client asked for CSV with `?format=csv` or `Accept: text/csv`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence

import marshmallow as ma
from flask import Response, after_this_request, request

from .args import QueryArgs

CSV_MEDIA_TYPE = "text/csv"
JSON_MEDIA_TYPE = "application/json"

# What a spreadsheet would run as a formula if a cell starts with it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A CSV table: a header row of column names, then rows of plain values.
Table = tuple[Sequence[str], Iterable[Sequence[object]]]


class FormatArgs(QueryArgs):
    format = ma.fields.String(
        validate=ma.validate.OneOf(("json", "csv")),
        metadata={"description": "`csv` for a CSV table (same as `Accept: text/csv`); "
                                 "overrides the Accept header. Default: JSON."},
    )


def csv_alternative(blp, description: str):
    """Document `text/csv` as an alternative content of the 200 response."""
    return blp.alt_response(
        200,
        content_type=CSV_MEDIA_TYPE,
        schema={"type": "string", "description": description},
        success=True,
    )


def wants_csv(args: dict) -> bool:
    if "format" in args:
        return args["format"] == "csv"
    best = request.accept_mimetypes.best_match([JSON_MEDIA_TYPE, CSV_MEDIA_TYPE],
                                               default=JSON_MEDIA_TYPE)
    return best == CSV_MEDIA_TYPE


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # A quote that starts like a formula must stay text in a spreadsheet.
        return "'" + value
    return value


def csv_response(table: Table) -> Response:
    header, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = Response(buffer.getvalue(), mimetype=CSV_MEDIA_TYPE)
    response.headers["Content-Type"] = f"{CSV_MEDIA_TYPE}; charset=utf-8; header=present"
    return response


def respond(args: dict, result, to_table: Callable[[object], Table]):
    """The view's result as JSON, or as CSV when the client asked for it."""

    @after_this_request
    def _vary(response):
        # The same URL answers JSON or CSV depending on Accept.
        response.vary.add("Accept")
        return response

    if wants_csv(args):
        return csv_response(to_table(result))
    return result
