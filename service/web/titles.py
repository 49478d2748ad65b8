"""The headline of each embed, as the page writes it and oEmbed names it:
which parties, on what, as of when."""

from __future__ import annotations

import datetime as dt

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from ..domain.model import Actor, Topic
from .filters import long_date, topic_title

NAMED = 3  # parties named in a headline before "and N others"


def names(actors: list[Actor]) -> str:
    # "and 1 others" would name no one less: name all when only one is left over.
    shown = [a.name for a in actors[:NAMED if len(actors) > NAMED + 1 else NAMED + 1]]
    rest = len(actors) - len(shown)
    if rest > 0:
        return ngettext("%(names)s and %(num)d other", "%(names)s and %(num)d others", rest,
                        names=", ".join(shown))
    if len(shown) == 1:
        return shown[0]
    return _("%(names)s and %(last)s", names=", ".join(shown[:-1]), last=shown[-1])


def subject(topic: Topic) -> str:
    """A topic's name inside a sentence: its first letter lower-cased ("ceasefire scope",
    "гарантія США"), except in German, whose nouns keep their capital."""
    name = topic_title(topic)
    return name if str(get_locale() or "en") == "de" else name[:1].lower() + name[1:]


def subjects(topics: list[Topic], every: bool) -> str:
    if every or len(topics) > NAMED:
        return ""
    listed = [subject(t) for t in topics]
    if len(listed) == 1:
        return listed[0]
    return _("%(names)s and %(last)s", names=", ".join(listed[:-1]), last=listed[-1])


def matrix(actors: list[Actor], topics: list[Topic], as_of: dt.date, all_actors: bool,
           all_topics: bool = False) -> str:
    who = _("the parties") if all_actors else names(actors)
    what = subjects(topics, all_topics)
    if len(actors) == 1 and not all_actors:
        if what:
            return _("Where %(who)s stands on %(what)s, as of %(date)s",
                     who=who, what=what, date=long_date(as_of))
        return _("Where %(who)s stands, as of %(date)s", who=who, date=long_date(as_of))
    if what:
        return _("Where %(who)s stand on %(what)s, as of %(date)s",
                 who=who, what=what, date=long_date(as_of))
    return _("Where %(who)s stand, as of %(date)s", who=who, date=long_date(as_of))


def compare(actors: list[Actor], topics: list[Topic], as_of: dt.date,
            all_topics: bool = False) -> str:
    what = subjects(topics, all_topics)
    if what:
        return _("%(who)s on %(what)s, as of %(date)s", who=names(actors), what=what,
                 date=long_date(as_of))
    return _("%(who)s side by side, as of %(date)s", who=names(actors), date=long_date(as_of))


def timeline(actor: Actor, topics: list[Topic], start: dt.date | None, end: dt.date) -> str:
    if start:
        # No possessive: "How United States's positions moved" read wrong.
        return _("How %(who)s moved, %(start)s to %(end)s", who=actor.name,
                 start=long_date(start), end=long_date(end))
    return _("How %(who)s moved, up to %(end)s", who=actor.name, end=long_date(end))
