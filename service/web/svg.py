"""Server-rendered SVG charts in the pages' palette: no script, no fonts fetched.

- `spectrum`: a topic's scale as a vertical axis (the supportive end at the
  top), each party placed at its stance as of a date; silent and unclear
  parties are named apart below it.
- `steps`: one or more parties' positions on one topic over a date range as
  step lines over the scale, each statement a numbered point, and under the
  chart the list of steps (number, date, party, stance) linked to the statements.

Each chart is laid out for the width it is drawn at (`width`, CSS px), the way
Datawrapper lays a chart out for its frame: its viewBox is that width, so at
scale 1 every text is at least MIN_FONT px, and a narrow chart wraps or moves
its labels (stance labels above their rungs rather than beside them, parties'
pills under their stance) rather than shrinking them. A page draws a chart at
a few widths (WIDTHS) and its stylesheet shows the one made for its frame,
scaled up by at most the gap to the next width, never down (embed.css).

Colours are presentation attributes from static/embed.css (palette.css_colours)
so a downloaded SVG or PNG looks like the page; inside a page, classes let
the stylesheet restyle the ink for the dark theme. Every chart has a <title>
and <desc>; the pages add a data table for screen readers.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
import textwrap
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..domain.model import NO_POSITION, UNCLEAR, Actor, Position, Statement, Topic
from .filters import stance_label
from .palette import css_colours, stance_class

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'Liberation Sans', 'DejaVu Sans', sans-serif"
MIN_FONT = 12  # no text in a chart is smaller, at the width it is laid out for
# The widths a page draws a chart at, each shown from the frame width beside it
# (embed.css): 280 px for 300-359 px frames, 340 for 360-479, 460 for 480-600 and
# 560 (the widest a chart is shown) above. Downloads default to the widest.
WIDTHS = {280: 0, 340: 360, 460: 480, 560: 601}
DEFAULT_WIDTH = 560
WIDE = 460  # from this width, labels sit beside their rungs rather than above them


def _chars(width: float, size: float, bold: bool = False) -> int:
    """How many characters fit in `width` px at `size` px, for wrapping. Generous per
    character (DejaVu Sans, the widest common face, averages about 0.6 em; bold 0.68 em):
    a line that wraps early is better than one cut off at the chart's edge."""
    return max(int(width / (size * (0.68 if bold else 0.6))), 8)


def _text_width(text: str, size: float, bold: bool = False) -> float:
    return len(text) * size * (0.68 if bold else 0.6)


# Characters XML 1.0 forbids (a desk's title could carry one): an SVG with one is not an SVG.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> Markup:
    return escape(_NOT_XML.sub("", text))


# The theme a standalone chart is drawn in (a download's `theme=`); pages restyle
# their charts' ink by class instead, so they are drawn light.
_THEME: contextvars.ContextVar[str] = contextvars.ContextVar("chart_theme", default="light")


@contextlib.contextmanager
def theme(name: str):
    token = _THEME.set(name)
    try:
        yield
    finally:
        _THEME.reset(token)


def _colour(name: str) -> str:
    return css_colours(_THEME.get())[name]


@dataclass(frozen=True)
class Frame:
    """What a standalone chart carries around it: the desk's words (`title`, `subtitle`,
    `notes`), the `dateline` that keeps the chart's date when the desk's title leaves
    it out, and the credit."""
    credit: str = ""
    dateline: str = ""
    subtitle: str = ""
    notes: str = ""


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False) or [""]


def _text(x: float, y: float, text: str, size: float = 14, weight: int = 400,
          css: str = "ink", fill: str | None = None, anchor: str = "start") -> str:
    assert size >= MIN_FONT
    colour = fill or _colour("muted" if css == "muted-ink" else "text")
    return (f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" font-size="{size}" '
            f'font-weight="{weight}" fill="{colour}" text-anchor="{anchor}">{_x(text)}</text>')


def _lines(x: float, y: float, lines: list[str], size: float = 14, weight: int = 400,
           css: str = "ink", step: float = 18) -> str:
    return "".join(_text(x, y + i * step, line, size, weight, css) for i, line in enumerate(lines))


def _document(width: int, height: float, title: str, desc: str, body: str, ids: str,
              role: str = "img") -> Markup:
    ids = f"{ids}-w{width}"  # a page holds the chart at several widths: ids stay unique
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="{role}" '
        f'viewBox="0 0 {width} {int(height)}" width="{width}" height="{int(height)}" '
        f'data-width="{width}" '
        f'aria-labelledby="{ids}-title {ids}-desc" font-family="{escape(FONT)}">'
        f'<title id="{ids}-title">{_x(title)}</title><desc id="{ids}-desc">{_x(desc)}</desc>'
        f'<rect class="paper" width="100%" height="100%" fill="{_colour("bg")}"/>{body}</svg>')


