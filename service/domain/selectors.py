"""W3C Web Annotation TextQuoteSelectors on a source's paragraphs: check one, build one.

A selector names the words a statement rests on: `exact`, the words themselves, and
`prefix`/`suffix`, the text just before and after them, which tell apart two places where the
same words occur (W3C Web Annotation Data Model, 4.2.4 "Text Quote Selector"). The record
also names the paragraph (¶), so a selector is read inside its paragraph: in W3C terms a
TextPositionSelector for the paragraph refined by the TextQuoteSelector (`to_w3c`). A prefix
or suffix therefore never runs past its paragraph; at the start of one the prefix is empty.

Comparison is on a normal form, so an editor may type what the screen shows:
  * Unicode NFC;
  * any run of whitespace (spaces, tabs, line breaks, no-break spaces) is one space, and the
    whitespace where prefix meets exact and exact meets suffix is not compared (a YAML block
    scalar drops a trailing space; a reader cannot see it);
  * typographic quotes and apostrophes are the straight ones: ‘ ’ ‚ ‛ ′ to ', “ ” „ ‟ ″ to ".
    Reports and keyboards disagree on them and a reader does not read them differently.
Nothing else is folded: case, dashes, hyphens, digits, ellipses and every other character
must be as in the source, because those can change what a sentence says or whom it quotes.
A checked selector comes back with the source's own characters (`Match`), so what is stored
is verbatim whatever was typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from service.domain.source_text import Paragraph, SourceText

SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032"
DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033"
_FOLD = str.maketrans({**{c: "'" for c in SINGLE_QUOTES}, **{c: '"' for c in DOUBLE_QUOTES}})
CONTEXT = 32  # characters of prefix and suffix a built selector starts from


@dataclass(frozen=True, slots=True)
class TextQuoteSelector:
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a statement rests: a source, one of its paragraphs, and a selector in it."""
    source: str
    paragraph: int
    selector: TextQuoteSelector


@dataclass(frozen=True, slots=True)
class Problem:
    field: str    # the selector's part at fault: paragraph, exact, prefix or suffix
    code: str     # paragraph_not_found, exact_not_found, exact_in_other_paragraph,
    #               prefix_does_not_precede, suffix_does_not_follow, ambiguous, empty
    message: str


@dataclass(frozen=True, slots=True)
class Match:
    """The one place a selector selects, in the source's own characters."""
    paragraph: int
    start: int    # offsets in the source text (not the paragraph)
    end: int
    selector: TextQuoteSelector  # exact, prefix, suffix as the source writes them


@dataclass(frozen=True, slots=True)
class Check:
    match: Match | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.match is not None and not self.problems


def normalise(text: str) -> str:
    """The normal form a selector is compared in (see the module's docstring)."""
    return _normal_with_map(unicodedata.normalize("NFC", text))[0]


def _normal_with_map(text: str) -> tuple[str, list[int]]:
    """The normal form of `text`, and for each of its characters the index in `text` it
    came from (one more entry: len(text), for an end offset)."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        out.append(char.translate(_FOLD))
        where.append(i)
    where.append(len(text))
    return "".join(out), where


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, at = [], haystack.find(needle)
    while at != -1:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def _shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check(source: SourceText, anchor: Anchor) -> Check:
    """Does `anchor` select exactly one place in its paragraph? If not, say precisely why."""
    sel = anchor.selector
    paragraph = source.paragraph(anchor.paragraph)
    if paragraph is None:
        return Check(None, (Problem(
            "paragraph", "paragraph_not_found",
            f"the source has paragraphs ¶1-¶{len(source.paragraphs)}, not ¶{anchor.paragraph}"),))
    exact = normalise(sel.exact).strip()
    if not exact:
        return Check(None, (Problem("exact", "empty", "exact is empty"),))
    text, where = _normal_with_map(paragraph.text)
    starts = _occurrences(text, exact)
    if not starts:
        elsewhere = [p.number for p in source.paragraphs if exact in normalise(p.text)]
        if elsewhere:
            return Check(None, (Problem(
                "exact", "exact_in_other_paragraph",
                f"exact is not in ¶{paragraph.number} but in "
                + ", ".join(f"¶{n}" for n in elsewhere)),))
        return Check(None, (Problem(
            "exact", "exact_not_found",
            f"exact {_shown(sel.exact)!r} is not in ¶{paragraph.number}"
            + _nearest_hint(text, exact)),))

    prefix = normalise(sel.prefix).rstrip()
    suffix = normalise(sel.suffix).lstrip()
    after_prefix = [s for s in starts if text[:s].rstrip().endswith(prefix)]
    before_suffix = [s for s in starts if text[s + len(exact):].lstrip().startswith(suffix)]
    both = [s for s in after_prefix if s in before_suffix]
    problems = []
    if not after_prefix:
        actual = text[: starts[0]].rstrip()[-max(len(prefix), 24):]
        problems.append(Problem(
            "prefix", "prefix_does_not_precede",
            f"prefix {_shown(sel.prefix)!r} does not precede exact in ¶{paragraph.number}"
            + (f" (the text before it ends {_shown(actual)!r})" if actual else
               f" (exact opens ¶{paragraph.number}: the prefix must be empty)")))
    if not before_suffix:
        actual = text[starts[0] + len(exact):].lstrip()[: max(len(suffix), 24)]
        problems.append(Problem(
            "suffix", "suffix_does_not_follow",
            f"suffix {_shown(sel.suffix)!r} does not follow exact in ¶{paragraph.number}"
            + (f" (the text after it starts {_shown(actual)!r})" if actual else
               f" (exact closes ¶{paragraph.number}: the suffix must be empty)")))
    if after_prefix and before_suffix and not both:
        problems.append(Problem(
            "suffix", "suffix_does_not_follow",
            f"prefix and suffix match different occurrences of exact in ¶{paragraph.number}"))
    if len(both) > 1:
        problems.append(Problem(
            "exact", "ambiguous",
            f"exact, prefix and suffix select {len(both)} places in ¶{paragraph.number}: "
            "lengthen prefix or suffix"))
    if problems:
        return Check(None, tuple(problems))
    return Check(_match(source, paragraph, where, both[0], len(exact), prefix, suffix), ())


def _nearest_hint(text: str, exact: str) -> str:
    """Where the longest opening of `exact` stops matching, to point at the typo."""
    words = exact.split(" ")
    for n in range(len(words) - 1, 0, -1):
        head = " ".join(words[:n])
        if len(head) >= 12 and head in text:
            return f"; the paragraph has {_shown(head)!r} but not what follows it"
    return ""


def _match(source: SourceText, paragraph: Paragraph, where: list[int], at: int, length: int,
           prefix: str, suffix: str) -> Match:
    """Map the normal-form match back to the source's own characters."""
    p_text = paragraph.text
    start, end = where[at], where[at + length - 1] + 1
    own_prefix = _own_context(p_text, where, at, prefix, before=True)
    own_suffix = _own_context(p_text, where, at + length, suffix, before=False)
    return Match(paragraph.number, paragraph.start + start, paragraph.start + end,
                 TextQuoteSelector(p_text[start:end], own_prefix, own_suffix))


