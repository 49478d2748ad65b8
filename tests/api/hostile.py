"""The hostile-input corpus, generated from openapi.yaml so that every operation,
including ones added later, meets it. Each case is a request that must be refused
with a 4xx problem+json and must leave the stored data as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..contract import spec_dict

METHODS = ("get", "post", "put", "patch", "delete")

# A real id for each path parameter of the bundled record, so a case aims past routing at the
# part it attacks; tests/api/test_hostile_input.py adds the ids of a subscription, a delivery
# and a proposal (generated ids), and fails on any placeholder left unfilled.
KNOWN_IDS = {"actor_id": "uk", "topic_id": "backstop", "statement_id": "uk-backstop-2025-03-20",
             "note_id": "uk-peacekeepers-considered", "source_id": "ap-2025-03-20"}

NUL, BAD_UTF8 = "%00", "%FF%FE%FD"
DATE_IN = re.compile(r"\d{4}-\d{2}-\d{2}")
SQL = "%27%20OR%20%271%27%3D%271%27%3B%20DROP%20TABLE%20statements%3B--"
HTML = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"

PATH_ATTACKS = {
    "traversal": "..%2F..%2F..%2Fetc%2Fpasswd",
    "traversal-dots": "....%2F%2F....%2F%2Fetc",
    "traversal-backslash": "..%5C..%5Cwindows%5Cwin.ini",
    "nul": "uk" + NUL,
    "invalid-utf8": BAD_UTF8,
    "sql": SQL,
    "html": HTML,
    "very-long": "a" * 5000,
}
DATE_ATTACKS = {"zero-date": "0000-00-00", "feb-30": "2025-02-30", "month-13": "2025-13-01",
                "year-99999": "99999-01-01", "datetime": "2025-03-20T00%3A00%3A00Z",
                "nul": "2025-03-20" + NUL, "invalid-utf8": BAD_UTF8, "empty": ""}
INTEGER_ATTACKS = {"negative": "-1", "zero": "0", "float": "1.5", "huge": "9" * 40,
                   "nan": "NaN", "nul": NUL, "invalid-utf8": BAD_UTF8}
BOOLEAN_ATTACKS = {"word": "maybe", "nul": NUL, "invalid-utf8": BAD_UTF8}
LIST_ATTACKS = {"ids-10000": ",".join(f"actor{i}" for i in range(10_000)),
                "ids-51": ",".join(f"a{i}" for i in range(51)), "only-commas": ",,,",
                "nul": "uk" + NUL, "invalid-utf8": BAD_UTF8, "sql": SQL, "html": HTML}
STRING_ATTACKS = {"nul": NUL, "invalid-utf8": BAD_UTF8, "sql": SQL, "html": HTML,
                  "huge": "a" * 100_000}


PLACEHOLDER = re.compile(r"\{\w+\}")


@dataclass
class Case:
    id: str
    category: str
    method: str
    path: str  # as in openapi.yaml, its {placeholders} filled with real ids by `url`
    query: str = ""
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    expected: tuple[int, ...] | None = None  # None: any 4xx
    attacked: dict = field(default_factory=dict)  # path parameter -> hostile value
    # Text the answer must contain, proving that the part attacked answered
    # (the query parameter's name, the refused id's kind), not some other check.
    proof: str | None = None

    def url(self, ids: dict) -> str:
        return fill(self.path, ids, **self.attacked)


def operations():
    """(path, method, operation) with the path item's shared parameters merged in."""
    for path, item in spec_dict()["paths"].items():
        for method in METHODS:
            if method in item:
                operation = dict(item[method])
                operation["parameters"] = [*item.get("parameters", []), *operation.get("parameters", [])]
                yield path, method, operation


def fill(path: str, ids: dict, **overrides) -> str:
    """`path` with each {placeholder} replaced by its real id (or hostile value);
    one without either stays, and test_no_case_requests_an_unfilled_path fails."""
    return PLACEHOLDER.sub(lambda m: overrides.get(m[0][1:-1], ids.get(m[0][1:-1], m[0])), path)