def _header(width: int, title: str, question: str, frame: Frame = Frame()) -> tuple[str, float]:
    """The title, its dateline, the desk's subtitle and the question inside a standalone
    chart (downloads carry their own words)."""
    lines = _wrap(title, _chars(width - 24, 18, bold=True))
    out = _lines(12, 28, lines, 18, 700, step=23)
    y = 28 + 23 * (len(lines) - 1) + 22
    for text, css, weight in ((frame.dateline, "muted-ink", 600), (frame.subtitle, "ink", 400),
                              (question, "muted-ink", 400)):
        if text:
            wrapped = _wrap(text, _chars(width - 24, 14, bold=weight > 400))
            out += _lines(12, y, wrapped, 14, weight, css)
            y += 18 * len(wrapped) + 4
    return out, y + 2


def _footer(width: int, y: float, frame: Frame) -> tuple[str, float]:
    out = ""
    if frame.notes:  # the desk's notes, above the credit as on the page
        wrapped = _wrap(frame.notes, _chars(width - 24, 14))
        out += _lines(12, y + 12, wrapped, 14, 400)
        y += 18 * len(wrapped) + 8
    lines = _wrap(frame.credit, _chars(width - 24, 12))
    return (out + f'<line class="rule" x1="12" x2="{width - 12}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{_colour("rule")}"/>' + _lines(12, y + 18, lines, 12, 400, "muted-ink", 16),
            y + 18 + 16 * len(lines))


def _notes(lines: list[str], width: int, y: float) -> tuple[str, float]:
    """Sentences under a chart (who is off the scale, how old a position is), wrapped."""
    body = ""
    for line in lines:
        wrapped = _wrap(line, _chars(width - 24, 14))
        body += _lines(12, y + 15, wrapped, 14, 400, "muted-ink")
        y += 18 * len(wrapped) + 6
    return body, y


# --- spectrum -----------------------------------------------------------------

SPECTRUM_WIDTH = DEFAULT_WIDTH


@dataclass(frozen=True)
class Placed:
    actor: Actor
    position: Position


def _pill_rows(placed: list[Placed], room: float) -> list[list[tuple[Placed, float]]]:
    """The parties' pills flowed into lines `room` px wide."""
    rows, line, used = [], [], 0.0
    for p in placed:
        w = min(20 + _text_width(p.actor.name, 13, bold=True), room)
        if line and used + w > room:
            rows.append(line)
            line, used = [], 0.0
        line.append((p, w))
        used += w + 6
    if line:
        rows.append(line)
    return rows


