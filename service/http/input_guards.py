"""The door every request passes before any handler: text no store should see,
request bodies the service cannot read, and JSON too pathological to process.

- NUL is never meaningful in an id, a date or a quote, PostgreSQL text cannot hold
  it, and C-based tools downstream truncate at it: refused in the URL and in bodies.
- A body in a content coding (gzip, br, ...) is refused with 415: the service
  decodes none, and reading compressed bytes as JSON would store garbage.
- A JSON body is parsed once, here, and must be plain data: no lone surrogates
  (they cannot be stored or encoded as UTF-8), no nesting deeper than any body
  Standpoint takes, no integer longer than any field needs, and none of the
  NaN/Infinity literals Python accepts but JSON (RFC 8259) does not.
Every refusal is a 400 (415 for the coding) in problem+json; the write handlers
then see only documents they can validate.
"""

from __future__ import annotations

import json

from flask import Flask, Request, request

from .problems import Problem

NUL = "\x00"
# Standpoint's bodies nest three levels deep (a statement, its source, a list); 32
# leaves room for any future body while far below where recursion gets expensive.
MAX_JSON_DEPTH = 32
# No field takes a number anywhere near this; Python itself refuses int() past 4,300 digits.
MAX_INTEGER_DIGITS = 32
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
JSON_DOCUMENT = "standpoint.json_document"


def _problem(document) -> str | None:
    """What makes a parsed JSON document unfit, or None: one walk, without
    recursion, over every container (its depth) and every key and string."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
            texts = value.keys() if isinstance(value, dict) else ()
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
        else:
            texts = (value,) if isinstance(value, str) else ()
        for text in texts:
            if NUL in text:
                return "The JSON body contains a NUL character (\\u0000)."
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return ("The JSON body contains a lone surrogate (\\ud800 to \\udfff), "
                        "which is not a character.")
    return None


class _Refused(ValueError):
    pass


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _Refused(f"An integer in the JSON body has more than {MAX_INTEGER_DIGITS} digits.")
    return int(text)


def _no_constant(name: str):
    raise _Refused(f"{name} is not JSON (RFC 8259); send a number or null.")


def _invalid(detail: str) -> Problem:
    return Problem(400, "invalid-json", detail)


def parse_json_body(req: Request):
    """The request's JSON document, parsed and checked once per request."""
    # Kept with the request, not in `g`: an app context (and its g) can outlive a request.
    if JSON_DOCUMENT in req.environ:
        return req.environ[JSON_DOCUMENT]
    try:
        document = json.loads(req.get_data(cache=True), parse_int=_integer,
                              parse_constant=_no_constant)
    except RecursionError:
        raise _invalid("The JSON body is nested too deeply.") from None
    except _Refused as refused:
        raise _invalid(str(refused)) from None
    except UnicodeDecodeError:
        raise _invalid("The body is not UTF-8.") from None
    except ValueError as error:  # json.JSONDecodeError, and int()'s own digit limit
        raise _invalid(f"The body is not valid JSON: {error}.") from None
    problem = _problem(document)
    if problem:
        raise _invalid(problem)
    req.environ[JSON_DOCUMENT] = document
    return document


def _has_body(req: Request) -> bool:
    return bool(req.content_length) or "chunked" in req.headers.get("Transfer-Encoding", "").lower()


def _guard_request() -> None:
    if NUL in request.path:
        raise Problem(400, "invalid-request", "The path contains a NUL character.")
    for name, value in request.args.items(multi=True):
        if NUL in name or NUL in value:
            raise Problem(400, "invalid-request", "A query parameter contains a NUL character.",
                          errors={name.replace(NUL, ""): ["Contains a NUL character."]})
    if request.method not in BODY_METHODS or not _has_body(request):
        return
    coding = request.headers.get("Content-Encoding", "").strip().lower()
    if coding not in ("", "identity"):
        # RFC 9110 15.5.16: a 415 for a content coding names the codings accepted.
        raise Problem(415, "unsupported-media-type",
                      f"Content-Encoding '{coding}' is not accepted; send the body uncompressed.",
                      headers={"Accept-Encoding": "identity"})
    if request.is_json:
        parse_json_body(request)


def init_app(app: Flask) -> None:
    app.before_request(_guard_request)
