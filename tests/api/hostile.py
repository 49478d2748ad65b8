"""The hostile-input corpus, generated from openapi.yaml so that every operation,
including ones added later, meets it. Each case is a request that must be refused
with a 4xx problem+json and must leave the stored data as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..contract import spec_dict

METHODS = ("get", "post", "put", "patch", "delete")

# A valid value for each known path parameter, so a case aims past routing at the part it attacks.
KNOWN_IDS = {"actor_id": "uk", "topic_id": "backstop", "statement_id": "uk-backstop-2025-03-20",
             "id": "uk", "key_id": "1"}

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


@dataclass
class Case:
    id: str
    category: str
    method: str
    path: str
    query: str = ""
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    expected: tuple[int, ...] | None = None  # None: any 4xx


def operations():
    """(path, method, operation) with the path item's shared parameters merged in."""
    for path, item in spec_dict()["paths"].items():
        for method in METHODS:
            if method in item:
                operation = dict(item[method])
                operation["parameters"] = [*item.get("parameters", []), *operation.get("parameters", [])]
                yield path, method, operation


def fill(path: str, **overrides) -> str:
    for name, value in KNOWN_IDS.items():
        path = path.replace("{" + name + "}", overrides.get(name, value))
    return path


def _query_attacks(schema: dict) -> dict[str, str]:
    example = str(schema.get("example", ""))
    if schema.get("format") == "date":
        return DATE_ATTACKS
    if schema.get("type") == "string" and DATE_IN.search(example):
        # A value that embeds a date (`left=us@2025-03-11`): the same value with an impossible one.
        return {**STRING_ATTACKS, **{label: DATE_IN.sub(date, example) for label, date in
                                     (("zero-date", "0000-00-00"), ("feb-30", "2025-02-30"))}}
    if schema.get("type") == "array":
        return LIST_ATTACKS
    if schema.get("format") == "date":
        return DATE_ATTACKS
    return {"integer": INTEGER_ATTACKS, "boolean": BOOLEAN_ATTACKS}.get(schema.get("type"), STRING_ATTACKS)


def query_cases():
    for path, method, operation in operations():
        params = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        if not params:
            continue
        op = operation["operationId"]
        target = fill(path)
        yield Case(f"{op}-unknown-param", "unknown query parameter", method, target, "nonsense=1", expected=(400,))
        yield Case(f"{op}-huge-query", "huge query string", method, target, "x=" + "a" * 200_000, expected=(400,))
        for param in params:
            for label, value in _query_attacks(param.get("schema", {})).items():
                if label in ("sql", "html") and param.get("schema", {}).get("x-free-text"):
                    # A desk's own words (an embed's title=): any text is valid and is
                    # shown escaped (tests/web/test_embed_pages.py), never refused.
                    continue
                category = {"ids-10000": "huge list", "ids-51": "huge list", "nul": "NUL byte",
                            "invalid-utf8": "invalid UTF-8", "sql": "SQL injection", "html": "HTML injection",
                            "huge": "huge query string"}.get(label, "bad value")
                if label in DATE_ATTACKS and category == "bad value":
                    category = "impossible date"
                yield Case(f"{op}-{param['name']}-{label}", category, method, target, f"{param['name']}={value}")


def path_cases():
    for path, method, operation in operations():
        op = operation["operationId"]
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        for name in names:
            for label, value in PATH_ATTACKS.items():
                category = {"nul": "NUL byte", "invalid-utf8": "invalid UTF-8", "sql": "SQL injection",
                            "html": "HTML injection", "very-long": "huge id"}.get(label, "path traversal")
                yield Case(f"{op}-{name}-{label}", category, method, fill(path, **{name: value}))


def method_cases():
    seen = set()
    for path, _method, _operation in operations():
        if path in seen:
            continue
        seen.add(path)
        documented = set(spec_dict()["paths"][path]) & set(METHODS)
        for method in ("delete", "put", "patch", "post"):
            if method not in documented:
                yield Case(f"{method}-{path}", "undocumented method", method, fill(path),
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
    for path, method, operation in operations():
        if "requestBody" not in operation:
            continue
        headers = {}
        if any(p["in"] == "header" and p["name"] == "If-Match" for p in operation["parameters"]):
            headers["If-Match"] = "*"  # get past the precondition to the body
        for label, (body, content_type, category, expected) in bodies.items():
            yield Case(f"{operation['operationId']}-body-{label}", category, method, fill(path),
                       body=body, headers={**headers, "Content-Type": content_type}, expected=expected)
        # A body in a content coding the service does not decode, whatever its bytes
        # (here plain JSON labelled gzip, which was once stored as is): 415.
        for coding in ("gzip", "br", "deflate, gzip"):
            yield Case(f"{operation['operationId']}-content-encoding-{coding.replace(', ', '-')}",
                       "request Content-Encoding", method, fill(path), body=b'{"summary": "x"}',
                       headers={**headers, "Content-Type": "application/json",
                                "Content-Encoding": coding}, expected=(415,))


def all_cases() -> list[Case]:
    return [*query_cases(), *path_cases(), *method_cases(), *body_cases()]
