"""OpenAPI links from each write to the operations that use what it made.

A client (or schemathesis' stateful phase) can follow them: a created statement's
id leads to its reads, history, revisions and retraction, and its ETag to the
If-Match a correction needs. Declared here, in one table, rather than per view.
"""

from __future__ import annotations

from apispec import BasePlugin

BODY_ID = "$response.body#/id"
ETAG = "$response.header.ETag"


def _statement_links(*, revisable: bool) -> dict:
    links = {
        "GetStatement": {"operationId": "getStatement", "parameters": {"statement_id": BODY_ID}},
        "GetStatementHistory": {"operationId": "getStatementHistory",
                                "parameters": {"statement_id": BODY_ID}},
    }
    if revisable:
        for name, operation_id in (("ReviseStatement", "reviseStatement"),
                                   ("RetractStatement", "retractStatement")):
            links[name] = {"operationId": operation_id,
                           "parameters": {"statement_id": BODY_ID, "header.If-Match": ETAG}}
    return links


def _by_id(param: str, *operation_ids: str) -> dict:
    return {op[0].upper() + op[1:]: {"operationId": op, "parameters": {param: BODY_ID}}
            for op in operation_ids}


# operationId of a write -> links from its 201 answer.
LINKS = {
    "createStatement": _statement_links(revisable=True),
    "reviseStatement": _statement_links(revisable=True),
    "retractStatement": _statement_links(revisable=False),
    "createActor": _by_id("actor_id", "getActor", "updateActor", "getActorPositions", "getActorChanges"),
    "createTopic": _by_id("topic_id", "getTopic", "updateTopic", "getTopicTimeline"),
}


class LinksPlugin(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            links = LINKS.get(operation.get("operationId"))
            if not links:
                continue
            responses = operation.get("responses", {})
            created = responses.get(201) or responses.get("201")
            if isinstance(created, dict):
                created.setdefault("links", {}).update(links)
