"""First heights for an embed's iframe, by the width it will have.

The page reports its real height once it has loaded (static/embed.js); these
guesses are what the snippet and oEmbed start the iframe at, so the article
barely moves when the real height arrives. Each is a linear fit, per width,
of heights measured in chromium over 8 to 16 shapes of each page (parties x
topics; docs/EMBEDDING.md, "Steady layout", has the measurements and errors).
"""

from __future__ import annotations

WIDTHS = (360, 640, 1280)

# Per width: a fixed part (title, legend, credit), then px per party, per
# cell (party x topic) and, for compare, per topic; for the timeline, per
# topic and per change shown.
MATRIX = {360: (218, 34.4, 40.7), 640: (304, 32.4, 15.7), 1280: (221, 51.1, 3.1)}
COMPARE = {360: (115, 59.4, 61.4, 222.6), 640: (143, 34.2, 34.8, 155.9),
           1280: (145, 15.8, 18.9, 167.5)}
TIMELINE = {360: (134, 129.7, 142.2), 640: (154, 116.6, 105.0), 1280: (144, 105.4, 108.9)}
# With `from`, each topic starts with the position held before it.
TIMELINE_BEFORE = {360: 103, 640: 96, 1280: 80}
# `detail=full` shows every quote and note at once: measured on the pages of docs/EMBEDDING.md.
FULL = {"matrix": {360: 4.9, 640: 6.8, 1280: 4.5}, "compare": {360: 2.8, 640: 3.1, 1280: 2.7},
        "timeline": {360: 2.7, 640: 2.2, 1280: 1.75}}
LEGEND = 40  # the folded legend, when `legend=0` leaves it out
# What the reader options (`hide=`) leave out, px by width, measured in chromium on the pages
# of docs/EMBEDDING.md ("Reader options in oEmbed"): the credit's CSV and JSON links (a line
# of their own below 1280 px), a chart's download links, and each editors' note folded under
# a cell (on a wide matrix a note mostly shares its row's height with the cells beside it).
DATA_LINKS = {360: 17, 640: 17, 1280: 0}
DOWNLOADS = {360: 28, 640: 28, 1280: 28}
NOTE = {"matrix": {360: 17, 640: 9, 1280: 3}, "compare": {360: 17, 640: 13, 1280: 0},
        "timeline": {360: 21, 640: 22, 1280: 23}}


def hidden(args: dict, part: str) -> bool:
    return part in (args.get("hide") or ())


def _finish(kind: str, args: dict, heights: dict[int, float], notes: int = 0) -> dict[int, int]:
    """`notes`: the editors' notes the page shows readers (none when `hide` has them)."""
    result = {}
    for width, height in heights.items():
        if args.get("detail") == "full":
            height *= FULL[kind][width]
        elif args.get("legend") is False:
            height -= LEGEND
        # The desk's own words: about a line each.
        height += 24 * sum(1 for key in ("subtitle", "notes") if args.get(key))
        if hidden(args, "data_links"):
            height -= DATA_LINKS[width]
        if hidden(args, "editors_notes"):
            height -= NOTE[kind][width] * notes
        result[width] = int(round(height))
    return result


def matrix(args: dict, actors: int, topics: int, notes: int = 0) -> dict[int, int]:
    return _finish("matrix", args, {w: a + b * actors + c * actors * topics
                                    for w, (a, b, c) in MATRIX.items()}, notes)


def compare(args: dict, actors: int, topics: int, notes: int = 0) -> dict[int, int]:
    return _finish("compare", args, {w: a + b * actors + c * actors * topics + d * topics
                                     for w, (a, b, c, d) in COMPARE.items()}, notes)


def timeline(args: dict, actors: int, topics: int, changes: int,
             notes: int = 0) -> dict[int, int]:
    before = topics if args.get("from_") else 0
    return _finish("timeline", args, {w: a + b * topics + c * changes + TIMELINE_BEFORE[w] * before
                                      for w, (a, b, c) in TIMELINE.items()}, notes)


def at_width(heights: dict[int, int], width: int) -> int:
    """The height for a frame `width` px wide, interpolated between the measured
    widths as the snippet's script does it."""
    points = sorted(heights.items())
    for i, (w, h) in enumerate(points):
        if width <= w:
            if i == 0:
                return h
            (w0, h0) = points[i - 1]
            return round(h0 + (h - h0) * (width - w0) / (w - w0))
    return points[-1][1]


# Around a chart (title, question, credit, downloads), by width; for the
# spectrum, plus the silent parties listed below it (those with an editors'
# note take two lines on a phone). Measured like the rest.
AROUND = {"spectrum": {360: 238, 640: 197, 1280: 155}, "steps": {360: 220, 640: 200, 1280: 155}}
SILENT = {360: (0, 49, 29), 640: (17, 53, 29), 1280: (40, 45, 25)}  # fixed, noted, plain


def _frame_chart(charts: dict, width: int) -> tuple[int, float]:
    """The chart a frame `width` px wide shows (the widest drawn for no wider a frame,
    embed.css) and the scale it is shown at (it fills the content box, up to 560 px)."""
    from .svg import WIDTHS

    drawn = [w for w in charts if WIDTHS.get(w, 0) <= width] or [min(charts)]
    chosen = max(drawn) if len(charts) > 1 else next(iter(charts))
    content = width - (20 if width <= 600 else 24)  # body padding (embed.css)
    if len(charts) == 1:  # drawn at the width the desk asked for, shown at it or narrower
        return chosen, min(content, chosen) / chosen
    return chosen, min(content, 560) / chosen


# A chart's starting heights at the edges of the frame widths each layout is shown at
# (embed.css): within one, its height grows in step with the width, so the snippet's
# straight line between two of these is the chart's own height.
CHART_WIDTHS = (300, 359, 360, 479, 480, 600, 601, 1280)


def _chart(kind: str, args: dict, charts: dict, noted: int = 0, plain: int = 0) -> dict[int, int]:
    """A chart is laid out for its frame: its height at each width is the height of the
    layout that frame shows, at the scale it is shown."""
    import re

    extra = 24 * sum(1 for key in ("subtitle", "notes") if args.get(key))
    result = {}
    for width in CHART_WIDTHS:
        # (Hidden editors' notes: the caller counts the silent parties as plain.)
        hidden_parts = (at_width(DATA_LINKS, width) if hidden(args, "data_links") else 0) + (
            at_width(DOWNLOADS, width) if hidden(args, "downloads") else 0)
        chosen, scale = _frame_chart(charts, width)
        height = int(re.search(r'viewBox="0 0 \d+ (\d+)"', charts[chosen]).group(1))
        fixed, per_noted, per_plain = (
            at_width({w: v[i] for w, v in SILENT.items()}, width) for i in range(3))
        silent = fixed + per_noted * noted + per_plain * plain if noted + plain else 0
        result[width] = (at_width(AROUND[kind], width) + round(height * scale) + silent + extra
                         - hidden_parts)
    return result


def spectrum(args: dict, charts: dict, noted: int, plain: int) -> dict[int, int]:
    return _chart("spectrum", args, charts, noted, plain)


def steps(args: dict, charts: dict) -> dict[int, int]:
    return _chart("steps", args, charts)
