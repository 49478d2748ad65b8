"""CSV for data journalists: every table-shaped answer has a `.csv` twin.

`/v1/matrix` answers JSON and `/v1/matrix.csv` the same answer as a table:
one URL, one representation, so a generated client types each operation by
its one content type, and any cache keyed on the URL is right. A view module
computes its answer in a plain function; `csv_twin` registers the `.csv`
route that turns that answer into rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence

from flask import Response, current_app, request
from flask.views import MethodView

from ..http.args import today
from ..http.problems import Problem

CSV_MEDIA_TYPE = "text/csv"

# What a spreadsheet would run as a formula if a cell starts with it, after any
# leading white space (spreadsheets skip spaces and line breaks before `=`), or
# a tab or carriage return on its own (OWASP's CSV injection list).
_FORMULA_SIGNS = ("=", "+", "-", "@")
_FORMULA_STARTS = (*_FORMULA_SIGNS, "\t", "\r")

# A CSV table: a header row of column names, then rows of plain values.
Table = tuple[Sequence[str], Iterable[Sequence[object]]]

CONTENT_DISPOSITION = {"Content-Disposition": {
    "description": "`attachment` with a file name made of the path and the date asked for, "
                   "e.g. `standpoint-matrix-2025-03-20.csv`.",
    "schema": {"type": "string"}}}


def csv_filename() -> str:
    """`standpoint-actors-ukraine-changes-2025-03-20.csv`: the path after /v1
    and the date the answer is for, in characters every file system takes."""
    parts = request.path.removesuffix(".csv").strip("/").split("/")[1:]
    day = request.args.get("as_of") or request.args.get("to") or today().isoformat()
    name = "-".join(["standpoint", *parts, day])
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:150] + ".csv"


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and (value.startswith(_FORMULA_STARTS)
                                   or value.lstrip().startswith(_FORMULA_SIGNS)):
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
    response.headers["Content-Disposition"] = f'attachment; filename="{csv_filename()}"'
    return response


def csv_twin(blp, rule: str, args, answer: Callable[..., object],
             to_table: Callable[[object], Table], operation_id: str, summary: str,
             columns: str, header: Sequence[str], parameters: list | None = None) -> None:
    """Register `rule + ".csv"`: what `answer(args, **path)` returns, as a CSV table."""

    def get(self, args, **path):
        return csv_response(to_table(answer(args, **path)))

    get.__doc__ = f"{summary}\n\n{columns}"
    get = blp.doc(operationId=operation_id)(get)
    get = blp.arguments(args, location="query")(get)
    get = blp.response(200, {"type": "string", "description": columns},
                       content_type=CSV_MEDIA_TYPE, headers=CONTENT_DISPOSITION,
                       description="The table, with a header row.",
                       example=",".join(header) + "\r\n")(get)
    view = type(operation_id[0].upper() + operation_id[1:], (MethodView,), {"get": get})
    blp.route(rule + ".csv", parameters=parameters)(view)


def _point_format_to_the_csv_path() -> None:
    """`?format=csv` was how CSV was asked for before it had its own URL: say
    where it is now rather than only that `format` is unknown."""
    rule = request.url_rule
    if "format" not in request.args or rule is None or rule.rule.endswith(".csv"):
        return
    # Read from the URL map when asked (a rare, refused request), so this hook
    # works whatever was registered after it.
    if any(r.rule == rule.rule + ".csv" for r in current_app.url_map.iter_rules()):
        query = "&".join(f"{k}={v}" for k, v in request.args.items(multi=True) if k != "format")
        path = request.path + ".csv" + (f"?{query}" if query else "")
        raise Problem(400, "invalid-request",
                      f"`format` is not a parameter here: CSV has its own URL, {path}",
                      errors={"format": [f"Unknown field. For CSV, ask for {path}"]})


def init_app(app) -> None:
    app.before_request(_point_format_to_the_csv_path)
