"""An apispec plugin that documents what every GET does for caches: the
If-None-Match parameter, the 304 answer and the ETag/Cache-Control headers.
It documents service/api/caching.py, in one place rather than per view."""

from __future__ import annotations

import copy

from apispec import BasePlugin

from .caching import NO_STORE_PATHS

CACHE_HEADERS = {
    "ETag": {"description": "Validator of this representation, named by the data version: it "
                            "changes whenever the record does. Send it back in If-None-Match.",
             "schema": {"type": "string"}},
    "Cache-Control": {"description": "Shared caches may keep the answer briefly, e.g. "
                                     "`public, max-age=60, stale-while-revalidate=300` "
                                     "(configurable).",
                      "schema": {"type": "string"}},
}


class HttpCachingPlugin(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        get = (operations or {}).get("get")
        if not get or path in NO_STORE_PATHS:
            return
        get.setdefault("parameters", []).append({
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "description": "An ETag from an earlier answer: 304 with no body if unchanged.",
            "schema": {"type": "string"},
        })
        responses = get.setdefault("responses", {})
        ok = responses.get(200) or responses.get("200")
        if isinstance(ok, dict):
            ok.setdefault("headers", {}).update(copy.deepcopy(CACHE_HEADERS))
        responses[304] = {"description": "Not Modified: the ETag still matches; no body.",
                          "headers": copy.deepcopy(CACHE_HEADERS)}
