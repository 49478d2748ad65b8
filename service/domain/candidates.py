"""Candidate sentences: the sentences of a source that look like an actor's position on a topic.

A sentence is a candidate when it names an actor, uses a topic's vocabulary and carries a
speech cue (a verb of saying or holding: "said", "willing", "agreed", "push for"). All the
words are data (each topic's `vocabulary`, each actor's name, spokespeople and `mentions`, and
the cues of the source's language, all in the record); this module only applies them. Each candidate comes with the actors and topics it
names (most likely first), a selector for the sentence, and the dates the text supports for
it, worked out from the publication date:

  * a past weekday ("Wednesday" in a report published on a Thursday) is that day of the week
    of publication or the one before it, the latest on or before publication: precision `day`;
    a weekday after a future cue ("will meet Monday") dates an event to come, and nothing;
  * with no weekday, "last month" is that month (`month`, dated its first day) and "this
    week" or "last week" that week (`approximate`, dated its Monday), as docs/DATA.md rule 4
    codes them;
  * with none of those, the position is held by the day of publication (`on_or_before`);
  * a bound cue ("originally", "earlier") marks a position held before the day found: it adds
    a bound (`on_or_before`) on that day, never a day of its own (docs/DATA.md, rule 7).

The finder proposes; an editor decides. It misses what the text says without these words,
and proposes sentences that use them for something else (docs/SOURCES.md has the figures).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from service.domain.selectors import Anchor, build, check, normalise
from service.domain.source_text import SourceText

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class Reading:
    """What the finder reads a source with: all of it data."""
    mentions: dict[str, tuple[str, ...]]      # actor id -> names in a text (case-sensitive)
    vocabulary: dict[str, tuple[str, ...]]    # topic id -> words (case-insensitive)
    speech_cues: tuple[str, ...]
    bound_cues: tuple[str, ...] = ()
    future_cues: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DateGuess:
    date: dt.date
    precision: str   # one of the record's date_precision values
    words: str       # the words of the sentence it rests on ("" for the publication date)


@dataclass(frozen=True, slots=True)
class Candidate:
    paragraph: int
    sentence: str
    anchor: Anchor
    actors: tuple[str, ...]   # in order of first mention
    topics: tuple[str, ...]   # most vocabulary hits first
    cues: tuple[str, ...]     # the speech cues found, as written
    dates: tuple[DateGuess, ...]  # the most precise first

    @property
    def actor(self) -> str:
        return self.actors[0]

    @property
    def topic(self) -> str:
        return self.topics[0]

    @property
    def date(self) -> DateGuess:
        return self.dates[0]


CUES = ("speech_cues", "bound_cues", "future_cues", "abbreviations")


def reading_for(actors, topics, cues: dict) -> Reading:
    """The finder's words from the record: each actor's name, its spokespeople's names and
    surnames and its `mentions`; each topic's `vocabulary`; `cues`, a language's lists
    (CUES). Actors and topics without words are left out."""
    mentions = {}
    for actor in actors:
        names = [actor.name]
        for person in actor.spokespeople:
            names += [person.name, person.name.split()[-1]]
        mentions[actor.id] = tuple(dict.fromkeys([*names, *actor.mentions]))
    return Reading(
        mentions=mentions,
        vocabulary={topic.id: tuple(topic.vocabulary) for topic in topics if topic.vocabulary},
        **{key: tuple(cues.get(key, ())) for key in CUES})


def _term(word: str, case_sensitive: bool) -> re.Pattern:
    """A whole-word pattern for a term of the vocabulary; a trailing `*` takes any ending."""
    word = normalise(word).strip()
    stem, open_end = (word[:-1], True) if word.endswith("*") else (word, False)
    body = r"\s+".join(re.escape(part) for part in stem.split(" "))
    pattern = r"(?<!\w)" + body + (r"\w*" if open_end else r"(?!\w)")
    return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)


def sentence_spans(text: str, abbreviations: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph. A sentence ends at . ! or ?, with any
    closing quotes or brackets, before whitespace and a capital, a digit or an opening quote;
    not after one of `abbreviations` ("U.S. “backstop.”" is one sentence)."""
    abbreviations = {normalise(a) for a in abbreviations}
    spans, start = [], 0
    for end in re.finditer(r"[.!?][\"'”’)\]]*(?=\s+[\"“‘'(\[A-Z0-9])", text):
        token = text[start:end.start() + 1].split()[-1].lstrip("\"“‘'([")
        if normalise(token) in abbreviations:
            continue
        spans.append((start, end.end()))
        start = end.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def date_guesses(sentence: str, published_on: dt.date, reading: Reading) -> tuple[DateGuess, ...]:
    """The dates `sentence`, in a report published on `published_on`, supports for a
    position it reports (module docstring)."""
    text = normalise(sentence)
    guesses: list[DateGuess] = []
    for found in re.finditer(r"(?<!\w)(?:on\s+)?(" + "|".join(WEEKDAYS) + r")(?!\w)", text,
                             re.IGNORECASE):
        before = " ".join(text[:found.start()].split()[-4:])
        if any(_term(cue, False).search(before) for cue in reading.future_cues):
            continue  # a day to come dates an event, not a position
        back = (published_on.weekday() - WEEKDAYS.index(found.group(1).lower())) % 7
        guesses.append(DateGuess(published_on - dt.timedelta(days=back), "day", found.group(0)))
    if not guesses:
        month = re.search(r"(?<!\w)last month(?!\w)", text, re.IGNORECASE)
        week = re.search(r"(?<!\w)(this|last) week(?!\w)", text, re.IGNORECASE)
        if month:
            first = published_on.replace(day=1) - dt.timedelta(days=1)
            guesses.append(DateGuess(first.replace(day=1), "month", month.group(0)))
        elif week:
            back = published_on.weekday() + (0 if week.group(1).lower() == "this" else 7)
            guesses.append(DateGuess(published_on - dt.timedelta(days=back), "approximate",
                                     week.group(0)))
    bound = next((m for m in (_term(cue, False).search(text) for cue in reading.bound_cues)
                  if m), None)
    if not guesses:
        # Held by the day of publication; a bound cue says why, when there is one.
        return (DateGuess(published_on, "on_or_before", bound.group(0) if bound else ""),)
    if bound:
        # Held before the day found: a bound on it, not a day.
        guesses.append(DateGuess(guesses[0].date, "on_or_before", bound.group(0)))
    return tuple(dict.fromkeys(guesses))


