"""Dates in the record's own words: as precisely as the source gives them, and no more.

The diff engine's sentences are English (like stance labels); the embeds write
dates in the page's language with web/filters.py.
"""

from __future__ import annotations

import datetime as dt

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def long_date(day: dt.date) -> str:
    """`19 March 2025`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def when_stated(day: dt.date, precision: str) -> str:
    """When a statement was made, bounded where the source only bounds it:
    `on 19 March 2025`, `by 19 March 2025` (on or before), `in March 2025`,
    `about 19 March 2025`."""
    if precision == "on_or_before":
        return f"by {long_date(day)}"
    if precision == "month":
        return f"in {MONTHS[day.month - 1]} {day.year}"
    if precision == "approximate":
        return f"about {long_date(day)}"
    return f"on {long_date(day)}"


def days_before(earlier: dt.date, later: dt.date) -> int:
    """Whole days from `earlier` to `later` (0 on the same day)."""
    return (later - earlier).days
