"""Download presets: the same chart made for where it is published (`preset=`).

- `web` (default): the standalone chart laid out at `width` (default 560 CSS px),
  the PNG at twice that in pixels.
- `social`: a 1200 x 630 card (the size Facebook, LinkedIn and X show a link's
  image at): the title, its dateline and the desk's subtitle across the top, the
  chart (without the step chart's list of steps) at the layout that fills the rest
  best, the desk's notes and the credit along the bottom. The PNG is 1200 x 630.
- `print`: laid out for a newspaper column, 85 mm at 300 dpi (1004 px): the chart
  is laid out at `width` (default 340 CSS px, so its 12 px text prints at 3 mm,
  about 8.5 pt), the SVG is sized in millimetres and the PNG is 1004 px wide and
  says 300 dpi (its pHYs chunk), so a layout program places it at 85 mm.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup

from . import svg

PRESETS = ("web", "social", "print")
WEB_WIDTH = svg.DEFAULT_WIDTH
WEB_ZOOM = 2
SOCIAL = (1200, 630)
PRINT_MM = 85
PRINT_DPI = 300
PRINT_PX = round(PRINT_MM / 25.4 * PRINT_DPI)  # 1004
PRINT_LAYOUT = 340


@dataclass(frozen=True)
class Drawing:
    """A chart as a download draws it: `draw(width, standalone, listed)` lays it out at
    `width` CSS px, with its own title, words and credit when `standalone`; `stem` is
    its file name without the preset and extension."""
    title: str
    frame: svg.Frame
    stem: str
    draw: Callable[[int, bool, bool], Markup]


@dataclass(frozen=True)
class Output:
    svg: str            # the SVG file as served
    raster: str         # the SVG the PNG is drawn from (px sizes: resvg reads no mm)
    png_width: int      # the PNG's width in pixels
    dpi: int | None = None


def file_name(drawing: Drawing, preset: str, extension: str) -> str:
    """`standpoint-spectrum-peacekeepers-2025-03-20.png`; other presets say theirs
    (`...-2025-03-20-social.png`), so a desk's folder keeps them apart."""
    suffix = "" if preset == "web" else f"-{preset}"
    return f"standpoint-{drawing.stem}{suffix}.{extension}"


def _size(document: str) -> tuple[int, int]:
    width, height = re.search(r'viewBox="0 0 (\d+) (\d+)"', document).groups()
    return int(width), int(height)


def web(drawing: Drawing, width: int | None) -> Output:
    width = width or WEB_WIDTH
    document = str(drawing.draw(width, True, True))
    return Output(document, document, width * WEB_ZOOM)


def for_print(drawing: Drawing, width: int | None) -> Output:
    width = width or PRINT_LAYOUT
    document = str(drawing.draw(width, True, True))
    _w, height = _size(document)
    millimetres = (f'width="{PRINT_MM}mm" height="{height * PRINT_MM / width:.1f}mm"')
    sized = document.replace(f'width="{width}" height="{height}"', millimetres, 1)
    return Output(sized, document, PRINT_PX, PRINT_DPI)


# The social card, in its own pixels: margins, type sizes and line steps.
PAD = 48
TITLE = (36, 44)      # size, line step
LINE = (22, 30)
FOOT = (18, 24)
GUTTER = 32
SIDE_TEXT = 420       # the text column's width when the words sit beside the chart
CARD_LAYOUTS = (460, 560, 700, 880)  # the chart layouts tried for the room left


def _clip(text: str, size: int, room: float, bold: bool = False, lines: int = 1) -> list[str]:
    wrapped = svg._wrap(text, svg._chars(room, size, bold))
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1].rstrip(" ,;:.") + "…"
    return wrapped


