"""A new statement's form filled in from a source's words, by the record's rules.

The words are a candidate sentence (domain/candidates.py) or words selected inside
one paragraph; either way they are found in the source's text, so the selector
(exact, prefix, suffix) is the source's own characters and selects one place
(domain/selectors.py `find`). Then:

  * actor and topic: the candidate's first named actor and the topic with most of
    its words (the page offers the others); words outside any candidate name none;
  * quote and anchor: the words; quote kind `verbatim` only when they lie inside the
    sentence's quotation marks and the sentence names a speaker (docs/DATA.md rule
    3), else `paraphrase`;
  * the date and its precision: the first the sentence supports (a weekday word is
    that day, "last month" a month, "this week" approximate, otherwise held by the
    day of publication: docs/DATA.md rules 4 and 7, worked out by
    domain/candidates.py `date_guesses`);
  * speaker: a spokesperson of the actor whose name or surname the sentence
    itself gives, never one it does not;
  * the source: its record's citation, the location the paragraph;
  * summary: the sentence itself, for the editor to shorten. Stance and conditions
    are left empty: they are the editor's judgement.

Pure apart from what it is given: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..domain.candidates import Candidate, DateGuess, Reading, date_guesses, sentence_spans
from ..domain.selectors import Anchor, TextQuoteSelector, check, find, normalise
from ..domain.source_text import SourceText

OPENING, CLOSING = "“\"", "”\""


@dataclass(frozen=True)
class Words:
    """The words a statement is coded from, where they are, and what the finder made of
    their sentence."""
    anchor: Anchor                 # the words, as a selector that selects only them
    sentence: str                  # the whole sentence they lie in
    candidate: Candidate | None    # the candidate sentence they lie in, if any
    dates: tuple[DateGuess, ...]   # what the sentence supports, the most precise first
    start: int                     # offsets of the words within `sentence`
    end: int


def words_in(text: SourceText, source_id: str, published_on: dt.date, found: list[Candidate],
             reading: Reading | None, paragraph: int | None, exact: str) -> Words:
    """The words `exact` in ¶`paragraph` of `text`; ValueError saying what is wrong."""
    para = text.paragraph(paragraph) if paragraph is not None else None
    if para is None:
        raise ValueError(f"The source has paragraphs ¶1-¶{len(text.paragraphs)}; choose one "
                         "of them.")
    if not normalise(exact or "").strip():
        raise ValueError(f"No words given: pick a candidate sentence of ¶{paragraph}, or "
                         "select words in it.")
    anchor = find(text, paragraph, exact, source_id=source_id)  # ValueError when not there
    match = check(text, anchor).match
    start, end = match.start - para.start, match.end - para.start
    for candidate in found:
        if candidate.paragraph != paragraph:
            continue
        around = check(text, candidate.anchor).match
        if around and around.start <= match.start and match.end <= around.end:
            offset = around.start - para.start
            return Words(anchor, candidate.sentence, candidate, candidate.dates,
                         start - offset, end - offset)
    abbreviations = reading.abbreviations if reading else ()
    spans = sentence_spans(para.text, abbreviations)
    first = next((s for s in spans if s[0] <= start < s[1]), (0, len(para.text)))
    last = next((s for s in spans if s[0] < end <= s[1]), (0, len(para.text)))
    sentence = para.text[first[0]:last[1]]
    empty = Reading({}, {}, ())
    dates = date_guesses(sentence, published_on, reading or empty)
    return Words(anchor, sentence, None, dates, start - first[0], end - first[0])


def _inside_quotation(sentence: str, start: int, end: int) -> bool:
    """Whether sentence[start:end] lies between an opening and a closing quotation mark."""
    before, after = sentence[:start], sentence[end:]
    opened = sum(before.count(c) for c in "“") - sum(before.count(c) for c in "”")
    straight = before.count('"') % 2 == 1
    return (opened > 0 and "”" in after) or (straight and '"' in after)


def speaker_in(sentence: str, actor) -> tuple[str, str] | None:
    """(name, role) of the actor's spokesperson the sentence names, by name or surname."""
    for person in actor.spokespeople:
        for name in (person.name, person.name.split()[-1]):
            if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", normalise(sentence)):
                return person.name, person.role or ""
    return None


def values(words: Words, actor, source) -> dict:
    """The form's initial values (desk/forms.py field names)."""
    selector = words.anchor.selector
    speaker = speaker_in(words.sentence, actor)
    verbatim = speaker is not None and _inside_quotation(words.sentence, words.start, words.end)
    date = words.dates[0]
    return {
        "quote": selector.exact, "quote_kind": "verbatim" if verbatim else "paraphrase",
        "summary": words.sentence, "conditions": "",
        "speaker_name": speaker[0] if speaker else "", "speaker_role": speaker[1] if speaker else "",
        "stated_on": date.date, "date_precision": date.precision,
        "anchor_paragraph": words.anchor.paragraph, "anchor_exact": selector.exact,
        "anchor_prefix": selector.prefix, "anchor_suffix": selector.suffix,
        "source_id": source.id, "source_publisher": source.publisher,
        "source_published_on": source.published_on, "source_title": source.title or "",
        "source_byline": source.byline or "", "source_url": source.url or "",
        "source_location": f"¶{words.anchor.paragraph}",
        "source_published_on_basis": source.published_on_basis or "",
    }


def narrowed(text: SourceText, source_id: str, paragraph: int | None, exact: str,
             prefix: str, suffix: str, quote: str) -> Anchor | None:
    """When the quote was cut down to some of the anchor's words, the anchor cut down to
    the same words (a paraphrase's quote is its anchor's exact: docs/DATA.md); None when
    there is nothing to narrow, or the quote's words first occur outside the anchor's
    (the anchor's fields are then the editor's to set)."""
    if paragraph is None or not normalise(quote or "").strip() \
            or normalise(quote).strip() == normalise(exact or "").strip():
        return None
    current = check(text, Anchor(source_id, paragraph, TextQuoteSelector(exact, prefix, suffix)))
    if not current.ok:
        return None
    try:
        inner = find(text, paragraph, quote, source_id=source_id)
    except ValueError:
        return None
    match = check(text, inner).match
    if match is None or not (current.match.start <= match.start
                             and match.end <= current.match.end):
        return None
    return inner