def _query_attacks(schema: dict) -> tuple[str, dict[str, str]]:
    """The kind of a query parameter and the values that attack it."""
    example = str(schema.get("example", ""))
    if schema.get("format") == "date":
        return "date", DATE_ATTACKS
    if schema.get("type") == "string" and DATE_IN.search(example):
        # A value that embeds a date (`left=us@2025-03-11`): the same value with an impossible one.
        return "dated", {**STRING_ATTACKS, **{label: DATE_IN.sub(date, example) for label, date in
                                              (("zero-date", "0000-00-00"), ("feb-30", "2025-02-30"))}}
    if schema.get("type") == "array":
        return "list", LIST_ATTACKS
    kind = schema.get("type") if schema.get("type") in ("integer", "boolean") else "string"
    attacks = {"integer": INTEGER_ATTACKS, "boolean": BOOLEAN_ATTACKS}.get(kind, STRING_ATTACKS)
    if schema.get("x-free-text"):
        # A desk's own words (an embed's title=): any text is valid and is shown
        # escaped (tests/web/test_embed_pages.py), never refused.
        return "free text", {k: v for k, v in attacks.items() if k not in ("sql", "html")}
    return kind, attacks


QUERY_CATEGORIES = {"ids-10000": "huge list", "ids-51": "huge list", "nul": "NUL byte",
                    "invalid-utf8": "invalid UTF-8", "sql": "SQL injection", "html": "HTML injection",
                    "huge": "huge query string"}


def query_cases():
    """Every API operation's own argument schema refuses an unknown parameter; every query
    parameter meets one attack of its kind, and every attack of a kind meets some
    parameter of that kind: the same validator is not asked the same question twice."""
    seen, unused = set(), {}
    for path, method, operation in operations():
        params = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        if not params:
            continue
        op = operation["operationId"]
        # Embeds ignore what they do not know (links gain fbclid=, ref=; issue 26), and
        # name it in a header: tests/web/test_embed_pages.py. The API refuses it.
        if path.startswith("/embed/"):  # ... but not a bad value beside it
            yield Case(f"{op}-unknown-param", "unknown query parameter", method, path,
                       "nonsense=1&theme=nonsense", expected=(400,), proof="theme")
        else:
            yield Case(f"{op}-unknown-param", "unknown query parameter", method, path,
                       "nonsense=1", expected=(400,), proof="nonsense")
        for param in params:
            name, schema = param["name"], param.get("schema", {})
            kind, attacks = _query_attacks(schema)
            if (name, kind) in seen:
                continue
            seen.add((name, kind))
            labels = unused.setdefault(kind, list(attacks))
            label = labels.pop(0) if labels else next(iter(attacks))
            yield _query_case(op, method, path, name, label, attacks[label])
    # What is left of each kind's attacks goes to the last parameter of that kind seen.
    for path, method, operation in reversed(list(operations())):
        for param in operation.get("parameters", []):
            if param["in"] != "query":
                continue
            kind, attacks = _query_attacks(param.get("schema", {}))
            while unused.get(kind):
                label = unused[kind].pop(0)
                yield _query_case(operation["operationId"], method, path, param["name"], label, attacks[label])
    first = next(o for o in operations() if any(p["in"] == "query" for p in o[2]["parameters"]))
    yield Case(f"{first[2]['operationId']}-huge-query", "huge query string", first[1], first[0],
               "x=" + "a" * 200_000, expected=(400,))


def _query_case(op: str, method: str, path: str, name: str, label: str, value: str) -> Case:
    category = QUERY_CATEGORIES.get(label, "bad value")
    if label in DATE_ATTACKS and category == "bad value":
        category = "impossible date"
    return Case(f"{op}-{name}-{label}", category, method, path, f"{name}={value}", proof=name)


def path_cases():
    """Each path parameter of each operation meets one attack, the attacks taking
    turns, with every other parameter a real id: the refusal is this parameter's."""
    labels = list(PATH_ATTACKS)
    turn = 0
    for path, method, operation in operations():
        op = operation["operationId"]
        for name in [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]:
            label = labels[turn % len(labels)]
            turn += 1
            category = {"nul": "NUL byte", "invalid-utf8": "invalid UTF-8", "sql": "SQL injection",
                        "html": "HTML injection", "very-long": "huge id"}.get(label, "path traversal")
            yield Case(f"{op}-{name}-{label}", category, method, path,
                       attacked={name: PATH_ATTACKS[label]})


