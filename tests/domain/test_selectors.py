"""TextQuoteSelectors on the report's paragraphs: what verifies, and precisely what fails."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.selectors import (
    Anchor,
    TextQuoteSelector,
    build,
    check,
    find,
    normalise,
    to_w3c,
)
from service.domain.source_text import source_text
from service.source_data import sources

REPORT = sources()["ap-2025-03-20"]
BACKSTOP = "Starmer says the plan won’t work without that U.S. “backstop.”"


def at(paragraph, exact, prefix="", suffix=""):
    return check(REPORT, Anchor("ap-2025-03-20", paragraph, TextQuoteSelector(exact, prefix,
                                                                             suffix)))


def codes(result):
    return [(p.field, p.code) for p in result.problems]


def test_the_report_s_own_words_verify_and_come_back_verbatim():
    result = at(28, BACKSTOP, "breaches of a truce. ")
    assert result.ok
    assert REPORT.text[result.match.start:result.match.end] == BACKSTOP
    assert result.match.selector == TextQuoteSelector(BACKSTOP, "breaches of a truce. ", "")


def test_straight_quotes_and_any_whitespace_verify_and_are_stored_as_the_report_writes_them():
    typed = 'Starmer  says the plan\nwon\'t work without that U.S. "backstop."'
    result = at(28, typed, "breaches of a truce.")  # the space before exact dropped, as YAML does
    assert result.ok
    assert result.match.selector.exact == BACKSTOP
    assert result.match.selector.prefix == "breaches of a truce. "


def test_case_and_dashes_are_not_folded():
    assert codes(at(28, BACKSTOP.lower())) == [("exact", "exact_not_found")]
    assert at(16, "the largest attack of its kind in the area —").ok
    assert codes(at(16, "the largest attack of its kind in the area -")) == [
        ("exact", "exact_not_found")]


def test_words_not_in_the_paragraph_are_refused_with_where_they_stop_matching():
    result = at(26, "Only Britain and Germany have said")
    assert codes(result) == [("exact", "exact_not_found")]
    assert "'Only Britain and' but not what follows it" in result.problems[0].message


def test_words_from_another_paragraph_name_that_paragraph():
    result = at(26, "Russia has said it will not accept")
    assert codes(result) == [("exact", "exact_in_other_paragraph")]
    assert result.problems[0].message == "exact is not in ¶26 but in ¶28"


def test_a_prefix_that_does_not_precede_is_refused_with_what_does():
    result = at(28, BACKSTOP, "Macron says")
    assert codes(result) == [("prefix", "prefix_does_not_precede")]
    assert "the text before it ends" in result.problems[0].message
    assert "breaches of a truce." in result.problems[0].message


def test_a_suffix_that_does_not_follow_is_refused_and_both_are_reported_together():
    result = at(26, "Only Britain and France", "", " and Germany")
    assert codes(result) == [("suffix", "suffix_does_not_follow")]
    assert "the text after it starts 'have said" in result.problems[0].message
    assert codes(at(26, "willing to send troops", "Only", "everywhere")) == [
        ("prefix", "prefix_does_not_precede"), ("suffix", "suffix_does_not_follow")]


def test_a_prefix_at_the_start_of_a_paragraph_must_be_empty():
    result = at(26, "Only Britain", "ground. ")
    assert codes(result) == [("prefix", "prefix_does_not_precede")]
    assert "exact opens ¶26: the prefix must be empty" in result.problems[0].message


def test_words_that_occur_twice_are_ambiguous_until_the_context_tells_them_apart():
    assert codes(at(26, "France")) == [("exact", "ambiguous")]
    assert at(26, "France", "Canada, ", " and Finland").ok
    assert at(26, "France", "", " have said").ok


def test_a_missing_paragraph_and_an_empty_exact_are_refused():
    assert codes(at(35, "Russia")) == [("paragraph", "paragraph_not_found")]
    assert codes(at(0, "Russia")) == [("paragraph", "paragraph_not_found")]
    assert codes(at(28, "  ")) == [("exact", "empty")]


def test_a_built_selector_is_short_in_whole_words_and_unique():
    anchor = find(REPORT, 26, "France", source_id="ap-2025-03-20")
    sel = anchor.selector
    assert sel == TextQuoteSelector("France", "Only Britain and ", " have said they are willing to")
    assert check(REPORT, anchor).ok
    second = REPORT.paragraph(26).text.rindex("France")
    later = build(REPORT, 26, second, second + len("France"))
    assert later.selector.prefix.endswith("Australia, Canada, ")
    assert check(REPORT, later).match.start == REPORT.paragraph(26).start + second


def test_the_w3c_form_refines_the_paragraph_by_the_quote():
    anchor = find(REPORT, 28, BACKSTOP, source_id="ap-2025-03-20")
    paragraph = REPORT.paragraph(28)
    assert to_w3c(REPORT, anchor, "urn:standpoint:source:ap-2025-03-20") == {
        "source": "urn:standpoint:source:ap-2025-03-20",
        "selector": {"type": "TextPositionSelector", "start": paragraph.start,
                     "end": paragraph.end,
                     "refinedBy": {"type": "TextQuoteSelector", "exact": BACKSTOP,
                                   "prefix": "of any breaches of a truce. "}}}


def test_normal_form():
    assert normalise("“It’s”\u00a0 \n ‘here’") == "\"It's\" 'here'"


@st.composite
def spans(draw):
    paragraph = draw(st.sampled_from(REPORT.paragraphs))
    start = draw(st.integers(0, len(paragraph.text) - 1))
    end = draw(st.integers(start + 1, len(paragraph.text)))
    return paragraph, start, end


@settings(max_examples=300, deadline=None)
@given(spans())
def test_any_span_of_the_report_gets_a_selector_that_selects_exactly_it(span):
    paragraph, start, end = span
    if not paragraph.text[start:end].strip():
        return
    anchor = build(REPORT, paragraph.number, start, end)
    result = check(REPORT, anchor)
    assert result.ok, result.problems
    trimmed = paragraph.text[start:end].strip()
    assert REPORT.text[result.match.start:result.match.end] == trimmed
    lead = len(paragraph.text[start:end]) - len(paragraph.text[start:end].lstrip())
    assert result.match.start == paragraph.start + start + lead


def test_a_selector_is_built_on_any_text_even_a_repetitive_one():
    src = source_text("no no no no no no no no no no no no no no no no no no no no no")
    for at_ in range(0, len(src.paragraph(1).text), 3):
        anchor = build(src, 1, at_, at_ + 2)
        assert check(src, anchor).match.start == at_