def _words(drawing: Drawing, question: str, room: float, title_lines: int,
           question_lines: int, foot_lines: int) -> tuple[list, list]:
    """The card's words as (text, size, weight, css, step) lines: the head (title,
    dateline, subtitle, question) and the foot (the desk's notes, the credit)."""
    head = [(line, *TITLE, 700, "ink") for line in
            _clip(drawing.title, TITLE[0], room, True, title_lines)]
    head[-1] = (*head[-1][:2], head[-1][2] + 8, *head[-1][3:])  # a little air under the title
    frame = drawing.frame
    for text, css, weight in ((frame.dateline, "muted-ink", 600), (frame.subtitle, "ink", 400),
                              (question, "muted-ink", 400)):
        if text:
            head += [(line, *LINE, weight, css) for line in
                     _clip(text, LINE[0], room, weight > 400, question_lines)]
    foot = [(line, *FOOT, 400, "ink") for line in
            _clip(frame.notes, FOOT[0], room, lines=foot_lines)] if frame.notes else []
    foot += [(line, *FOOT, 400, "muted-ink") for line in
             _clip(frame.credit, FOOT[0], room, lines=foot_lines)]
    return head, foot


def _set(lines: list, x: float, y: float) -> tuple[str, float]:
    """Lines set from `y` down (their top), each at its own size and step."""
    out = ""
    for text, size, step, weight, css in lines:
        out += svg._text(x, y + size * 0.8, text, size, weight, css)
        y += step
    return out, y


def _fit(drawing: Drawing, room: tuple[float, float]) -> tuple[float, str, int, int]:
    """The chart layout drawn biggest in `room`, and its scale."""
    best = None
    for layout in CARD_LAYOUTS:
        chart = str(drawing.draw(layout, False, False))
        w, h = _size(chart)
        scale = min(room[0] / w, room[1] / h)
        if best is None or scale > best[0]:
            best = (scale, chart, w, h)
    return best


def social(drawing: Drawing, question: str = "") -> Output:
    """The card either way the chart comes out bigger: the words above it, or beside it
    (a tall chart: the step chart of several parties)."""
    width, height = SOCIAL
    full = width - 2 * PAD
    # Stacked: the head across the top, the chart, the foot along the bottom.
    head, foot = _words(drawing, question, full, 3, 2, 1)
    top_text, top = _set(head, PAD, PAD)
    foot_height = sum(line[2] for line in foot)
    stacked = _fit(drawing, (full, height - PAD - foot_height - 12 - (top + 16)))
    # Beside: the words in a column on the left, the chart on the right.
    side_head, side_foot = _words(drawing, question, SIDE_TEXT, 6, 3, 3)
    chart_x = PAD + SIDE_TEXT + GUTTER
    beside = _fit(drawing, (width - PAD - chart_x, height - 2 * PAD))
    colour = svg._colour
    body = f'<rect class="paper" width="100%" height="100%" fill="{colour("bg")}"/>'
    if stacked[0] >= beside[0]:
        scale, chart, w, h = stacked
        at = (PAD, top + 16)
        body += top_text + _set(foot, PAD, height - PAD - foot_height)[0]
    else:
        scale, chart, w, h = beside
        at = (chart_x, (height - h * scale) / 2)
        side_foot_height = sum(line[2] for line in side_foot)
        body += (_set(side_head, PAD, PAD)[0]
                 + _set(side_foot, PAD, height - PAD - side_foot_height)[0])
    placed = f'x="{at[0]:.1f}" y="{at[1]:.1f}" width="{w * scale:.1f}" height="{h * scale:.1f}"'
    body += chart.replace(f'width="{w}" height="{h}"', placed, 1)
    document = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
                f'width="{width}" height="{height}" font-family="{Markup.escape(svg.FONT)}" '
                f'role="img" aria-label="{svg._x(drawing.title)}">{body}</svg>')
    return Output(document, document, width)


def phys(png: bytes, dpi: int) -> bytes:
    """The PNG with a pHYs chunk saying `dpi` (in pixels per metre, as PNG counts),
    right after its header chunk, where the format wants it."""
    per_metre = round(dpi / 0.0254)
    data = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + data + struct.pack(">I", zlib.crc32(data))
    header_end = 8 + 8 + 13 + 4  # signature, IHDR length and type, its data, its CRC
    return png[:header_end] + chunk + png[header_end:]