def candidates(source: SourceText, source_id: str, published_on: dt.date,
               reading: Reading) -> list[Candidate]:
    """Every sentence of `source` that names an actor, a topic and a speech cue, in order."""
    actor_terms = {actor: [_term(name, True) for name in names]
                   for actor, names in reading.mentions.items()}
    topic_terms = {topic: [_term(word, False) for word in words]
                   for topic, words in reading.vocabulary.items()}
    cue_terms = [_term(cue, False) for cue in reading.speech_cues]
    found = []
    for paragraph in source.paragraphs:
        for start, end in sentence_spans(paragraph.text, reading.abbreviations):
            sentence = paragraph.text[start:end]
            text = normalise(sentence)
            cues = [m.group(0) for term in cue_terms for m in term.finditer(text)]
            if not cues:
                continue
            actors = _ranked({actor: [m.start() for t in terms for m in t.finditer(text)]
                              for actor, terms in actor_terms.items()}, first=True)
            topics = _ranked({topic: [m.start() for t in terms for m in t.finditer(text)]
                              for topic, terms in topic_terms.items()}, first=False)
            if not actors or not topics:
                continue
            found.append(Candidate(
                paragraph.number, sentence,
                build(source, paragraph.number, start, end, source_id=source_id),
                actors, topics, tuple(dict.fromkeys(cues)),
                date_guesses(sentence, published_on, reading)))
    return found


def _ranked(hits: dict[str, list[int]], first: bool) -> tuple[str, ...]:
    """Ids with hits: by first position (actors) or by most hits (topics), ties in the
    data's order."""
    order = list(hits)
    named = [key for key in order if hits[key]]
    if first:
        return tuple(sorted(named, key=lambda key: min(hits[key])))
    return tuple(sorted(named, key=lambda key: (-len(hits[key]), order.index(key))))


def finds(candidate: Candidate, source: SourceText, anchor: Anchor, actor: str,
          topic: str) -> bool:
    """Whether `candidate` proposes what a statement records: its anchor's words lie inside
    the candidate's sentence, and its actor and topic are among the candidate's."""
    mine, theirs = check(source, candidate.anchor), check(source, anchor)
    if not (mine.ok and theirs.ok):
        return False
    return (mine.match.start <= theirs.match.start and theirs.match.end <= mine.match.end
            and actor in candidate.actors and topic in candidate.topics)
