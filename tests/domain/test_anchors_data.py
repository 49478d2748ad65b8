"""Every bundled statement is anchored in its source by a selector that verifies, in a
paragraph the statement already cites, on the words its quote carries."""

from __future__ import annotations

import re

import pytest
import yaml

from service.domain.selectors import check, normalise
from service.source_data import DATA, anchors, sources

RECORD = yaml.safe_load((DATA / "dataset.yaml").read_text("utf-8"))
STATEMENTS = {s["id"]: s for s in RECORD["statements"]}
ANCHORS = anchors()


def cited_paragraphs(location: str) -> set[int]:
    numbers = set()
    for first, last in re.findall(r"¶(\d+)(?:-(\d+))?", location):
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers


def test_every_statement_has_an_anchor_and_every_anchor_a_statement():
    assert set(ANCHORS) == set(STATEMENTS)
    assert len(ANCHORS) == 11


def test_every_anchored_source_is_a_source_of_the_record_with_its_text_pinned():
    assert {s["source"]["id"] for s in STATEMENTS.values()} <= set(RECORD["sources"])
    for source_id, entry in RECORD["sources"].items():
        assert sources()[source_id].sha256 == entry["sha256"]
    assert len(sources()["ap-2025-03-20"].paragraphs) == 34


@pytest.mark.parametrize("statement_id", sorted(STATEMENTS))
def test_the_anchor_verifies_in_a_cited_paragraph_and_holds_the_quote(statement_id):
    statement, anchor = STATEMENTS[statement_id], ANCHORS[statement_id]
    assert anchor.source == statement["source"]["id"] == "ap-2025-03-20"
    assert statement["anchor"]["exact"] == anchor.selector.exact
    assert anchor.paragraph in cited_paragraphs(statement["source"]["location"]), (
        f"{statement_id}: anchored in ¶{anchor.paragraph}, cites "
        f"{statement['source']['location']}")
    result = check(sources()[anchor.source], anchor)
    assert result.ok, [p.message for p in result.problems]
    # Stored as the report writes it, so nothing typed differently hides in the data.
    assert result.match.selector == anchor.selector
    # A verbatim quote lies inside exact; this record's paraphrases copy the report's words
    # (docs/DATA.md rule 3), so they do too.
    assert normalise(statement["quote"]).strip() in normalise(anchor.selector.exact)


def test_statements_on_the_same_words_share_one_anchor():
    by_quote = {}
    for statement_id, statement in STATEMENTS.items():
        by_quote.setdefault(normalise(statement["quote"]).strip(), set()).add(
            ANCHORS[statement_id])
    assert all(len(found) == 1 for found in by_quote.values())
