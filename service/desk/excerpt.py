"""The paragraph of its source a statement or note rests on, with the quoted words
marked, for an editor to read a proposal beside (desk/review.py).

The words are found with the very check a write makes (domain/selectors.py), so the
mark is where the record would anchor them; a selector that selects nothing (or a
source without text) is said plainly rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.anchoring import cited_paragraphs
from ..domain.selectors import Anchor, TextQuoteSelector, check
from ..domain.source_text import source_text
from ..store.kinds import SOURCES
from ..store.read import Record


@dataclass(frozen=True)
class Excerpt:
    source_id: str | None
    paragraph: int | None
    before: str = ""
    marked: str = ""
    after: str = ""
    # Why no paragraph, or no mark, is shown (None: the paragraph with its words marked).
    missing: str | None = None

    @property
    def text(self) -> str:
        return self.before + self.marked + self.after


def excerpt(record: Record, cited: dict) -> Excerpt:
    """`cited` is a statement's or note's plain data (its `source`, and `anchor` if any)."""
    source = cited.get("source") or {}
    source_id, anchor = source.get("id"), cited.get("anchor") or None
    if anchor:
        paragraph = anchor["paragraph"]
    else:  # a note, or a statement without an anchor: the first paragraph its location cites
        numbers = cited_paragraphs(source.get("location"))
        paragraph = min(numbers) if numbers else None
    if not source_id:
        where = f" at {source['location']}" if source.get("location") else ""
        return Excerpt(None, paragraph, missing=(
            f"Cited without a source record ({source.get('publisher') or 'no publisher'}"
            f"{where}): there is no kept text to show."))
    stored = record.current(SOURCES, source_id)
    if stored is None:
        return Excerpt(source_id, paragraph, missing=f"There is no source record '{source_id}'.")
    if stored.text is None:
        why = f": {stored.text_withheld}" if stored.text_withheld else "."
        return Excerpt(source_id, paragraph, missing=f"The source keeps no text{why}")
    if paragraph is None:
        return Excerpt(source_id, None, missing="It names no paragraph of the source.")
    text = source_text(stored.text)
    found = text.paragraph(paragraph)
    if found is None:
        return Excerpt(source_id, paragraph, missing=(
            f"The source has paragraphs ¶1-¶{len(text.paragraphs)}, not ¶{paragraph}."))
    if not anchor:
        return Excerpt(source_id, paragraph, before=found.text,
                       missing="No words are marked: it names a paragraph, not a quote in it.")
    result = check(text, Anchor(source_id, paragraph, TextQuoteSelector(
        anchor.get("exact") or "", anchor.get("prefix") or "", anchor.get("suffix") or "")))
    if not result.ok:
        return Excerpt(source_id, paragraph, before=found.text, missing=(
            "The quoted words are not marked: " + "; ".join(p.message for p in result.problems)
            + "."))
    start, end = result.match.start - found.start, result.match.end - found.start
    return Excerpt(source_id, paragraph, found.text[:start], found.text[start:end],
                   found.text[end:])
