"""Server-rendered SVG charts in the pages' palette: no script, no fonts fetched.

- `spectrum`: a topic's scale as a vertical axis (the supportive end at the
  top), each party placed at its stance as of a date; silent and unclear
  parties are named apart below it.
- `steps`: one party's positions on one topic over a date range as a step
  line over the scale, each change a point linked to its statement.

Colours are presentation attributes from static/embed.css (palette.css_colours)
so a downloaded SVG or PNG looks like the page; inside a page, classes let
the stylesheet restyle the ink for the dark theme. Every chart has a <title>
and <desc>; the pages add a data table for screen readers.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..domain.model import NO_POSITION, UNCLEAR, Actor, Position, Statement, Topic
from .palette import css_colours, stance_class

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'Liberation Sans', 'DejaVu Sans', sans-serif"
CHAR = 7.4  # average advance of a 13 px sans-serif character, for layout only
BOLD = 8.4  # the same, bold, in the widest common face (DejaVu Sans)


# Characters XML 1.0 forbids (a desk's title could carry one): an SVG with one is not an SVG.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> Markup:
    return escape(_NOT_XML.sub("", text))


def _colour(name: str) -> str:
    return css_colours()[name]


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False) or [""]


def _text(x: float, y: float, text: str, size: float = 13, weight: int = 400,
          css: str = "ink", fill: str | None = None, anchor: str = "start") -> str:
    colour = fill or _colour("muted" if css == "muted-ink" else "text")
    return (f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" font-size="{size}" '
            f'font-weight="{weight}" fill="{colour}" text-anchor="{anchor}">{_x(text)}</text>')


def _lines(x: float, y: float, lines: list[str], size: float = 13, weight: int = 400,
           css: str = "ink", step: float = 17) -> str:
    return "".join(_text(x, y + i * step, line, size, weight, css) for i, line in enumerate(lines))


def _document(width: int, height: float, title: str, desc: str, body: str, ids: str,
              role: str = "img") -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="{role}" '
        f'viewBox="0 0 {width} {int(height)}" width="{width}" height="{int(height)}" '
        f'aria-labelledby="{ids}-title {ids}-desc" font-family="{escape(FONT)}">'
        f'<title id="{ids}-title">{_x(title)}</title><desc id="{ids}-desc">{_x(desc)}</desc>'
        f'<rect class="paper" width="100%" height="100%" fill="{_colour("bg")}"/>{body}</svg>')


def _header(width: int, title: str, subtitle: str) -> tuple[str, float]:
    """The title and question inside a standalone chart (downloads carry their own words)."""
    lines = _wrap(title, int((width - 24) / 9.2))
    out = _lines(12, 26, lines, 17, 700, step=22)
    y = 26 + 22 * (len(lines) - 1) + 20
    sub = _wrap(subtitle, int((width - 24) / CHAR))
    out += _lines(12, y, sub, 13, 400, "muted-ink")
    return out, y + 17 * len(sub) + 6


def _footer(width: int, y: float, credit: str) -> tuple[str, float]:
    lines = _wrap(credit, int((width - 24) / 6.6))
    return (f'<line class="rule" x1="12" x2="{width - 12}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{_colour("rule")}"/>' + _lines(12, y + 17, lines, 11, 400, "muted-ink", 15),
            y + 17 + 15 * len(lines))


# --- spectrum -----------------------------------------------------------------

SPECTRUM_WIDTH = 420


@dataclass(frozen=True)
class Placed:
    actor: Actor
    position: Position


def spectrum(topic: Topic, placed: list[Placed], title: str, desc: str, words: dict,
             standalone: bool = False, credit: str = "") -> Markup:
    """The scale top (most supportive) to bottom, the parties at their stances."""
    width = SPECTRUM_WIDTH
    body, y = ("", 10.0)
    if standalone:
        body, y = _header(width, title, topic.question)
    pills_x, pills_w = 206, width - 206 - 8
    centres = []
    # The axis runs through the ranked stances only; an unranked one (breadth left open)
    # sits below it, off the axis, so no reader takes it for a rung.
    ranked = [v for v in reversed(topic.scale) if v.ranked]
    for value in ranked + [v for v in topic.scale if not v.ranked]:
        css = stance_class(topic, value.value)
        here = [p for p in placed if p.position.stance == value.value]
        label = _wrap(value.label, 20)
        # Flow the parties' pills into lines across the right column.
        rows, line, used = [], [], 0.0
        for p in here:
            w = 18 + BOLD * len(p.actor.name)
            if line and used + w > pills_w:
                rows.append(line)
                line, used = [], 0.0
            line.append((p, w))
            used += w + 6
        if line:
            rows.append(line)
        height = max(17 * len(label) + 8, 28 * len(rows) + 4, 34)
        centre = y + 13
        if value.ranked:
            centres.append(centre)
        body += (f'<circle cx="16" cy="{centre:.1f}" r="7" fill="{_colour(f"stance-{css}-bg")}" '
                 f'stroke="{_colour("text")}" class="marker" stroke-width="1.2"/>')
        body += _lines(32, y + 17, label, 13, 700)
        for r, row in enumerate(rows):
            x = pills_x
            for p, w in row:
                top_y = y + 2 + r * 28
                body += (f'<g class="pill" data-actor="{escape(p.actor.id)}">'
                         f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{w:.1f}" height="23" rx="11.5" '
                         f'fill="{_colour(f"stance-{css}-bg")}" stroke="{_colour("text")}" '
                         f'stroke-width="0.8"/>'
                         + _text(x + 9, top_y + 16, p.actor.name, 13, 600, "pill-ink",
                                 _colour(f"stance-{css}-fg")) + "</g>")
                x += w + 6
        y += height + 8
    axis = (f'<line class="axis" x1="16" x2="16" y1="{centres[0]:.1f}" y2="{centres[-1]:.1f}" '
            f'stroke="{_colour("text")}" stroke-width="2"/>') if centres else ""
    body = axis + body
    # Parties off the scale, named apart (the page says why, from the editors' notes).
    for stance, name in ((NO_POSITION, words["none"]), (UNCLEAR, words["unclear"])):
        names = [p.actor.name for p in placed if p.position.stance == stance]
        if names:
            lines = _wrap(f"{name}: {', '.join(names)}", int((width - 24) / CHAR))
            body += _lines(12, y + 14, lines, 13, 400, "muted-ink")
            y += 17 * len(lines) + 6
    body += _stale_body(words, width, y)
    y = _stale_lines(words, width, y)
    y += 4
    if standalone:
        foot, y = _footer(width, y + 4, credit)
        body += foot
        y += 8
    return _document(width, y, title, desc, body, f"spectrum-{topic.id}")


def _stale_wrapped(words: dict, width: int) -> list[list[str]]:
    return [_wrap(line, int((width - 24) / CHAR)) for line in words.get("stale", ())]


def _stale_lines(words: dict, width: int, y: float) -> float:
    """Where the chart goes on below its staleness lines (`words["stale"]`)."""
    return y + sum(17 * len(lines) + 6 for lines in _stale_wrapped(words, width))


def _stale_body(words: dict, width: int, y: float) -> str:
    """Positions older than the newsroom's threshold, in words, one party a line."""
    body = ""
    for lines in _stale_wrapped(words, width):
        body += _lines(12, y + 14, lines, 13, 400, "muted-ink")
        y += 17 * len(lines) + 6
    return body


