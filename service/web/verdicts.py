"""The diff engine's verdicts as the embeds' sentences, in the page's language.

The domain writes its summaries in English for the API (domain/diff.py). A page builds
the same sentences here from the same verdict, with translated parts: the actors' names
and stance labels in the page's language (domain/labels.py), dates in its calendar
words, and each sentence one Flask-Babel message with named placeholders (ngettext for
counts), so a translator can order the parts as the language needs. In English they
read word for word as the API's (tests/web/test_record_labels.py holds them to it).
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import ngettext

from ..domain.diff import NO_NEW_STATEMENT, TopicDiff
from ..domain.model import NO_POSITION, Position, Statement
from .filters import long_date, month, stance_label


def when_stated(statement: Statement) -> str:
    """When a statement was made, as precisely as the source says: "on 19 March 2025",
    "by 19 March 2025" (on or before), "in March 2025", "about 19 March 2025"."""
    day, precision = statement.stated_on, statement.date_precision
    if precision == "on_or_before":
        return _("by %(date)s", date=long_date(day))
    if precision == "month":
        return _("in %(month)s", month=month(day))
    if precision == "approximate":
        return _("about %(date)s", date=long_date(day))
    return _("on %(date)s", date=long_date(day))


def _when(position: Position) -> str:
    return when_stated(position.statement) if position.statement else ""


def steps(distance: int) -> str:
    n = abs(distance)
    return ngettext("%(num)d step", "%(num)d steps", n)


def _conditions(d: TopicDiff) -> str:
    parts = []
    if d.conditions_added:
        parts.append(_("added condition %(conditions)s",
                       conditions="; ".join(d.conditions_added)))
    if d.conditions_removed:
        parts.append(_("dropped condition %(conditions)s",
                       conditions="; ".join(d.conditions_removed)))
    return ", ".join(parts)


def _with_conditions(text: str, conditions: str) -> str:
    return _("%(change)s; %(conditions)s", change=text, conditions=conditions) if conditions \
        else text


def _off_scale(position: Position, when: dt.date | None = None) -> str:
    if position.stance == NO_POSITION:
        if when:
            return _("no recorded position on %(date)s", date=long_date(when))
        return _("no recorded position")
    if position.statement:
        return _("a statement %(when)s that takes no clear side", when=_when(position))
    if when:
        return _("a statement on %(date)s that takes no clear side", date=long_date(when))
    return _("a statement that takes no clear side")


def change(d: TopicDiff) -> str:
    """How one actor's position moved from one date to another (a CHANGE diff: its
    positions are as of those dates)."""
    name, a, b = d.left_actor.name, d.left, d.right
    start, end = a.as_of, b.as_of
    if d.verdict == NO_NEW_STATEMENT:
        return _("%(name)s: no new statement since %(since)s up to %(end)s; last stated "
                 "%(stance)s %(when)s", name=name, since=long_date(a.statement.stated_on),
                 end=long_date(end), stance=stance_label(a), when=_when(a))
    if d.verdict == "unchanged":
        return _("%(name)s unchanged: restated %(stance)s %(when)s", name=name,
                 stance=stance_label(b), when=_when(b))
    if d.verdict == "first_stated":
        return _("%(name)s first stated a position: %(stance)s, %(when)s", name=name,
                 stance=stance_label(b), when=_when(b))
    if d.verdict == "took_side":
        return _("%(name)s took a side: %(stance)s, %(when)s, after a statement that took no "
                 "clear side", name=name, stance=stance_label(b), when=_when(b))
    if d.verdict == "withdrawn":
        return _("%(name)s: the position %(stance)s was withdrawn; no recorded position as "
                 "of %(date)s", name=name, stance=stance_label(a), date=long_date(end))
    if d.verdict == "unknown" and a.stance == b.stance == NO_POSITION:
        return _("%(name)s has no recorded position on %(start)s or on %(end)s", name=name,
                 start=long_date(start), end=long_date(end))
    if d.verdict == "unknown":
        reasons = [_off_scale(p, when) for p, when in ((a, start), (b, end))
                   if p.stance_value is None]
        return _("Cannot say whether %(name)s moved: %(reasons)s", name=name,
                 reasons=_(" and ").join(reasons))
    conditions = _conditions(d)
    if a.stance == b.stance:
        return _("%(name)s kept %(stance)s but changed its conditions %(when)s: "
                 "%(conditions)s", name=name, stance=stance_label(a), when=_when(b),
                 conditions=conditions)
    parts = {"name": name, "when": _when(b), "from": stance_label(a), "to": stance_label(b)}
    if d.distance is None:
        if d.verdict == "reversed":
            text = _("%(name)s reversed %(when)s: from %(from)s to %(to)s", **parts)
        elif not a.stance_value.ranked and b.stance_value.ranked and a.stance_value.settled_word:
            text = _("%(name)s %(settled)s %(when)s: from %(from)s to %(to)s",
                     settled=a.stance_value.settled_word, **parts)
        else:
            text = _("%(name)s changed %(when)s from %(from)s to %(to)s, which the scale does "
                     "not rank", **parts)
        return _with_conditions(text, conditions)
    if d.verdict == "reversed":
        text = _("%(name)s reversed, moving %(direction)s %(when)s: from %(from)s to %(to)s "
                 "(%(steps)s)", direction=d.direction, steps=steps(d.distance), **parts)
    else:
        text = _("%(name)s moved %(direction)s %(when)s: from %(from)s to %(to)s (%(steps)s)",
                 direction=d.direction, steps=steps(d.distance), **parts)
    return _with_conditions(text, conditions)


def comparison(d: TopicDiff) -> str:
    """How two actors' positions compare (a COMPARISON diff)."""
    left, right = d.left_actor.name, d.right_actor.name
    a, b = d.left, d.right
    if d.verdict == "unknown" and a.stance == b.stance == NO_POSITION:
        return _("Cannot compare %(left)s and %(right)s: neither has a recorded position",
                 left=left, right=right)
    if d.verdict == "unknown" and a.stance_value is not None and b.stance_value is not None:
        unranked = a if not a.stance_value.ranked else b
        return _("Cannot rank %(left)s against %(right)s: %(left_stance)s vs %(right_stance)s; "
                 "%(unranked)s is not ranked on this scale", left=left, right=right,
                 left_stance=stance_label(a), right_stance=stance_label(b),
                 unranked=stance_label(unranked))
    if d.verdict == "unknown":
        reasons = [_("%(name)s has %(what)s", name=n, what=_off_scale(p))
                   for p, n in ((a, left), (b, right)) if p.stance_value is None]
        return _("Cannot compare %(left)s and %(right)s: %(reasons)s", left=left, right=right,
                 reasons=_(" and ").join(reasons))
    if a.statement and b.statement and a.statement.stated_on != b.statement.stated_on:
        # Statements made on different days: what each last said, dated (silence is not
        # agreement), as the API says it.
        who = _("As last stated, %(left)s (%(left_when)s) and %(right)s (%(right_when)s)",
                left=left, left_when=_when(a), right=right, right_when=_when(b))
    else:
        who = _("%(left)s and %(right)s", left=left, right=right)
    if d.verdict == "agree":
        text = _("%(who)s agree: %(stance)s", who=who, stance=stance_label(a))
        only = [_("only %(name)s sets condition %(conditions)s", name=n,
                  conditions="; ".join(c))
                for n, c in ((right, d.conditions_added), (left, d.conditions_removed)) if c]
        return _with_conditions(text, ", ".join(only)) if only else text
    words = {"who": who, "left_stance": stance_label(a), "right_stance": stance_label(b)}
    if d.verdict == "opposed":
        text = _("%(who)s are opposed: %(left_stance)s vs %(right_stance)s", **words)
    else:
        text = _("%(who)s differ: %(left_stance)s vs %(right_stance)s", **words)
    if d.distance is None:
        return text
    return _("%(comparison)s; %(right)s is %(steps)s %(direction)s", comparison=text,
             right=right, steps=steps(d.distance), direction=d.direction)
