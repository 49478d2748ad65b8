"""Where the desk's next parts plug in. Each template that calls one has a block
of the same name (docs/DESK.md, "Seams"); those not built yet return nothing.

- Code from a sentence (issue 25, with the sources): a statement form filled
  from a candidate sentence of a source (service/domain/candidates.py) and its
  TextQuoteSelector (domain/selectors.py).
- The preview: the sentences readers will see once the statement is published.
- The review queue: reporters' proposals an editor approves or returns
  (built: desk/review.py; the header links to it on every page).
"""

from __future__ import annotations

from collections.abc import Mapping

from .review import queue_link


def statement_prefill(actor_id: str, topic_id: str, args: Mapping[str, str]) -> dict | None:
    """Initial values of a new statement's form fields (desk/forms.py names), e.g. from
    `?candidate=<source>/<sentence>`; None: an empty form."""
    return None


def preview(kind_name: str, values: dict) -> list[str] | None:
    """The sentences readers would see if `values` (flat form fields) were published;
    None: the form shows no preview."""
    return None


def review_queue(holder) -> dict | None:
    """For the header: {"url", "count", "label"} of the proposals waiting for `holder`
    (an editor: the queue; a reporter: her own, counting those returned to her)."""
    return queue_link(holder)
