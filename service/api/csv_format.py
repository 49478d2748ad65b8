"""CSV for data journalists: one mechanism every CSV-capable endpoint shares.

A view declares `format` in its query schema (via `FormatArgs`), documents the
CSV alternative with `@csv_alternative(blp, ...)`, and ends with
`return respond(args, result, to_rows)`: JSON (serialised by smorest) unless the
URL asks for CSV with `?format=csv`. The URL alone chooses, never Accept: one
URL, one representation, so any cache keyed on the URL is right.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence

import marshmallow as ma
from flask import Response

from .args import QueryArgs

CSV_MEDIA_TYPE = "text/csv"

# What a spreadsheet would run as a formula if a cell starts with it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A CSV table: a header row of column names, then rows of plain values.
Table = tuple[Sequence[str], Iterable[Sequence[object]]]


class FormatArgs(QueryArgs):
    format = ma.fields.String(
        validate=ma.validate.OneOf(("json", "csv")),
        metadata={"description": "`csv` for a CSV table, `json` (the default) for JSON. "
                                 "The URL alone chooses: the Accept header is not consulted."},
    )


def csv_alternative(blp, description: str):
    """Document `text/csv` as an alternative content of the 200 response."""
    return blp.alt_response(
        200,
        content_type=CSV_MEDIA_TYPE,
        schema={"type": "string", "description": description},
        success=True,
    )


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
    """The view's result as JSON, or as CSV when the URL asks for it."""
    if args.get("format") == "csv":
        return csv_response(to_table(result))
    return result
