"""Every date a request can carry is held to the record's span at the door.

The operations and their dates come from the committed spec, so a date parameter
or body field added later is walked too: each query parameter, path part or body
field that is a date (`format: date`, or `actor@YYYY-MM-DD`), at the span's edges
and far outside it. Inside the span nothing fails (no 5xx, no refusal of the
date); outside it the answer is a 400 problem naming the parameter.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

import pytest

from service.http.dates import DATE_PATTERN, SPAN_TEXT
from service.domain.model import FIRST_DATE, LAST_DATE
from tests.contract import spec_dict

from .test_writes import admin  # noqa: F401 (a fixture)

DAY = dt.timedelta(days=1)
INSIDE = [FIRST_DATE.isoformat(), LAST_DATE.isoformat()]
OUTSIDE = [(FIRST_DATE - DAY).isoformat(), (LAST_DATE + DAY).isoformat(), "0001-01-01", "9999-12-31"]
ACTOR_AT_DATE = "actor@YYYY-MM-DD"
# What the record holds, for a path part or a required parameter the spec gives no example of.
RECORD_IDS = {"actor_id": "ukraine", "topic_id": "backstop", "actors": "uk,russia",
              "statement_id": "uk-peacekeepers-2025-03-20", "note_id": "uk-peacekeepers-considered"}


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec_dict()["components"]["schemas"][name]
    return schema


def _is_date(schema: dict) -> bool:
    return schema.get("format") == "date"


def _body_dates(schema: dict, path: tuple = ()) -> list[tuple]:
    """Paths of the date fields in a request body's schema, nested objects included."""
    schema = _resolve(schema)
    found = []
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(prop)
        if _is_date(prop):
            found.append((*path, name))
        elif prop.get("type") == "object" or "properties" in prop:
            found += _body_dates(prop, (*path, name))
    return found


def _operations():
    """(operation id, method, path, query, path values, body, where the date goes)."""
    for path, item in spec_dict()["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            params = [p for p in item.get("parameters", []) + operation.get("parameters", [])
                      if p["in"] in ("query", "path")]
            query = {p["name"]: p["schema"].get("example", RECORD_IDS.get(p["name"])) for p in params
                     if p["in"] == "query" and ("example" in p["schema"] or p.get("required"))}
            parts = {p["name"]: p.get("example", RECORD_IDS.get(p["name"], "none"))
                     for p in params if p["in"] == "path"}
            media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            body = media.get("example")
            dates = [("query", p["name"]) for p in params if p["in"] == "query" and
                     (_is_date(p["schema"]) or ACTOR_AT_DATE in p.get("description", ""))]
            if media:
                dates += [("body", *field) for field in _body_dates(media["schema"])]
            for where in dates:
                yield pytest.param(method, path, query, parts, body, where,
                                   id=f"{operation['operationId']}-{'.'.join(where[1:])}")


OPERATIONS = list(_operations())


def test_the_walk_finds_every_kind_of_date():
    """A guard on the walk itself: reads, embeds, charts, diff's sides and write bodies."""
    ids = {p.id for p in OPERATIONS}
    for expected in ("getMatrix-as_of", "getDiff-left", "getActorChanges-from", "getTopicTimeline-to",
                     "getActorTimelineEmbed-from", "getStepsPng-to", "listStatements-from",
                     "createStatement-stated_on", "createStatement-source.published_on",
                     "reviseStatement-stated_on"):
        assert expected in ids, sorted(ids)


def _with_date(method, path, query, parts, body, where, day: str, together: bool):
    """The request with `day` in the date `where`; `together`: every other date of the
    request too, so an in-span pair (`from` and `to`) stays in order."""
    query, body = dict(query), copy.deepcopy(body)

    def put(target):
        if target[0] == "query":
            old = query.get(target[1], "")
            query[target[1]] = (old.split("@")[0] + "@" + day) if "@" in str(old) else day
        else:
            node = body
            for key in target[1:-1]:
                node = node.setdefault(key, {})
            node[target[-1]] = day

    put(where)
    if together:
        for other in [p.values[5] for p in OPERATIONS if p.values[:2] == (method, path)]:
            put(other)
    url = re.sub(r"\{(\w+)\}", lambda m: str(parts[m[1]]), path)
    return url, query, body


def _send(client, admin, method, url, query, body):
    headers = {**admin, "If-Match": '"1"'} if method != "get" else admin
    return client.open(url, method=method.upper(), query_string=query, json=body, headers=headers)


@pytest.mark.parametrize("method, path, query, parts, body, where", OPERATIONS)
def test_a_date_outside_the_span_is_a_400_naming_it(client, admin, method, path, query, parts,
                                                     body, where):
    for day in OUTSIDE:
        url, query, body = _with_date(method, path, query, parts, body, where, day, together=False)
        response = _send(client, admin, method, url, query, body)
        assert response.status_code == 400, (url, query, body, response.get_data(as_text=True)[:500])
        if response.mimetype == "text/html":  # an embed page answers with an error page
            assert SPAN_TEXT in response.get_data(as_text=True)
            continue
        assert response.mimetype == "application/problem+json"
        field = errors = response.get_json()["errors"]
        for key in where[1:]:
            field = field[key]
        assert SPAN_TEXT in str(field), errors


@pytest.mark.parametrize("method, path, query, parts, body, where", OPERATIONS)
def test_a_date_at_the_edge_of_the_span_is_taken(client, admin, method, path, query, parts,
                                                 body, where):
    for day in INSIDE:
        url, query, body = _with_date(method, path, query, parts, body, where, day, together=True)
        response = _send(client, admin, method, url, query, body)
        assert response.status_code < 500, response.data[:500]
        assert SPAN_TEXT.encode() not in response.data
        if method == "get":
            # Any day of the span is a day the record can answer for.
            assert response.status_code == 200, (url, query, response.data[:500])


def test_the_spec_date_pattern_matches_exactly_the_real_days_of_the_span():
    # A generated date that matches the pattern must be one the server takes, and every
    # day the server takes must match: no 30 February, 29 February only in leap years.
    pattern = re.compile(f"^{DATE_PATTERN}$")
    day, wrong = FIRST_DATE - dt.timedelta(days=40), []
    while day <= LAST_DATE + dt.timedelta(days=40):
        if bool(pattern.match(day.isoformat())) != (FIRST_DATE <= day <= LAST_DATE):
            wrong.append(day)
        day += dt.timedelta(days=1)
    assert wrong == []
    for impossible in ("2025-02-29", "2100-02-29", "2025-02-30", "2025-04-31", "2025-00-10",
                       "2025-13-01"):
        assert not pattern.match(impossible), impossible
