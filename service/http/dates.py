"""Dates at the door: every date a request carries lies within the record's span
(domain FIRST_DATE to LAST_DATE), or the request is a 400 before anything reads or
writes. The spec states the span as a pattern, so clients and generated requests
see the same rule the server keeps.
"""

from __future__ import annotations

import calendar
import datetime as dt

import marshmallow as ma

from ..domain.model import FIRST_DATE, LAST_DATE

SPAN_TEXT = f"from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"


def _digits_between(low: str, high: str) -> str:
    """A regex for the numbers from `low` to `high`, written with as many digits each."""
    if low == high:
        return low
    rest = len(low) - 1
    if rest == 0:
        return f"[{low}-{high}]"
    if low[1:] == "0" * rest and high[1:] == "9" * rest:
        return _digits_between(low[0], high[0]) + ("[0-9]" * rest)
    if low[0] == high[0]:
        return low[0] + _digits_between(low[1:], high[1:])
    parts = [low[0] + "(" + _digits_between(low[1:], "9" * rest) + ")"]
    if int(high[0]) - int(low[0]) > 1:
        parts.append(_digits_between(str(int(low[0]) + 1), str(int(high[0]) - 1)) + "[0-9]" * rest)
    parts.append(high[0] + "(" + _digits_between("0" * rest, high[1:]) + ")")
    return "|".join(parts)


def _span_pattern() -> str:
    # Only real days: a generated or hand-written date that matches is one the server
    # takes (30 February does not match; 29 February only in the span's leap years).
    assert (FIRST_DATE.month, FIRST_DATE.day, LAST_DATE.month, LAST_DATE.day) == (1, 1, 12, 31)
    years = _digits_between(f"{FIRST_DATE.year:04d}", f"{LAST_DATE.year:04d}")
    leap = "|".join(str(y) for y in range(FIRST_DATE.year, LAST_DATE.year + 1)
                    if calendar.isleap(y))
    days = ("(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
            "|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
            "|02-(0[1-9]|1[0-9]|2[0-8])")
    return f"(({years})-({days})|({leap})-02-29)"


DATE_PATTERN = _span_pattern()


def out_of_span(day: dt.date) -> bool:
    return not FIRST_DATE <= day <= LAST_DATE


class RecordDate(ma.fields.Date):
    """An ISO date (YYYY-MM-DD) within the record's span; the spec says both."""

    default_error_messages = {"span": f"Give a date {SPAN_TEXT}."}

    def __init__(self, **kwargs):
        metadata = kwargs.pop("metadata", {})
        described = metadata.get("description", "").rstrip()
        metadata = {**metadata, "pattern": f"^{DATE_PATTERN}$",
                    "description": f"{described} A date {SPAN_TEXT}.".lstrip()}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if out_of_span(day):
            raise self.make_error("span")
        return day
