"""Jinja filters: dates with their precision, safe links, topic titles."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from babel.dates import format_date, format_skeleton
from flask import current_app, g, has_app_context, has_request_context
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from ..domain.labels import topic_name
from ..domain.model import NO_POSITION, Note, Position, Statement, Topic

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _locale() -> str:
    return str(get_locale() or "en") if has_request_context() else "en"


def long_date(day: dt.date) -> str:
    """"20 March 2025", or the page language's long date ("20 mars 2025")."""
    locale = _locale()
    if locale == "en":
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return format_date(day, "long", locale=locale)


def month(day: dt.date) -> str:
    locale = _locale()
    if locale == "en":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return format_skeleton("yMMMM", day, locale=locale)


def stated_date(statement: Statement) -> str:
    """The date as precisely as the source gives it, and no more precisely."""
    day = statement.stated_on
    if statement.date_precision == "month":
        return month(day)
    if statement.date_precision == "approximate":
        return _("about %(date)s", date=long_date(day))
    if statement.date_precision == "on_or_before":
        return _("on or before %(date)s", date=long_date(day))
    return long_date(day)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links: a `javascript:` URL in a source must never become a link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def stale_after_days() -> int:
    return current_app.config["STALE_AFTER_DAYS"] if has_app_context() else 90


def staleness(position: Position) -> str | None:
    """How old a position is, in words, when older than the newsroom's threshold
    (STANDPOINT_STALE_AFTER_DAYS): "Last stated 627 days before 7 December 2026."
    None for a fresh position or one with no statement."""
    days = position.age_days
    if days is None or days <= stale_after_days():
        return None
    return ngettext("Last stated %(num)d day before %(date)s.",
                    "Last stated %(num)d days before %(date)s.", days,
                    date=long_date(position.as_of))


def for_readers(notes) -> list[Note]:
    """The notes readers are shown: those with a reader's sentence (never the
    editors' working text), and none when the page hides them (`hide=editors_notes`,
    web/embed.py)."""
    if has_request_context() and g.get("hide_editors_notes"):
        return []
    return [note for note in notes if note.reader_text]


def topic_title(topic: Topic) -> str:
    """A topic's short name in the page's language (its label), else its id in words."""
    return topic_name(topic, _locale())


def stance_label(position: Position) -> str:
    """A position's stance in the page's language: its scale's label (a topic's labels,
    web/record_words.py), or the words for having none."""
    if position.stance_value:
        return position.stance_value.label
    return _("No recorded position") if position.stance == NO_POSITION else _("Unclear")


def record_lang():
    """` lang="en"` on the record's own texts (summaries, quotes, notes: the newsroom's
    words, in English) when the page speaks another language, so a screen reader reads
    them as English; nothing on an English page."""
    from markupsafe import Markup

    return Markup(' lang="en"') if _locale() != "en" else ""


def record_text(text: str):
    """One of the record's own texts, marked English (`record_lang`) on a page in another
    language; as it is on an English page."""
    from markupsafe import Markup

    return Markup('<span lang="en">{}</span>').format(text) if _locale() != "en" else text


def register(app) -> None:
    app.add_template_global(record_lang)
    app.add_template_filter(record_text)
    app.add_template_filter(long_date)
    app.add_template_filter(stated_date)
    app.add_template_filter(safe_url)
    app.add_template_filter(topic_title)
    app.add_template_filter(stance_label)
    app.add_template_filter(for_readers)
    app.add_template_filter(staleness)
