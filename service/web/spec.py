"""What the spec says of errors on embed routes: HTML pages, not problem+json.

Runs after the API's plugins (web/__init__.py appends it), so the 429 and the
default error they document for every operation are restated, for /embed/
paths, as the frameable page web/error_page.py renders.
"""

from __future__ import annotations

import copy

from apispec import BasePlugin

from ..http.limits import RATE_LIMIT_HEADERS, RETRY_AFTER

ERROR_PAGE = {"type": "string", "description": (
    "A small frameable HTML page saying what was wrong (the problem's status, title and "
    "detail, field errors), with the valid ids and working example addresses.")}
ERROR_EXAMPLE = ('<!doctype html><html lang="en" data-theme="light"><title>Not Found · '
                 'Standpoint</title><main><h1>This embed cannot be shown</h1><p class="problem">'
                 '<strong>404 Not Found.</strong> No actor \'narnia\'. Valid ids: ...</p>...')


def error_page_response(description: str) -> dict:
    return {"description": description,
            "content": {"text/html": {"schema": dict(ERROR_PAGE), "example": ERROR_EXAMPLE}}}


# Refused by gunicorn before the app runs (service/gunicorn_errors.py): no page can
# answer, so these stay problem+json, on embed routes too.
BEFORE_THE_APP = {414: "REQUEST_URI_TOO_LONG", 431: "REQUEST_HEADER_FIELDS_TOO_LARGE"}


class EmbedErrorPagesPlugin(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        if not (path or "").startswith("/embed/"):
            return
        for operation in (operations or {}).values():
            responses = operation.get("responses", {})
            responses.update(BEFORE_THE_APP)
            for status in list(responses):
                if str(status) == "default":
                    responses[status] = error_page_response(
                        "Any other error, as a frameable page (the status says which).")
                elif (str(status) == "429" or not str(status).isdigit() or int(status) < 400
                      or int(status) in BEFORE_THE_APP):
                    pass
                else:
                    current = responses[status]
                    described = current.get("description") if isinstance(current, dict) else None
                    responses[status] = error_page_response(
                        described or f"An error ({status}), as a frameable page.")
                if str(status) == "429":
                    page = error_page_response(
                        "Too Many Requests: a rate limit is spent; retry after Retry-After "
                        "seconds.")
                    page["headers"] = {"Retry-After": copy.deepcopy(RETRY_AFTER),
                                       **copy.deepcopy(RATE_LIMIT_HEADERS)}
                    responses[status] = page