def spectrum(topic: Topic, placed: list[Placed], title: str, desc: str, words: dict,
             standalone: bool = False, frame: Frame = Frame(),
             width: int = SPECTRUM_WIDTH) -> Markup:
    """The scale top (most supportive) to bottom, the parties at their stances. Wide:
    each stance's label beside its parties; narrow: the parties under their stance."""
    body, y = ("", 10.0)
    if standalone:
        body, y = _header(width, title, topic.question, frame)
    wide = width >= WIDE
    label_x = 34
    label_w = (width * 0.42 - label_x) if wide else (width - label_x - 8)
    pills_x = label_x + label_w + 8 if wide else label_x
    pills_w = width - pills_x - 8
    centres = []
    # The axis runs through the ranked stances only; an unranked one (breadth left open)
    # sits below it, off the axis, so no reader takes it for a rung.
    ranked = [v for v in reversed(topic.scale) if v.ranked]
    for value in ranked + [v for v in topic.scale if not v.ranked]:
        css = stance_class(topic, value.value)
        here = [p for p in placed if p.position.stance == value.value]
        label = _wrap(value.label, _chars(label_w, 14, bold=True))
        rows = _pill_rows(here, pills_w)
        label_h = 18 * len(label)
        pills_top = y + 2 if wide else y + label_h + 6
        if wide:
            height = max(label_h + 10, 30 * len(rows) + 4, 34)
        else:
            height = label_h + 6 + 30 * len(rows) + (4 if rows else 4)
        centre = y + 13
        if value.ranked:
            centres.append(centre)
        body += (f'<circle cx="16" cy="{centre:.1f}" r="7" fill="{_colour(f"stance-{css}-bg")}" '
                 f'stroke="{_colour("text")}" class="marker" stroke-width="1.2"/>')
        body += _lines(label_x, y + 18, label, 14, 700)
        for r, row in enumerate(rows):
            x = pills_x
            for p, w in row:
                top_y = pills_top + r * 30
                name = p.actor.name
                while len(name) > 4 and 20 + _text_width(name, 13, bold=True) > w:
                    name = name[:-2] + "…"  # only a name longer than the whole chart is cut
                body += (f'<g class="pill" data-actor="{escape(p.actor.id)}">'
                         f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{w:.1f}" height="25" rx="12.5" '
                         f'fill="{_colour(f"stance-{css}-bg")}" stroke="{_colour("text")}" '
                         f'stroke-width="0.8"/>'
                         + _text(x + 10, top_y + 17.5, name, 13, 600, "pill-ink",
                                 _colour(f"stance-{css}-fg")) + "</g>")
                x += w + 6
        y += height + 8
    axis = (f'<line class="axis" x1="16" x2="16" y1="{centres[0]:.1f}" y2="{centres[-1]:.1f}" '
            f'stroke="{_colour("text")}" stroke-width="2"/>') if centres else ""
    body = axis + body
    # Parties off the scale, named apart (the page says why, from the editors' notes).
    apart = []
    for stance, name in ((NO_POSITION, words["none"]), (UNCLEAR, words["unclear"])):
        names = [p.actor.name for p in placed if p.position.stance == stance]
        if names:
            apart.append(f"{name}: {', '.join(names)}")
    notes, y = _notes(apart + list(words.get("stale", ())), width, y)
    body += notes
    y += 4
    if standalone:
        foot, y = _footer(width, y + 4, frame)
        body += foot
        y += 8
    return _document(width, y, title, desc, body, f"spectrum-{topic.id}")


# --- step chart ---------------------------------------------------------------

STEPS_WIDTH = DEFAULT_WIDTH
MARKER = 10     # a point's radius: its number inside is MIN_FONT px
ROOM = 26       # the least room between two points on different days, px
DASHES = ("none", "8 4", "2 3", "12 4 3 4", "5 2")  # a party's line, told apart without colour


@dataclass(frozen=True)
class Step:
    on: dt.date
    position: Position               # the position from this day on
    statement: Statement | None      # None for the starting position
    href: str | None = None


@dataclass(frozen=True)
class Series:
    actor: Actor
    points: list[Step]               # oldest first; a starting position first when asked


@dataclass(frozen=True)
class Event:
    number: int
    series: int
    step: Step


def events(series: list[Series]) -> list[Event]:
    """Every statement of every party, oldest first, numbered as the chart numbers them."""
    found = sorted(((p.on, i, p) for i, s in enumerate(series) for p in s.points if p.statement),
                   key=lambda item: (item[0], item[1]))
    return [Event(n, i, p) for n, (_on, i, p) in enumerate(found, 1)]


def _axis(days: list[dt.date], left: float, right: float):
    """x for each day: every gap between two days on which something is drawn gets at
    least ROOM px, the rest of the width shared in proportion to time; so points a day
    apart stay apart and the axis still reads as time. Too many days for ROOM each:
    equal gaps."""
    days = sorted(set(days))
    if len(days) == 1:
        return lambda day: (left + right) / 2
    gaps = [(b - a).days for a, b in zip(days, days[1:])]
    room = right - left
    least = ROOM if ROOM * len(gaps) <= room else room / len(gaps)
    spare = room - least * len(gaps)
    total = sum(gaps)
    xs = [left]
    for gap in gaps:
        xs.append(xs[-1] + least + spare * gap / total)
    at = dict(zip(days, xs))

    def x_of(day: dt.date) -> float:
        if day in at:
            return at[day]
        before = max((d for d in days if d < day), default=days[0])
        after = min((d for d in days if d > day), default=days[-1])
        if before == after:
            return at[before]
        return at[before] + (at[after] - at[before]) * (day - before).days / (after - before).days
    return x_of


