"""docs/SENTENCES.md holds every sentence Standpoint writes about the bundled record, so a
person reviews each change of wording or data: it must be what the code writes now."""

from __future__ import annotations

import difflib

from service import create_app, sentences


def test_sentences_md_is_what_the_api_and_the_embeds_write_now():
    committed = sentences.OUTPUT.read_text("utf-8") if sentences.OUTPUT.is_file() else ""
    fresh = sentences.generate(create_app)
    changed = list(difflib.unified_diff(committed.splitlines(), fresh.splitlines(),
                                        "docs/SENTENCES.md (committed)", "written now",
                                        lineterm="", n=0))
    assert not changed, (
        f"The sentences Standpoint writes have changed: run `{sentences.COMMAND}`, read the "
        "diff of docs/SENTENCES.md and commit it.\n" + "\n".join(changed[:40]))


def test_no_sentence_ranks_an_unranked_stance():
    # "Limited, targets not settled" leaves the breadth open: no sentence may count steps
    # from it or call a move from it broader or narrower (issue 21).
    text = sentences.OUTPUT.read_text("utf-8")
    for line in text.splitlines():
        if "Limited, targets not settled" in line and line.startswith("- "):
            assert "step" not in line and "broader" not in line and "narrower" not in line, line
