"""Flask's JSON provider with responses written by orjson: the same JSON,
several times faster.

Differences from Flask's default provider, all deliberate: output is UTF-8
rather than \\u-escaped ASCII (the same JSON text, smaller), and a bare
date/datetime becomes ISO 8601 rather than an RFC 822 string (the API's own
date format; marshmallow has already turned every documented date into text).
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider


class OrjsonProvider(DefaultJSONProvider):
    ensure_ascii = False
    sort_keys = False  # keep the documented field order

    def _options(self, indent: bool = False) -> int:
        options = orjson.OPT_NON_STR_KEYS
        if self.sort_keys:
            options |= orjson.OPT_SORT_KEYS
        if indent:
            options |= orjson.OPT_INDENT_2
        return options

    def _dump_bytes(self, obj: Any, indent: bool = False) -> bytes:
        return orjson.dumps(obj, default=self.default, option=self._options(indent))

    # dumps() stays Flask's own (the json module, used by templates' tojson and
    # the like, where the exact text matters); responses, the hot path, use orjson.

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any):
        obj = self._prepare_response_obj(args, kwargs)
        indent = (self.compact is None and self._app.debug) or self.compact is False
        # Straight to bytes: no str round trip for large documents.
        return self._app.response_class(
            self._dump_bytes(obj, indent) + b"\n", mimetype=self.mimetype
        )
