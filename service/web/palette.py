"""Which colour class each stance gets, and WCAG contrast arithmetic.

The colours themselves live in static/embed.css as custom properties (one
source of truth); tests read them from there and check their contrast.

The palette diverges around a neutral grey: vermillion/orange for the "against"
side of a scale, blues for the "for" side (Okabe and Ito's colour-blind-safe
hues, lightened for the milder steps), so it stays readable with any common
colour-vision deficiency. Colour only repeats what the text already says.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..domain.model import NO_POSITION, Topic

STANCE_CLASSES = ("against-strong", "against", "neutral", "for", "for-strong",
                  "unclear", "none")


def stance_class(topic: Topic, stance: str) -> str:
    """The colour class of `stance` on `topic`'s scale.

    The extreme of each side is "strong"; anything between it and the middle
    is the milder shade of that side.
    """
    if stance == NO_POSITION:
        return "none"
    value = topic.stance(stance)
    if value is None:
        return "unclear"
    if value.side == 0:
        return "neutral"
    name = "against" if value.side < 0 else "for"
    if not value.ranked:  # unranked: never the extreme of its side
        return name
    same_side = [s.level for s in topic.ranked_scale if s.side == value.side]
    extreme = min(same_side) if value.side < 0 else max(same_side)
    return f"{name}-strong" if value.level == extreme else name


# --- WCAG 2.x contrast -------------------------------------------------------

_HEX = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    match = _HEX.match(colour.strip())
    if not match:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    r, g, b = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, from 1 (none) to 21 (black on white)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


# --- the same colours for SVG charts, read from the stylesheet ---------------

_CSS = Path(__file__).parent / "static" / "embed.css"


def _block(text: str, selector: str) -> dict[str, str]:
    block = text[text.index(selector + " {"):]
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", block[:block.index("}")]))


@lru_cache(maxsize=2)
def css_colours(theme: str = "light") -> dict[str, str]:
    """A theme's custom properties (`--name: #rrggbb;`) of static/embed.css, so a
    standalone SVG or PNG carries exactly the pages' colours: the light theme's, with
    the dark theme's overrides for `dark` (a file has no reader setting: `auto` is light)."""
    text = _CSS.read_text("utf-8")
    colours = _block(text, ":root")
    if theme == "dark":
        colours.update(_block(text, ':root[data-theme="dark"]'))
    return colours
