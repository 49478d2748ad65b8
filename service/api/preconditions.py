"""Documents If-Match as required wherever its absence is answered with 428.

The view checks the header itself (so that a missing one is 428 Precondition
Required, RFC 6585, not a generic 400), which leaves the parsed parameter
optional; this plugin makes the spec say what the server does.
"""

from __future__ import annotations

from apispec import BasePlugin


class PreconditionPlugin(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            responses = operation.get("responses", {})
            if 428 not in responses and "428" not in responses:
                continue
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, dict) and parameter.get("in") == "header" \
                        and parameter.get("name") == "If-Match":
                    parameter["required"] = True