# --- step chart ---------------------------------------------------------------

STEPS_WIDTH = 440


@dataclass(frozen=True)
class Step:
    on: dt.date
    position: Position               # the position from this day on
    statement: Statement | None      # None for the starting position
    href: str | None = None


def _days(day: dt.date) -> int:
    return day.toordinal()


def steps(topic: Topic, actor: Actor, points: list[Step], start: dt.date, end: dt.date,
          title: str, desc: str, words: dict, date_label, day_label, standalone: bool = False,
          credit: str = "") -> Markup:
    width = STEPS_WIDTH
    body, y = ("", 8.0)
    if standalone:
        body, y = _header(width, title, topic.question)
    # Ranked stances in order; then, apart and dashed like the off-scale rows, the
    # unranked ones, which the line joins without a step (no move along the scale).
    rows = [(v.value, v.label) for v in reversed(topic.scale) if v.ranked]
    rows += [(v.value, v.label) for v in topic.scale if not v.ranked]
    off_axis = {NO_POSITION, UNCLEAR, *(v.value for v in topic.scale if not v.ranked)}
    if any(p.position.stance == UNCLEAR for p in points):
        rows.append((UNCLEAR, words["unclear"]))
    rows.append((NO_POSITION, words["none"]))
    row_h, left, right = 38, 150, width - 12
    wrapped = {value: _wrap(label, 17) for value, label in rows}
    row_y, top = {}, y
    for value, _label in rows:
        height = max(row_h, 15 * len(wrapped[value]) + 10)
        row_y[value] = top + height / 2
        top += height
    for value, label in rows:
        lines = wrapped[value]
        cy = row_y[value]
        body += (f'<line class="rule" x1="{left}" x2="{right}" y1="{cy:.1f}" y2="{cy:.1f}" '
                 f'stroke="{_colour("rule")}" stroke-dasharray="{"4 4" if value in off_axis else "none"}"/>')
        body += _lines(8, cy + 4 - 7.5 * (len(lines) - 1), lines, 12.5, 600, step=15)
    span = max(_days(end) - _days(start), 1)

    def x_of(day: dt.date) -> float:
        return left + 8 + (right - left - 16) * (_days(min(max(day, start), end)) - _days(start)) / span

    bottom = top
    # The line: level until the next change, then a step to it.
    path, previous = [], NO_POSITION
    for i, p in enumerate(points):
        x0, x1 = x_of(p.on), x_of(points[i + 1].on if i + 1 < len(points) else end)
        stance = p.position.stance if p.position.stance in row_y else NO_POSITION
        if stance == NO_POSITION:  # silence is drawn as an absence, not as a rung
            previous = stance
            continue
        cy = row_y[stance]
        joined = i > 0 and stance not in off_axis and previous not in off_axis
        path.append(f"V {cy:.1f}" if joined else f"M {x0:.1f} {cy:.1f}")
        previous = stance
        path.append(f"H {x1:.1f}")
    if path:
        body += (f'<path class="step-line" d="{" ".join(path)}" fill="none" '
                 f'stroke="{_colour("text")}" stroke-width="2.5"/>')
    last_label_x = -1e9
    for p in points:
        if p.statement is None:
            continue
        css = stance_class(topic, p.position.stance)
        cx, cy = x_of(p.on), row_y.get(p.position.stance, row_y[NO_POSITION])
        label = f"{date_label(p.statement)}: {p.position.label}. {p.statement.summary}"
        dot = (f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="{_colour(f"stance-{css}-bg")}" '
               f'stroke="{_colour("text")}" stroke-width="1.5"/>')
        if p.href:
            body += (f'<a class="step-link" href="{escape(p.href)}" target="_blank" '
                     f'aria-label="{_x(label)}"><title>{_x(label)}</title>{dot}</a>')
        else:
            body += f"<g><title>{_x(label)}</title>{dot}</g>"
        if cx - last_label_x > 100:
            body += _text(cx, bottom + 16, date_label(p.statement), 12, 400, "muted-ink",
                          anchor="middle")
            last_label_x = cx
    body += _text(left + 8, bottom + 34, day_label(start), 12, 400, "muted-ink")
    body += _text(right - 8, bottom + 34, day_label(end), 12, 400, "muted-ink", anchor="end")
    y = bottom + 42
    stale_at = y
    y = _stale_lines(words, width, y)
    body += _stale_body(words, width, stale_at)
    if standalone:
        foot, y = _footer(width, y, credit)
        body += foot
        y += 8
    # A group, not an image: its points are links a keyboard can reach.
    return _document(width, y, title, desc, body, f"steps-{actor.id}-{topic.id}", role="group")
