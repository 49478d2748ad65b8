"""Where the desk's parts meet the forms: each template that calls one has a block
of the same name (docs/DESK.md, "Seams").

- Code from a sentence: a new statement's form filled from a source's words
  (desk/prefill.py; the coding page, desk/coding.py, is built on it).
- The preview: the sentences readers will see once it is published, and the cell
  as it will look (desk/preview.py: the real write, rolled back).
- The review queue: reporters' proposals an editor approves or returns
  (built: desk/review.py; the header links to it on every page).
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import database
from ..store.kinds import SOURCES
from . import prefill
from .preview import Preview, preview as _preview
from .review import queue_link
from .sources import reading_of


def statement_prefill(actor_id: str, topic_id: str, args: Mapping[str, str]) -> dict | None:
    """Initial values of a new statement's form fields (desk/forms.py names) from
    `?source=<id>&paragraph=<n>&exact=<words>`; None: an empty form (no source, a
    source without text, words not in it)."""
    record = database.record()
    source = record.current(SOURCES, args.get("source") or "")
    actor = record.actors.get(actor_id)
    if source is None or source.text is None or actor is None:
        return None
    text, reading, found = reading_of(record, source)
    try:
        paragraph = int(args.get("paragraph", ""))
        words = prefill.words_in(text, source.id, source.published_on, found, reading,
                                 paragraph, args.get("exact", ""))
    except ValueError:
        return None
    return prefill.values(words, actor, source)


def preview(kind_name: str, values: dict, actor_id: str, topic_id: str,
            by: str) -> Preview | None:
    """What readers would see if `values` (flat form fields of a new statement or note)
    were published; None when the form is not complete enough to be written."""
    needed = ("stated_on", "source_published_on") if kind_name == "statement" else (
        "source_published_on",)
    if any(values.get(name) is None for name in needed):
        return None
    return _preview(kind_name, values, actor_id, topic_id, by)


def review_queue(holder) -> dict | None:
    """For the header: {"url", "count", "label"} of the proposals waiting for `holder`
    (an editor: the queue; a reporter: her own, counting those returned to her)."""
    return queue_link(holder)
