"""A source's text: paragraphs numbered as the record cites them, a pinned digest, HTML to text."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.domain.source_text import html_to_text, sha256, source_text
from service.source_data import DATA, sources

REPORT = sources()["ap-2025-03-20"]
SHARED = Path(__file__).resolve().parents[3] / "shared" / "sources" / "000_946682fb2bb0df7b.txt"


def test_the_report_has_the_34_paragraphs_the_record_cites():
    assert len(REPORT.paragraphs) == 34
    assert REPORT.paragraph(1).text.startswith("date 2025-03 In this photo")  # the caption
    assert [REPORT.paragraph(n).text for n in (8, 17, 24)] == [
        "‘Shuttle diplomacy’ expected after Saudi Arabia talks",
        "Battlefield losses mount, though official numbers elusive",
        "Russia resistant to NATO peacekeepers"]
    assert REPORT.paragraph(34).text.startswith("Arhirova and Lawless write")
    assert REPORT.paragraph(26).text.startswith("Only Britain and France have said")
    assert REPORT.paragraph(0) is None and REPORT.paragraph(35) is None


def test_paragraph_offsets_point_into_the_text():
    for paragraph in REPORT.paragraphs:
        assert REPORT.text[paragraph.start:paragraph.end] == paragraph.text


def test_the_kept_text_is_the_shared_report_byte_for_byte():
    kept = (DATA / "sources" / "ap-2025-03-20.txt").read_bytes()
    assert REPORT.sha256 == "b1f6580e38385ba61da99c00e7d59cf5e2f7361e898b6e84a6df250ae12dc426"
    if not SHARED.is_file():
        pytest.skip(f"{SHARED} is absent (clone with shared/ beside the repository)")
    assert kept == SHARED.read_bytes()


def test_any_line_ending_and_indentation_keeps_offsets_true():
    text = "  First para.\r\n\r\n\tSecond\u2028Third  \n\n\n"
    src = source_text(text)
    assert [p.text for p in src.paragraphs] == ["First para.", "Second", "Third"]
    for p in src.paragraphs:
        assert src.text[p.start:p.end] == p.text


def test_the_digest_is_of_the_utf8_text():
    assert sha256("¶") == "6f2c1d0de2aaaf3420131e7d45764d304608c77c4c5c77a53dea70ae0cccc146"
    assert source_text("a\n\nb").sha256 != source_text("a\n\nb\n").sha256


PAGE = """<html><head><title>Report</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Allies plan a force for Ukraine</h1>
<p>U.K. Prime Minister Keir Starmer said he didn\u2019t know whether there would be a peace
deal, but \u201cwe are making steps in the right direction.\u201d</p>
<h2>Russia resistant to NATO peacekeepers</h2>
<p>Russia has said it will not accept any troops from NATO countries being based on
Ukrainian soil. Starmer says the plan won\u2019t work without that U.S. \u201cbackstop.\u201d</p>
<p>Only Britain and France have said they are willing to send troops, though countries
including Australia, Canada, France and Finland say they are open to being involved.</p>
</article><footer>Copyright 2025. All rights reserved.</footer></body></html>"""


def test_a_page_becomes_its_paragraphs_without_the_navigation():
    text = html_to_text(PAGE)
    paragraphs = [p.text for p in source_text(text).paragraphs]
    assert paragraphs[0] == "Allies plan a force for Ukraine"
    assert "Russia resistant to NATO peacekeepers" in paragraphs
    # a paragraph broken across lines in the HTML is one paragraph, typographic quotes kept
    assert any(p.startswith("U.K. Prime Minister Keir Starmer said he didn\u2019t know")
               and p.endswith("\u201cwe are making steps in the right direction.\u201d")
               for p in paragraphs)
    assert not any("Home" in p or "Copyright" in p for p in paragraphs)


def test_a_page_without_text_is_refused():
    with pytest.raises(ValueError, match="no main text"):
        html_to_text("<html><head><title>Empty</title></head><body><div> </div></body></html>")