def _own_context(p_text: str, where: list[int], at: int, context: str, before: bool) -> str:
    """The source's characters for a matched prefix (ending at `at`) or suffix (from `at`),
    keeping the whitespace between it and exact, which the source has even if typed without."""
    if not context:
        return ""
    normal = normalise(p_text)
    if before:
        head = normal[:at]
        first = len(head.rstrip()) - len(context)
        return p_text[where[first]:where[at]]
    tail = normal[at:]
    gap = len(tail) - len(tail.lstrip())
    last = at + gap + len(context) - 1
    return p_text[where[at]:where[last] + 1]


def build(source: SourceText, paragraph: int, start: int, end: int,
          context: int = CONTEXT, source_id: str = "") -> Anchor:
    """A selector for `paragraph.text[start:end]` (offsets in the paragraph), with `context`
    characters of prefix and suffix, lengthened until they select only that place.

    The span is trimmed of whitespace at both ends. Raises ValueError for an empty span or a
    paragraph the source does not have.
    """
    para = source.paragraph(paragraph)
    if para is None:
        raise ValueError(f"the source has no ¶{paragraph}")
    text = para.text
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}-{end} is not inside ¶{paragraph} (0-{len(text)})")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise ValueError("the span is only whitespace")
    width = context
    while True:
        anchor = Anchor(source_id, paragraph, TextQuoteSelector(
            text[start:end],
            _word_edge(text[max(0, start - width):start], True, start - width > 0),
            _word_edge(text[end:end + width], False, end + width < len(text))))
        result = check(source, anchor)
        if result.ok and result.match.start == para.start + start:
            return anchor
        if start - width <= 0 and end + width >= len(text):
            # The whole paragraph around the span is in prefix and suffix: nothing longer
            # exists, and two occurrences with identical whole-paragraph context cannot be.
            return anchor
        width *= 2


def _word_edge(context: str, left: bool, cut_short: bool) -> str:
    """Trim a context cut short at its far end to whole words, so a selector does not start
    or end mid-word ("ir Starmer said" becomes "Starmer said"), nor with a space there."""
    if left:
        cut = context.find(" ")
        if cut_short and cut != -1 and context[cut + 1:].strip():
            context = context[cut + 1:]
        return context.lstrip()
    cut = context.rfind(" ")
    if cut_short and cut != -1 and context[:cut].strip():
        context = context[:cut]
    return context.rstrip()


def find(source: SourceText, paragraph: int, words: str, context: int = CONTEXT,
         source_id: str = "") -> Anchor:
    """A selector for the first place `words` occur in ¶`paragraph` (compared in normal
    form), built with `build`. Raises ValueError when they do not occur there."""
    para = source.paragraph(paragraph)
    if para is None:
        raise ValueError(f"the source has no ¶{paragraph}")
    text, where = _normal_with_map(para.text)
    needle = normalise(words).strip()
    at = text.find(needle) if needle else -1
    if at == -1:
        raise ValueError(f"{_shown(words)!r} is not in ¶{paragraph}")
    return build(source, paragraph, where[at], where[at + len(needle) - 1] + 1, context,
                 source_id)


def to_w3c(source: SourceText, anchor: Anchor, source_url: str | None = None) -> dict:
    """The anchor as W3C Web Annotation JSON: the paragraph as a TextPositionSelector on the
    source's text, refined by the TextQuoteSelector."""
    para = source.paragraph(anchor.paragraph)
    if para is None:
        raise ValueError(f"the source has no ¶{anchor.paragraph}")
    sel = anchor.selector
    selector = {
        "type": "TextPositionSelector", "start": para.start, "end": para.end,
        "refinedBy": {"type": "TextQuoteSelector", "exact": sel.exact,
                      **({"prefix": sel.prefix} if sel.prefix else {}),
                      **({"suffix": sel.suffix} if sel.suffix else {})},
    }
    return {"source": source_url or anchor.source, "selector": selector}
