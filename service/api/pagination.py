"""Page-number pagination with a total, Link headers (RFC 8288) and X-Total-Count."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import marshmallow as ma
from flask import request, url_for

from ..http.args import QueryArgs

MAX_PER_PAGE = 100

PAGINATION_HEADERS = {
    "Link": {
        "description": "RFC 8288 links to the first, prev, next and last pages.",
        "schema": {"type": "string"},
    },
    "X-Total-Count": {"description": "Total number of items.", "schema": {"type": "integer"}},
}


class PageArgs(QueryArgs):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000),
                             metadata={"description": "Page number, from 1."})
    per_page = ma.fields.Integer(
        load_default=20,
        validate=ma.validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items per page, 1 to {MAX_PER_PAGE}."},
    )


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A list envelope: {items, total, page, per_page}."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
            "total": ma.fields.Integer(required=True),
            "page": ma.fields.Integer(required=True),
            "per_page": ma.fields.Integer(required=True),
        },
        name=name,
    )


def paged(args: dict, listing: Callable[[int, int], tuple[Sequence, int]]):
    """The page `args` ask for: `listing(offset, limit)` reads it as (items, total)."""
    page, per_page = args["page"], args["per_page"]
    items, total = listing((page - 1) * per_page, per_page)
    return paginate(items, total, page, per_page)


def page_of(args: dict, items: Sequence):
    """The page `args` ask for of a short list held in full (actors, topics)."""
    return paged(args, lambda offset, limit: (items[offset:offset + limit], len(items)))


def paginate(items: Sequence, total: int, page: int, per_page: int) -> tuple[dict, int, dict]:
    """(envelope, 200, headers) for a smorest view: `items` is the page asked
    for, `total` the number of items on every page."""
    last = max(1, math.ceil(total / per_page))
    envelope = {"items": items, "total": total, "page": page, "per_page": per_page}
    links = []

    def link(number: int, rel: str) -> None:
        args = {**request.args.to_dict(), "page": number, "per_page": per_page}
        url = url_for(request.endpoint, **(request.view_args or {}), **args)
        links.append(f'<{url}>; rel="{rel}"')

    link(1, "first")
    if page > 1:
        link(min(page - 1, last), "prev")
    if page < last:
        link(page + 1, "next")
    link(last, "last")
    return envelope, 200, {"Link": ", ".join(links), "X-Total-Count": str(total)}
