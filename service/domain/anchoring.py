"""A statement's anchor, checked against its source's text on every write.

The rules (docs/SOURCES.md, "Anchors on writes"): where the source keeps its text, the
selector must select exactly one place in the paragraph named (selectors.check), and is then
stored as the source writes it; a `verbatim` quote must lie inside `exact`; a paragraph the
statement's `source.location` does not cite is refused. A translated quote, or a source that
keeps no text, cannot be checked: the anchor is stored as given and says why it is unverified.
Refusals name the request's fields (`anchor.exact`, `anchor.prefix`, `anchor.suffix`,
`anchor.paragraph`, `quote`), as marshmallow keys a nested error.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .model import QuoteAnchor
from .selectors import Anchor, TextQuoteSelector, check, normalise
from .source_text import SourceText
from .validation import DomainError

TRANSLATION = ("the quote is a translation: its words are not the source's, so the selector "
               "is not checked against the source's text")


class AnchorError(DomainError):
    """An anchor that does not hold; `errors` has every problem, by field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{field}: {message}" for field, messages in errors.items()
                                   for message in messages), next(iter(errors)))
        self.errors = errors


def cited_paragraphs(location: str | None) -> set[int] | None:
    """The paragraphs a `source.location` cites ("¶5, ¶9", "¶6-7"); None when it cites none
    (a timestamp, a page)."""
    found = re.findall(r"¶\s*(\d+)(?:\s*[-–]\s*¶?\s*(\d+))?", location or "")
    if not found:
        return None
    numbers: set[int] = set()
    for first, last in found:
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers


def anchored(anchor: QuoteAnchor, quote: str, quote_kind: str, location: str | None,
             text: SourceText | None, withheld: str | None) -> QuoteAnchor:
    """The anchor to store: checked and verbatim, or unverified with the reason.
    Raises AnchorError naming each field at fault."""
    errors: dict[str, list[str]] = {}
    cited = cited_paragraphs(location)
    if cited is not None and anchor.paragraph not in cited:
        errors["anchor.paragraph"] = [
            f"¶{anchor.paragraph} is not among the paragraphs source.location cites "
            f"({location})"]
    if text is not None and text.paragraph(anchor.paragraph) is None:
        errors.setdefault("anchor.paragraph", []).append(
            f"the source has paragraphs ¶1-¶{len(text.paragraphs)}, not ¶{anchor.paragraph}")
    if errors:
        raise AnchorError(errors)
    if quote_kind == "translation":
        return replace(anchor, verified=None, unverified=TRANSLATION)
    if text is None:
        return replace(anchor, verified=None, unverified=(
            "the source keeps no text to check the selector against"
            + (f" ({withheld})" if withheld else "")))
    result = check(text, Anchor("", anchor.paragraph, TextQuoteSelector(
        anchor.exact, anchor.prefix, anchor.suffix)))
    for problem in result.problems:
        errors.setdefault(f"anchor.{problem.field}", []).append(problem.message)
    if result.ok and quote_kind == "verbatim" and (
            normalise(quote).strip() not in normalise(result.match.selector.exact)):
        errors["quote"] = ["a verbatim quote must lie inside anchor.exact, the source's words"]
    if errors:
        raise AnchorError(errors)
    own = result.match.selector
    return QuoteAnchor(anchor.paragraph, own.exact, own.prefix, own.suffix, True, None)
