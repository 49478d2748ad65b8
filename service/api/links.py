"""OpenAPI links from each write to the operations that use what it made.

A client (or schemathesis' stateful phase) can follow them: a created statement's
(or note's) id leads to its reads, history, revisions and retraction, and its
ETag to the If-Match a correction needs. Declared here, in one table, rather
than per view.
"""

from __future__ import annotations

from apispec import BasePlugin

from ..store.kinds import KINDS

BODY_ID = "$response.body#/id"
ETAG = "$response.header.ETag"


def _by_id(param: str, *operation_ids: str) -> dict:
    return {op[0].upper() + op[1:]: {"operationId": op, "parameters": {param: BODY_ID}}
            for op in operation_ids}


def _record_links(kind: str, *, revisable: bool) -> dict:
    """Links from a write of a statement (or note) to the operations on it."""
    title = kind.capitalize()
    links = _by_id(f"{kind}_id", f"get{title}", f"get{title}History")
    if revisable:
        for operation_id in (f"revise{title}", f"retract{title}"):
            links[operation_id[0].upper() + operation_id[1:]] = {
                "operationId": operation_id,
                "parameters": {f"{kind}_id": BODY_ID, "header.If-Match": ETAG}}
    return links


def _proposal_links() -> dict:
    """From a proposal written to its reads, and to the writes that need its ETag."""
    links = _by_id("proposal_id", "getProposal", "getProposalHistory")
    for operation_id in ("reviseProposal", "approveProposal", "returnProposal",
                         "withdrawProposal"):
        links[operation_id[0].upper() + operation_id[1:]] = {
            "operationId": operation_id,
            "parameters": {"proposal_id": BODY_ID, "header.If-Match": ETAG}}
    return links


# operationId of a write -> links from its 201 answer.
LINKS = {
    **{f"{verb}{kind.title}": _record_links(kind.name, revisable=verb != "retract")
       for kind in KINDS for verb in ("create", "revise", "retract")},
    **{operation: _proposal_links() for operation in ("createProposal", "reviseProposal")},
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