def steps(topic: Topic, series: list[Series], start: dt.date, end: dt.date,
          title: str, desc: str, words: dict, date_label, day_label, standalone: bool = False,
          frame: Frame = Frame(), width: int = STEPS_WIDTH, listed: bool = True) -> Markup:
    """Step lines over the scale's rungs, one per party, from `start` to `end`; then the
    numbered list of steps (unless not `listed`: a social card has no room for it).
    Silence is an absence (no line, no rung)."""
    body, y = ("", 8.0)
    if standalone:
        body, y = _header(width, title, topic.question, frame)
    pad = 12
    many = len(series) > 1
    if many:  # which line is whose: a sample of each party's dash, then its name
        x = pad
        for i, s in enumerate(series):
            w = 34 + _text_width(s.actor.name, 14)
            if x > pad and x + w > width - pad:
                x, y = pad, y + 22
            body += (f'<line class="step-line" x1="{x:.1f}" x2="{x + 26:.1f}" y1="{y + 12:.1f}" '
                     f'y2="{y + 12:.1f}" stroke="{_colour("text")}" stroke-width="2.5" '
                     f'stroke-dasharray="{DASHES[i % len(DASHES)]}"/>')
            body += _text(x + 32, y + 17, s.actor.name, 14, 600)
            x += w + 12
        y += 30
    # Ranked stances in order; then, apart and dashed, the unranked ones, which a line
    # joins without a step (no move along the scale), and "unclear" when a statement is.
    # "No recorded position" is no rung: it is drawn as no line.
    rows = [(v.value, v.label) for v in reversed(topic.scale) if v.ranked]
    rows += [(v.value, v.label) for v in topic.scale if not v.ranked]
    off_axis = {NO_POSITION, UNCLEAR, *(v.value for v in topic.scale if not v.ranked)}
    if any(p.position.stance == UNCLEAR for s in series for p in s.points):
        rows.append((UNCLEAR, words["unclear"]))
    wide = width >= WIDE
    label_w = 150 if wide else width - 2 * pad
    left = pad + label_w + 12 if wide else pad + MARKER + 2
    right = width - pad - MARKER - 2
    row_y, top = {}, y
    for value, label in rows:
        lines = _wrap(label, _chars(label_w, 13, bold=True))
        dashed = "4 4" if value in off_axis else "none"
        if wide:
            height = max(42, 17 * len(lines) + 14)
            cy = top + height / 2
            body += _lines(pad, cy + 5 - 8.5 * (len(lines) - 1), lines, 13, 600, step=17)
        else:  # the label above its rung, the whole width: it wraps rather than shrinks
            body += _lines(pad, top + 14, lines, 13, 600, step=17)
            cy = top + 17 * len(lines) + MARKER + 2
            height = cy - top + MARKER + 6
        body += (f'<line class="rule" x1="{left - MARKER:.1f}" x2="{right + MARKER:.1f}" '
                 f'y1="{cy:.1f}" y2="{cy:.1f}" stroke="{_colour("rule")}" '
                 f'stroke-dasharray="{dashed}"/>')
        row_y[value] = cy
        top += height
    bottom = top + 4
    numbered = events(series)
    x_of = _axis([start, end, *(e.step.on for e in numbered)], left, right)

    def y_of(i: int, stance: str) -> float:
        # Parties on one rung at once: their lines side by side, not one on another.
        offset = (i - (len(series) - 1) / 2) * 5 if many else 0
        return row_y.get(stance, bottom) + offset

    since = []
    for i, s in enumerate(series):
        path, previous = [], NO_POSITION
        dash = DASHES[i % len(DASHES)]
        for k, p in enumerate(s.points):
            nxt = s.points[k + 1].on if k + 1 < len(s.points) else None
            x0, x1 = x_of(p.on), x_of(nxt or p.on)
            stance = p.position.stance
            if stance not in row_y:  # silence (or a withdrawal) is drawn as an absence
                previous = NO_POSITION
                continue
            cy = y_of(i, stance)
            joined = k > 0 and stance not in off_axis and previous not in off_axis
            path.append(f"V {cy:.1f}" if joined else f"M {x0:.1f} {cy:.1f}")
            path.append(f"H {x1:.1f}")
            previous = stance
        if path:
            body += (f'<path class="step-line" data-actor="{escape(s.actor.id)}" '
                     f'd="{" ".join(path)}" fill="none" stroke="{_colour("text")}" '
                     f'stroke-width="2.5" stroke-dasharray="{dash}"/>')
        last = s.points[-1] if s.points else None
        if last and last.position.stance in row_y and last.on < end:
            # Held on to the end asked for, as far as the record knows: fainter, and said.
            cy = y_of(i, last.position.stance)
            body += (f'<line class="held-line" x1="{x_of(last.on):.1f}" x2="{x_of(end):.1f}" '
                     f'y1="{cy:.1f}" y2="{cy:.1f}" stroke="{_colour("muted")}" '
                     f'stroke-width="1.5" stroke-dasharray="{dash}"/>')
            if last.statement:
                since.append(words["since"](s.actor.name, day_label(last.on)))
        if not any(p.position.stance in row_y for p in s.points):
            since.append(words["silent"](s.actor.name))
    # Points on one day and one rung (two parties, or two statements) side by side, not
    # one over the other: each later one moves right until it is clear of the others.
    placed: list[tuple[float, float]] = []
    for e in numbered:
        p = e.step
        css = stance_class(topic, p.position.stance)
        cx, cy = x_of(p.on), y_of(e.series, p.position.stance)
        while any(abs(cx - x) < 2 * MARKER + 2 and abs(cy - y) < 2 * MARKER for x, y in placed):
            cx += 2 * MARKER + 2
        placed.append((cx, cy))
        label = (f"{e.number}. {series[e.series].actor.name}, {date_label(p.statement)}: "
                 f"{stance_label(p.position)}. {p.statement.summary}")
        body += (f'<g class="point" data-number="{e.number}"><title>{_x(label)}</title>'
                 f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{MARKER}" '
                 f'fill="{_colour(f"stance-{css}-bg")}" stroke="{_colour("text")}" '
                 f'stroke-width="1.5"/>'
                 + _text(cx, cy + 4.5, str(e.number), 12, 700, "pill-ink",
                         _colour(f"stance-{css}-fg"), anchor="middle") + "</g>")
    # The time axis: its first and last day (once, when they are one day).
    body += (f'<line class="rule time-axis" x1="{left - MARKER:.1f}" x2="{right + MARKER:.1f}" '
             f'y1="{bottom:.1f}" y2="{bottom:.1f}" stroke="{_colour("rule")}"/>')
    if start == end:
        body += _text((left + right) / 2, bottom + 18, day_label(start), 12, 400, "muted-ink",
                      anchor="middle")
    else:
        body += _text(left - MARKER, bottom + 18, day_label(start), 12, 400, "muted-ink")
        body += _text(right + MARKER, bottom + 18, day_label(end), 12, 400, "muted-ink",
                      anchor="end")
    y = bottom + 26
    notes, y = _notes(since + list(words.get("stale", ())), width, y)
    body += notes
    # The steps in words: every point's number, date, party and stance, linked to its statement.
    y += 6
    text_x = pad + 2 * MARKER + 8
    room = _chars(width - text_x - pad, 14)
    for s_i, s in enumerate(series if listed else ()):
        first = s.points[0] if s.points else None
        if first and first.statement is None:
            who = f"{s.actor.name}, " if many else ""
            line = _wrap(f"{who}{words['before'](day_label(first.on))}: {stance_label(first.position)}",
                         room)
            body += _lines(text_x, y + 15, line, 14, 400, "muted-ink")
            y += 18 * len(line) + 8
    for e in numbered if listed else ():
        p = e.step
        css = stance_class(topic, p.position.stance)
        who = f" · {series[e.series].actor.name}" if many else ""
        head = _wrap(f"{date_label(p.statement)}{who}", _chars(width - text_x - pad, 14, True))
        stance = _wrap(stance_label(p.position), room)
        label = f"{e.number}. {series[e.series].actor.name}, {date_label(p.statement)}: {stance_label(p.position)}. {p.statement.summary}"
        item = (f'<circle cx="{pad + MARKER:.1f}" cy="{y + 10:.1f}" r="{MARKER}" '
                f'fill="{_colour(f"stance-{css}-bg")}" stroke="{_colour("text")}" stroke-width="1.5"/>'
                + _text(pad + MARKER, y + 14.5, str(e.number), 12, 700, "pill-ink",
                        _colour(f"stance-{css}-fg"), anchor="middle")
                + _lines(text_x, y + 15, head, 14, 700)
                + _lines(text_x, y + 15 + 18 * len(head), stance, 14, 400))
        if p.href:
            # Named by its <title> (SVG-AAM), not aria-label: an aria-label must hold the
            # visible text as read (WCAG 2.5.3, axe's label-content-name-mismatch), and a
            # screen reader reads SVG text pieces without the spaces between them.
            body += (f'<a class="step-link" href="{escape(p.href)}" target="_blank">'
                     f'<title>{_x(label)}</title>{item}</a>')
        else:
            body += f'<g class="step-item"><title>{_x(label)}</title>{item}</g>'
        y += 18 * (len(head) + len(stance)) + 10
    y += 2
    if standalone:
        foot, y = _footer(width, y + 4, frame)
        body += foot
        y += 8
    ids = "-".join(s.actor.id for s in series)
    # A group, not an image: its steps are links a keyboard can reach.
    return _document(width, y, title, desc, body, f"steps-{ids}-{topic.id}", role="group")
