"""Actors, topics with their ordered stance scales, and sourced statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, get_args

# Two stance values that sit outside every topic's scale. They are never
# guessed: `no_position` means no statement was found, `unclear` means a
# statement exists but takes no side.
NO_POSITION = "no_position"
UNCLEAR = "unclear"
OFF_SCALE = (NO_POSITION, UNCLEAR)

# `on_or_before`: the source shows the position was held by `stated_on` but not
# when it was first said. Positions and diffs count it from that date, never earlier.
DatePrecision = Literal["day", "month", "approximate", "on_or_before"]
# `translation`: the quote is a translation of the source's words, so its anchor cannot be
# checked against the source's text (docs/SOURCES.md, "Anchors on writes").
QuoteKind = Literal["verbatim", "paraphrase", "translation"]
Status = Literal["current", "retracted"]
# A proposal (below) waits for review, is returned to its proposer, approved or withdrawn.
ProposalStatus = Literal["pending", "returned", "approved", "withdrawn"]
ProposedKind = Literal["statement", "note"]
ProposedAction = Literal["create", "revise", "retract"]
PROPOSAL_STATUSES: tuple[str, ...] = get_args(ProposalStatus)
PROPOSED_KINDS: tuple[str, ...] = get_args(ProposedKind)
PROPOSED_ACTIONS: tuple[str, ...] = get_args(ProposedAction)
DATE_PRECISIONS: tuple[str, ...] = get_args(DatePrecision)
QUOTE_KINDS: tuple[str, ...] = get_args(QuoteKind)
STATUSES: tuple[str, ...] = get_args(Status)
ActorKind = Literal["state", "bloc", "coalition", "organisation"]
ACTOR_KINDS: tuple[str, ...] = get_args(ActorKind)

# The dates the record can hold and be asked about, at the door of every read and
# write: a realistic span for statements on current affairs, far inside what date
# arithmetic can take (a day before 0001-01-01 overflows).
FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)


def day_before(day: dt.date) -> dt.date:
    """The day before `day` (`day` itself at the very first date Python knows, so
    a date stored before the span was enforced cannot break date arithmetic)."""
    return day - dt.timedelta(days=1) if day > dt.date.min else day


# A field a dataset file may leave out because files written before it have none
# (store/dataset_file.py); every other field of a record must be in the file.
NEWER = {"files": "optional"}


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    role: str | None = None


@dataclass(frozen=True, slots=True)
class StanceValue:
    """One point of a topic's scale: `level` orders it, `side` says which
    side of the question it is on (-1 against, 0 neutral, +1 for).

    A stance whose place on the scale the source leaves open (a limited
    ceasefire whose targets are not settled) is unranked: `level` is None, it
    counts no steps against any other stance, and `settled_word` says in words
    what a move from it to a ranked stance is ("named the targets")."""

    value: str
    level: int | None
    side: int
    label: str
    definition: str
    settled_word: str | None = None

    @property
    def ranked(self) -> bool:
        return self.level is not None


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    question: str
    scale: tuple[StanceValue, ...]
    # Words for movement along the scale, in the topic's own terms: what a
    # move up the scale and a move down it are called ("broader"/"narrower").
    up_word: str = "towards support"
    down_word: str = "towards opposition"
    # Words that put a sentence on this topic, for the candidate finder (case-insensitive;
    # a trailing `*` takes any ending).
    vocabulary: tuple[str, ...] = ()
    # The topic's words in other languages, by language tag (domain/labels.py):
    # {"fr": {"name": ..., "question": ..., "directions": {"up", "down"},
    #         "stances": {value: {"label", "definition", "settled_word"}}}}; any may be left out.
    labels: dict = field(default_factory=dict, metadata=NEWER)

    def stance(self, value: str) -> StanceValue | None:
        for stance in self.scale:
            if stance.value == value:
                return stance
        return None

    @property
    def ranked_scale(self) -> tuple[StanceValue, ...]:
        return tuple(s for s in self.scale if s.ranked)

    def step(self, value: StanceValue) -> int | None:
        """Where `value` sits on the scale, counted in steps from its first ranked
        value; None for an unranked value, which has no place to count from."""
        return self.ranked_scale.index(value) if value.ranked else None

    @property
    def directions(self) -> dict[str, str]:
        return {"up": self.up_word, "down": self.down_word}

    @property
    def stance_values(self) -> tuple[str, ...]:
        return tuple(s.value for s in self.scale)


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: ActorKind
    country_code: str | None = None
    aliases: tuple[str, ...] = ()
    spokespeople: tuple[Speaker, ...] = ()
    # Names by which a text mentions the actor besides `name` and its spokespeople's names
    # ("Britain", "Kremlin"): what the candidate finder reads sources with. Case-sensitive.
    mentions: tuple[str, ...] = field(default=(), metadata=NEWER)
    # The actor's name in other languages, by language tag: {"fr": {"name": "Royaume-Uni"}}
    # (domain/labels.py).
    labels: dict = field(default_factory=dict, metadata=NEWER)


@dataclass(frozen=True, slots=True)
class Source:
    """A statement's or note's citation. `id` names the source record it comes from
    (`/v1/sources/{id}`), whose citation fields it then repeats; null for a citation
    recorded without one."""

    id: str | None = field(default=None, kw_only=True, metadata=NEWER)
    publisher: str
    title: str | None = field(default=None, kw_only=True)
    byline: str | None = field(default=None, kw_only=True)
    url: str | None = field(default=None, kw_only=True)
    published_on: dt.date
    location: str | None = field(default=None, metadata=NEWER)  # paragraph, timestamp...
    # Where `published_on` comes from when the source's own text does not give it.
    published_on_basis: str | None = field(default=None, metadata=NEWER)


CITATION_FIELDS = ("publisher", "title", "byline", "url", "published_on", "published_on_basis")


@dataclass(frozen=True, slots=True)
class QuoteAnchor:
    """Where a statement rests in its source's text (the source is `statement.source.id`):
    a paragraph (¶, counted as docs/SOURCES.md says) and a W3C TextQuoteSelector in it.

    `verified` is decided on every write: True when the selector selects exactly one place
    in the source's kept text (and is then stored in the source's own characters), None when
    it cannot be checked, `unverified` saying why (a translation; a source without text)."""

    paragraph: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    verified: bool | None = field(default=None, metadata=NEWER)
    unverified: str | None = field(default=None, metadata=NEWER)


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    """The bookkeeping of every append-only record (statements, notes): each
    correction or retraction is a new revision, and says who made it, when and why."""

    status: Status = "current"
    revision: int = 1
    recorded_at: dt.datetime | None = None
    recorded_by: str | None = None
    reason: str | None = None  # why this revision was made (correction, retraction reason)

    @property
    def retracted(self) -> bool:
        return self.status == "retracted"


# Record fields are declared in the order files and exports show them; those
# with a default are keyword-only, so the positional order stays the natural one.

@dataclass(frozen=True, slots=True)
class Statement(Recorded):
    """One revision of a sourced statement of position."""

    id: str
    actor: str
    topic: str
    stance: str
    conditions: tuple[str, ...] = field(default=(), kw_only=True)
    summary: str
    quote: str
    quote_kind: QuoteKind
    speaker: Speaker | None = field(default=None, kw_only=True)
    stated_on: dt.date
    date_precision: DatePrecision
    source: Source
    anchor: QuoteAnchor | None = field(default=None, kw_only=True, metadata=NEWER)


@dataclass(frozen=True, slots=True)
class SourceRecord(Recorded):
    """One revision of a source: what statements cite, and the text they are checked against.

    `text` is the archived text (Unicode NFC; paragraphs are its non-empty lines) and `sha256`
    its digest; both are fixed once recorded, so an anchor verified against them stays
    verified. A source the newsroom may not keep a copy of has no text and says why in
    `text_withheld`."""

    id: str
    publisher: str
    title: str | None = field(default=None, kw_only=True)
    byline: str | None = field(default=None, kw_only=True)
    url: str | None = field(default=None, kw_only=True)
    published_on: dt.date
    published_on_basis: str | None = field(default=None, kw_only=True)
    language: str | None = field(default=None, kw_only=True, metadata=NEWER)  # BCP 47: "en"
    text: str | None = field(default=None, kw_only=True, metadata=NEWER)
    sha256: str | None = field(default=None, kw_only=True, metadata=NEWER)
    text_withheld: str | None = field(default=None, kw_only=True, metadata=NEWER)

    @property
    def text_kept(self) -> bool:
        return self.text is not None

    @property
    def paragraph_count(self) -> int | None:
        from .source_text import split_paragraphs

        return None if self.text is None else len(split_paragraphs(self.text))

    def citation(self, location: str | None) -> Source:
        """The citation a statement anchored to this source carries."""
        return Source(id=self.id, location=location,
                      **{name: getattr(self, name) for name in CITATION_FIELDS})


@dataclass(frozen=True, slots=True)
class Note(Recorded):
    """One revision of an editor's note on an actor x topic cell: what was
    considered and why it was not coded, or why a cell is silent. A note
    explains the record; it is never a position."""

    id: str
    actor: str
    topic: str
    text: str  # the editors' working note, with its ¶ references
    # The same note for readers: one plain sentence the embeds show instead of
    # `text`. None: readers are shown nothing of the note.
    reader_text: str | None = field(default=None, kw_only=True, metadata=NEWER)
    source: Source


@dataclass(frozen=True, slots=True)
class Proposal(Recorded):
    """One revision of a proposed write, waiting for an editor's review: a new
    statement or note, or a correction or retraction of one. `body` is exactly
    what the direct write takes (POST /v1/statements, .../revisions,
    .../retraction), as plain data; approving it performs that write.

    Its revisions are its review: proposed (pending, revision 1), revised
    (pending again), returned (with the editor's reason), approved (by the
    revision's `recorded_by`, with the record written) or withdrawn."""

    id: str
    kind: ProposedKind
    action: ProposedAction
    # The statement or note a correction or retraction is of (None for a new one),
    # and its revision when the proposal was last made or revised: approving is
    # refused once the target has moved on, so nobody approves a stale change.
    target: str | None = field(default=None, kw_only=True)
    target_revision: int | None = field(default=None, kw_only=True)
    body: dict
    proposed_by: str
    # Set by the approval: the record written and its revision.
    result_id: str | None = field(default=None, kw_only=True)
    result_revision: int | None = field(default=None, kw_only=True)
    status: ProposalStatus = field(default="pending", kw_only=True)

    @property
    def open(self) -> bool:
        """Still to be decided: pending, or returned and waiting for its proposer."""
        return self.status in ("pending", "returned")


@dataclass(frozen=True, slots=True)
class Position:
    """An actor's position on a topic as of a date, the statement it rests on,
    and the editors' notes on the cell."""

    actor: str
    topic: str
    as_of: dt.date
    stance: str
    statement: Statement | None = None
    stance_value: StanceValue | None = field(default=None)
    notes: tuple[Note, ...] = ()

    @property
    def level(self) -> int | None:
        return self.stance_value.level if self.stance_value else None

    @property
    def side(self) -> int | None:
        return self.stance_value.side if self.stance_value else None

    @property
    def stated_on(self) -> dt.date | None:
        """When the statement it rests on was made (a bound, for `on_or_before`)."""
        return self.statement.stated_on if self.statement else None

    @property
    def date_precision(self) -> str | None:
        return self.statement.date_precision if self.statement else None

    @property
    def age_days(self) -> int | None:
        """Days from that statement to `as_of`: how old the position is on that date."""
        return (self.as_of - self.statement.stated_on).days if self.statement else None

    @property
    def label(self) -> str:
        if self.stance_value:
            return self.stance_value.label
        return "No recorded position" if self.stance == NO_POSITION else "Unclear"
