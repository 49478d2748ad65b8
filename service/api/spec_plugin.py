"""apispec plugins for what the spec says about every operation at once, in one
place rather than per view:

- HttpCachingPlugin documents what every GET does for caches: the
  If-None-Match parameter, the 304 answer and the ETag/Cache-Control headers
  (service/http/caching.py), and that the probes are never cached.
- ContractPlugin makes the document complete for its readers and linters:
  public operations say `security: []`; every string parameter says it takes
  no NUL character, and every operation documents the 400 that refuses one
  (service/http/input_guards.py); every request and response body has an
  example, built from the schemas' `example` metadata.
"""

from __future__ import annotations

import copy

from apispec import BasePlugin

from ..http.caching import NO_STORE_PATHS, no_store
from ..http.problems import PROBLEM_JSON

CACHE_HEADERS = {
    "ETag": {"description": "Validator of this representation, named by the data version: it "
                            "changes whenever the record does. Send it back in If-None-Match.",
             "schema": {"type": "string"}},
    "Cache-Control": {"description": "Shared caches may keep the answer briefly, e.g. "
                                     "`public, max-age=60, stale-while-revalidate=300` "
                                     "(configurable).",
                      "schema": {"type": "string"}},
}
NO_STORE_HEADER = {"Cache-Control": {"description": "Always `no-store`.",
                                     "schema": {"type": "string", "const": "no-store"}}}
NO_STORE_NOTE = ("Never cached: the answer says `Cache-Control: no-store`, so a probe always "
                 "sees the live state.")
PRIVATE_NOTE = "Never cached: the answer says `Cache-Control: no-store`."


def _ok_response(operation: dict) -> dict | None:
    responses = operation.get("responses", {})
    ok = responses.get(200) or responses.get("200")
    return ok if isinstance(ok, dict) else None


class HttpCachingPlugin(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        get = (operations or {}).get("get")
        if not get:
            return
        if no_store(path):
            note = NO_STORE_NOTE if path in NO_STORE_PATHS else PRIVATE_NOTE
            get["description"] = "\n\n".join(filter(None, [get.get("description"), note]))
            ok = _ok_response(get)
            if ok is not None:
                ok.setdefault("headers", {}).update(copy.deepcopy(NO_STORE_HEADER))
            return
        get.setdefault("parameters", []).append({
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "description": "An ETag from an earlier answer: 304 with no body if unchanged.",
            "schema": {"type": "string"},
        })
        responses = get.setdefault("responses", {})
        ok = _ok_response(get)
        if ok is not None:
            ok.setdefault("headers", {}).update(copy.deepcopy(CACHE_HEADERS))
        responses[304] = {"description": "Not Modified: the ETag still matches; no body.",
                          "headers": copy.deepcopy(CACHE_HEADERS)}


# Any string but one with a NUL character, which input_guards refuses (400)
# wherever a client puts it: in the path or in a query parameter.
NUL_FREE_PATTERN = r"^[^\u0000]*$"
NUL_REFUSED = "NUL_REFUSED"
NUL_REFUSED_RESPONSE = {
    "description": "Bad Request: the path or a query parameter contains a NUL character "
                   "(problem type `invalid-request`).",
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}
# Where examples are made for a body: structured media types. A CSV, HTML or
# YAML body is a string to the schema; it gets the example its schema gives, if any.
STRUCTURED = ("application/json", "application/problem+json")
SAMPLE_STRINGS = {
    "date": "2025-03-20",
    "date-time": "2025-03-20T09:30:00Z",
    "uri": "https://example.org/",
    "url": "https://example.org/",
    "email": "editor@example.org",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
}


def _types(schema: dict) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _nul_free(schema: dict) -> None:
    """Give a string schema (or an array's string items) the NUL-free pattern,
    unless it already says what it takes (a pattern, an enum or a constant)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if "array" in _types(schema):
        _nul_free(schema.get("items", {}))
    if "string" in _types(schema) and not {"pattern", "enum", "const"} & schema.keys():
        schema["pattern"] = NUL_FREE_PATTERN


def _document_nul(parameters: list) -> None:
    for parameter in parameters or ():
        if isinstance(parameter, dict) and parameter.get("in") in ("path", "query"):
            _nul_free(parameter.get("schema"))


class ContractPlugin(BasePlugin):
    def init_spec(self, spec):
        super().init_spec(spec)
        self.spec = spec
        spec.components.response(NUL_REFUSED, copy.deepcopy(NUL_REFUSED_RESPONSE))

    def path_helper(self, path=None, operations=None, parameters=None, **kwargs):
        _document_nul(parameters)  # path parameters declared for every operation of a path

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            # Reads are open to anyone: say so, rather than leave it unstated.
            operation.setdefault("security", [])
            _document_nul(operation.get("parameters"))
            responses = operation.setdefault("responses", {})
            if 400 not in responses and "400" not in responses:
                responses[400] = NUL_REFUSED
            bodies = [operation.get("requestBody")] + [
                response for status, response in responses.items()
                if str(status).startswith("2")]
            for body in bodies:
                if isinstance(body, dict):
                    self._add_examples(body)

    def _add_examples(self, body: dict) -> None:
        for media_type, content in body.get("content", {}).items():
            schema = content.get("schema")
            if not schema or "example" in content or "examples" in content:
                continue
            example = (self.example(schema) if media_type in STRUCTURED
                       else self._given_example(schema))
            if example is not None and example != {}:  # {}: a schema that says nothing
                content["example"] = example

    def _resolve(self, schema: dict) -> dict:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.spec.components.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def _given_example(self, schema: dict):
        schema = self._resolve(schema)
        if "example" in schema:
            return copy.deepcopy(schema["example"])
        if schema.get("examples"):
            return copy.deepcopy(schema["examples"][0])
        return None

    def example(self, schema: dict, depth: int = 0):
        """A value valid for `schema`: the example its author gave (null too),
        else one made of its properties' examples, else a plain value of its type
        and format."""
        schema = self._resolve(schema)
        if "example" in schema or schema.get("examples") or depth > 10:
            return self._given_example(schema)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return next((value for value in schema["enum"] if value is not None), None)
        for key in ("allOf", "anyOf", "oneOf"):
            options = [option for option in schema.get(key, ())
                       if _types(self._resolve(option)) != ["null"]]
            if options:
                return self.example(options[0], depth + 1)
        if schema.get("default") is not None:
            return copy.deepcopy(schema["default"])
        kinds = [kind for kind in _types(schema) if kind != "null"] or _types(schema)
        kind = kinds[0] if kinds else ("object" if "properties" in schema else None)
        if kind == "object":
            return {name: self.example(prop, depth + 1)
                    for name, prop in schema.get("properties", {}).items()}
        if kind == "array":
            item = self.example(schema.get("items", {}), depth + 1)
            return [] if item is None else [item] * max(1, schema.get("minItems", 1))
        if kind == "string":
            text = SAMPLE_STRINGS.get(schema.get("format"), "string")
            return text.ljust(schema.get("minLength", 0), "x")[:schema.get("maxLength")]
        if kind in ("integer", "number"):
            value = max(0, schema.get("minimum", 0), schema.get("exclusiveMinimum", -1) + 1)
            return min(value, schema.get("maximum", value),
                       schema.get("exclusiveMaximum", value + 1) - 1)
        if kind == "boolean":
            return True
        return None
