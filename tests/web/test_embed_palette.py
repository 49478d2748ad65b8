"""The stance colours: colour-blind-safe hues, and every text colour readable
on its background at WCAG AA (4.5:1), read from the CSS that ships."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.domain.model import StanceValue, Topic
from service.web.palette import STANCE_CLASSES, contrast_ratio, stance_class

CSS = (Path(__file__).resolve().parents[2] / "service" / "web" / "static" / "embed.css").read_text("utf-8")


def _block(selector: str) -> dict[str, str]:
    body = CSS[CSS.index(selector + " {"):]
    body = body[:body.index("}")]
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", body))


COLOURS = _block(":root")
# The dark theme restates the page colours and the off-scale badges; the stance hues keep theirs.
DARK = {**COLOURS, **_block(':root[data-theme="dark"]')}
AA = 4.5


def test_known_contrast_ratios():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("name", STANCE_CLASSES)
def test_each_stance_badge_meets_wcag_aa(name):
    foreground, background = COLOURS[f"stance-{name}-fg"], COLOURS[f"stance-{name}-bg"]
    assert contrast_ratio(foreground, background) >= AA, (name, foreground, background)


@pytest.mark.parametrize("name", ["text", "muted", "link", "stance-none-fg"])
def test_page_text_meets_wcag_aa_on_the_page_background(name):
    assert contrast_ratio(COLOURS[name], COLOURS["bg"]) >= AA


def test_every_stance_class_has_a_css_rule():
    for name in STANCE_CLASSES:
        assert f".stance-{name} {{" in CSS
        assert f".stance-border-{name} {{" in CSS


def test_no_fonts_or_images_are_fetched_from_elsewhere():
    assert "@import" not in CSS and "url(" not in CSS and "@font-face" not in CSS


def _topic(*levels_sides):
    return Topic("t", "?", tuple(StanceValue(f"v{level}", level, side, f"V{level}", "")
                                 for level, side in levels_sides))


def test_the_extremes_of_each_side_are_strong_and_the_rest_mild():
    topic = _topic((-2, -1), (-1, -1), (0, 0), (1, 1), (2, 1))
    assert [stance_class(topic, v) for v in topic.stance_values] == [
        "against-strong", "against", "neutral", "for", "for-strong"]
    assert stance_class(topic, "no_position") == "none"
    assert stance_class(topic, "unclear") == "unclear"


def test_a_lopsided_scale_like_ceasefire_scope():
    topic = _topic((-1, -1), (1, 1), (2, 1), (3, 1))
    assert [stance_class(topic, v) for v in topic.stance_values] == [
        "against-strong", "for", "for", "for-strong"]


@pytest.mark.parametrize("name", ["text", "muted", "link", "stance-none-fg"])
def test_dark_page_text_meets_wcag_aa_on_the_dark_background(name):
    assert contrast_ratio(DARK[name], DARK["bg"]) >= AA


@pytest.mark.parametrize("name", STANCE_CLASSES)
def test_each_stance_badge_meets_wcag_aa_in_the_dark_theme(name):
    assert contrast_ratio(DARK[f"stance-{name}-fg"], DARK[f"stance-{name}-bg"]) >= AA


def test_auto_theme_repeats_the_dark_colours():
    auto = CSS[CSS.index('@media (prefers-color-scheme: dark)'):]
    auto = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", auto[:auto.index("}")]))
    assert auto == _block(':root[data-theme="dark"]')
