"""The bundled dataset keeps its promises: sourced, on-scale, and every statement accounted for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.domain.model import OFF_SCALE
from service.store.dataset_io import load_bundled, parse_dataset

ROOT = Path(__file__).resolve().parents[2]
SOURCE = next((ROOT.parent / "shared" / "sources").glob("*.txt"), None)

actors, topics, statements, notes, *_ = parse_dataset(load_bundled())


def test_the_six_actors_and_three_topics_are_there():
    assert {"uk", "france", "russia", "us", "ukraine", "germany"} <= {a.id for a in actors}
    assert {t.id for t in topics} == {"peacekeepers", "backstop", "ceasefire_scope"}


def test_docs_data_accounts_for_every_bundled_statement():
    notes = (ROOT / "docs" / "DATA.md").read_text("utf-8")
    missing = [s.id for s in statements if f"`{s.id}`" not in notes]
    assert not missing, f"docs/DATA.md does not account for: {missing}"


@pytest.mark.parametrize("statement", statements, ids=lambda s: s.id)
def test_every_statement_is_sourced_and_dated_honestly(statement):
    assert statement.quote.strip() and statement.summary.strip()
    assert statement.source.publisher and statement.source.published_on
    assert statement.source.location, "say where in the source"
    assert statement.stated_on <= statement.source.published_on
    if statement.quote_kind == "verbatim":
        assert statement.speaker is not None, "a verbatim quote has a speaker"
    assert statement.stance not in ("no_position",), "silence is never recorded as a statement"


@pytest.mark.skipif(SOURCE is None, reason="the source report is not beside the repo (../shared/sources)")
@pytest.mark.parametrize("statement", statements, ids=lambda s: s.id)
def test_quotes_and_paraphrases_appear_in_the_source(statement):
    def normal(text: str) -> str:
        text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
        return re.sub(r"\s+", " ", text).strip().rstrip(".").lower()

    source = normal(SOURCE.read_text("utf-8"))
    quote = normal(statement.quote).strip('"')
    if statement.quote_kind == "verbatim":
        assert quote in source
    else:
        # A paraphrase is a close one: it is taken from the report's own sentence.
        assert quote.replace('"', "") in source.replace('"', ""), statement.quote


def test_off_scale_values_are_reserved():
    for topic in topics:
        assert not set(topic.stance_values) & set(OFF_SCALE)
