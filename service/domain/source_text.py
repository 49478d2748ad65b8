"""A source's text as the record cites it: numbered paragraphs, a digest, HTML turned into text.

A paragraph is a non-empty line of the text, counted from 1, stripped of the spaces around
it; nothing else splits or joins paragraphs. That is how the bundled record numbers the AP
report of 20 March 2025 (docs/DATA.md, "Paragraphs"): its photo caption is ¶1, its
subheadings count, its byline is ¶34. The text itself is kept byte for byte: the digest is
of the text as stored, so two copies of a source agree exactly or not at all.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Paragraph:
    number: int   # ¶number, from 1
    start: int    # offset of its first character in the source text (Python str index)
    text: str     # the line, without the whitespace around it

    @property
    def end(self) -> int:
        """Offset just past its last character (a W3C TextPositionSelector's `end`)."""
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def sha256(self) -> str:
        return sha256(self.text)

    def paragraph(self, number: int) -> Paragraph | None:
        """¶`number`, or None when the source has no such paragraph."""
        if isinstance(number, bool) or not isinstance(number, int):
            return None
        return self.paragraphs[number - 1] if 1 <= number <= len(self.paragraphs) else None


def sha256(text: str) -> str:
    """Hex SHA-256 of the text's UTF-8 bytes: what a source record pins its text with."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """The numbered paragraphs of `text`: its non-empty lines, in order."""
    paragraphs = []
    offset = 0
    # keepends, so offsets stay true whatever the line endings (\n, \r\n, \u2028 ...).
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            paragraphs.append(Paragraph(len(paragraphs) + 1, offset + lead, stripped))
        offset += len(line)
    return tuple(paragraphs)


def source_text(text: str) -> SourceText:
    """A source from its text, in Unicode NFC: selectors are compared in NFC, and offsets
    must count the same characters. (The bundled report is NFC already, so it is verbatim.)"""
    text = unicodedata.normalize("NFC", text)
    return SourceText(text, split_paragraphs(text))


def html_to_text(html: str) -> str:
    """The main text of an HTML page, one paragraph per line with a blank line between them.

    trafilatura (a maintained extractor) drops navigation, footers and boilerplate and gives
    one block element (paragraph, heading, list item) per line; the blank line between them
    is the layout of the sources in shared/sources, so an extracted page and a kept text file
    number their paragraphs the same way. Raises ValueError when no main text is found.
    """
    import trafilatura  # imported here: only ingesting a page needs it

    extracted = trafilatura.extract(
        html, output_format="txt", include_comments=False, include_tables=False,
        include_images=False, with_metadata=False, deduplicate=False)
    lines = [line.strip() for line in (extracted or "").splitlines() if line.strip()]
    if not lines:
        raise ValueError("no main text found in the HTML")
    return "\n\n".join(lines)