def method_cases():
    seen = set()
    for path, _method, _operation in operations():
        if path in seen:
            continue
        seen.add(path)
        documented = set(spec_dict()["paths"][path]) & set(METHODS)
        for method in ("delete", "put", "patch", "post"):
            if method not in documented:
                yield Case(f"{method}-{path}", "undocumented method", method, path,
                           body=b'{"a": 1}', headers={"Content-Type": "application/json"},
                           expected=(405,))
                break


def body_cases():
    """Bodies every JSON write must refuse, whatever its schema."""
    deep = b"[" * 50_000 + b"]" * 50_000
    bodies = {
        "malformed": (b'{"actor": "uk",, }', "application/json", "malformed JSON", (400,)),
        "truncated": (b'{"actor": "uk", "topic": "back', "application/json", "truncated JSON", (400,)),
        "empty": (b"", "application/json", "malformed JSON", (400,)),
        "not-an-object": (b"[1, 2, 3]", "application/json", "malformed JSON", (400,)),
        "invalid-utf8": (b'{"summary": "\xff\xfe\xfd"}', "application/json", "invalid UTF-8", (400,)),
        "nul-in-string": (b'{"summary": "a\\u0000b"}', "application/json", "NUL byte", (400,)),
        "deeply-nested": (deep[:60_000], "application/json", "deeply nested JSON", (400,)),
        "nested-object": (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "application/json",
                          "deeply nested JSON", (400,)),
        "text-plain": (b'{"actor": "uk"}', "text/plain", "wrong Content-Type", (415,)),
        "form": (b"actor=uk&topic=backstop", "application/x-www-form-urlencoded", "wrong Content-Type", (415,)),
        "xml": (b"<statement><actor>uk</actor></statement>", "application/xml", "wrong Content-Type", (415,)),
        "oversized": (b'{"summary": "' + b"a" * 200_000 + b'"}', "application/json", "oversized body", (413,)),
        # What an editor's hostile bodies once turned into 500s: lone surrogates in a
        # value and in a field name, nesting just under the parser's recursion limit,
        # an integer longer than Python converts, and JSON's missing constants.
        "lone-surrogate-value": (b'{"summary": "a\\ud800b"}', "application/json", "lone surrogate", (400,)),
        "lone-surrogate-name": (b'{"\\ud800": 1}', "application/json", "lone surrogate", (400,)),
        "low-surrogate-alone": (b'{"text": "\\udfff"}', "application/json", "lone surrogate", (400,)),
        "nested-400": (b"[" * 400 + b"]" * 400, "application/json", "deeply nested JSON", (400,)),
        "nested-999": (b'{"a":' * 999 + b"1" + b"}" * 999, "application/json", "deeply nested JSON", (400,)),
        "nested-33": (b'{"a":' * 33 + b"1" + b"}" * 33, "application/json", "deeply nested JSON", (400,)),
        "int-5000-digits": (b'{"revision": ' + b"9" * 5000 + b"}", "application/json", "huge number", (400,)),
        "int-33-digits": (b'{"revision": -' + b"9" * 33 + b"}", "application/json", "huge number", (400,)),
        "nan": (b'{"revision": NaN}', "application/json", "huge number", (400,)),
        "infinity": (b'{"revision": -Infinity}', "application/json", "huge number", (400,)),
    }
    # A body in a content coding the service does not decode, whatever its bytes
    # (here plain JSON labelled gzip, which was once stored as is): 415.
    for coding in ("gzip", "br", "deflate, gzip"):
        bodies[f"content-encoding-{coding.replace(', ', '-')}"] = (
            b'{"summary": "x"}', "application/json", "request Content-Encoding", (415,), coding)
    # The input guards answer before any handler, the same for every operation: each
    # body meets one operation, the operations taking turns, so every one meets some.
    writes = [(path, method, operation) for path, method, operation in operations()
              if "requestBody" in operation]
    for turn, (label, (body, content_type, category, expected, *coding)) in enumerate(bodies.items()):
        path, method, operation = writes[turn % len(writes)]
        headers = {"Content-Type": content_type, **({"Content-Encoding": coding[0]} if coding else {})}
        if any(p["in"] == "header" and p["name"] == "If-Match" for p in operation["parameters"]):
            headers["If-Match"] = "*"  # get past the precondition to the body
        yield Case(f"{operation['operationId']}-body-{label}", category, method, path,
                   body=body, headers=headers, expected=expected)


def all_cases() -> list[Case]:
    return [*query_cases(), *path_cases(), *method_cases(), *body_cases()]
