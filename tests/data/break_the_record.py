"""Break the bundled record on purpose, one way at a time, and see the second reader fail.

    .venv/bin/python -m tests.data.break_the_record

Each break is a mistake an editor could make (most of them ones the record once had): it is
applied to a copy of service/data/dataset.yaml, and tests/data/test_record_truth.py reads
that copy (STANDPOINT_RECORD_UNDER_TEST). A break the reader lets through is a hole in it;
the command exits 1 and names it. The unbroken copy runs first, as the control: it must pass,
so a failure below is the break's doing and not the copy's. Needs shared/ beside the
repository (the report), like the reader itself.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DATASET = REPO / "service" / "data" / "dataset.yaml"
READER = "tests/data/test_record_truth.py"


def statement(record: dict, statement_id: str) -> dict:
    return next(s for s in record["statements"] if s["id"] == statement_id)


def stance(record: dict, topic_id: str, value: str) -> dict:
    topic = next(t for t in record["topics"] if t["id"] == topic_id)
    return next(level for level in topic["scale"] if level["value"] == value)


def _putin_speaks_for_paragraph_5(record):
    statement(record, "russia-ceasefire-scope-2025-03-19")["speaker"] = {
        "name": "Vladimir Putin", "role": "President of Russia"}


def _zelensky_speaks_for_paragraph_5(record):
    statement(record, "ukraine-ceasefire-scope-2025-03-19")["speaker"] = {
        "name": "Volodymyr Zelensky", "role": "President of Ukraine"}


def _bounded_date_told_as_a_day(record):
    statement(record, "us-ceasefire-scope-2025-03-19")["date_precision"] = "day"


def _the_wrong_day(record):
    statement(record, "ukraine-ceasefire-scope-2025-03-20")["stated_on"] = dt.date(2025, 3, 19)


def _stated_after_publication(record):
    statement(record, "uk-peacekeepers-2025-03-20")["stated_on"] = dt.date(2025, 3, 21)


def _no_precision(record):
    del statement(record, "france-peacekeepers-2025-03-20")["date_precision"]


def _open_breadth_ranked(record):
    level = stance(record, "ceasefire_scope", "limited_targets_unsettled")
    level["level"] = 0
    level["side"] = 0


def _unranked_without_settled_word(record):
    del stance(record, "ceasefire_scope", "limited_targets_unsettled")["settled_word"]


def _unranked_summary_counts_steps(record):
    item = statement(record, "ukraine-ceasefire-scope-2025-03-19")
    item["summary"] += " Ukraine is 2 steps narrower than the United States."


def _a_word_of_the_quote_changed(record):
    item = statement(record, "uk-backstop-2025-03-20")
    item["quote"] = re.sub(r"\b(\w{5,})\b", "decisive", item["quote"], count=1)
    item["anchor"]["exact"] = item["quote"]


def _anchor_in_the_next_paragraph(record):
    statement(record, "russia-peacekeepers-2025-03-20")["anchor"]["paragraph"] += 1


def _a_condition_from_elsewhere(record):
    statement(record, "uk-backstop-2025-03-20")["conditions"].append(
        "monitored by United Nations blue helmets")


def _summary_quotes_words_not_in_the_report(record):
    statement(record, "france-peacekeepers-2025-03-20")["summary"] += (
        ' France said troops would stay "as long as it takes".')


def _stance_off_its_scale(record):
    statement(record, "russia-peacekeepers-2025-03-20")["stance"] = "energy_only"


def _note_without_reader_text(record):
    record["notes"][0]["reader_text"] = ""


def _note_quotes_words_not_in_the_report(record):
    record["notes"][0]["text"] += ' The report calls it "a coalition of the unwilling".'


def _publication_day_without_provenance(record):
    for source in record["sources"].values():
        source["published_on_basis"] = "The dateline."


def _two_statements_on_one_day(record):
    copy = dict(statement(record, "us-ceasefire-scope-2025-03-19"), id="us-ceasefire-scope-copy")
    record["statements"].append(copy)


# Every function above whose name starts with one underscore is a break, named by its name.
BREAKS: dict[str, Callable[[dict], None]] = {
    name.strip("_").replace("_", " "): function for name, function in list(globals().items())
    if name.startswith("_") and not name.startswith("__") and callable(function)
}


def failures(record: dict, workdir: Path) -> tuple[int, list[str]]:
    """How many of the reader's tests fail on `record`, and the first lines of their reasons."""
    path = workdir / "dataset.yaml"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         "-o", "addopts=", READER],
        check=False, cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "STANDPOINT_RECORD_UNDER_TEST": str(path)})
    failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
    if "skipped" in run.stdout and not failed and " passed" not in run.stdout:
        sys.exit("the reader skipped everything: is shared/sources beside the repository?")
    return len(failed), failed


def main() -> int:
    pristine = yaml.safe_load(DATASET.read_text("utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        control, reasons = failures(pristine, workdir)
        if control:
            print("the unbroken copy fails the reader; fix that first:", *reasons, sep="\n  ")
            return 2
        holes = []
        print(f"{'break':<45} tests failing")
        for name, breaks in BREAKS.items():
            record = yaml.safe_load(DATASET.read_text("utf-8"))
            breaks(record)
            count, reasons = failures(record, workdir)
            print(f"{name:<45} {count}")
            if not count:
                holes.append(name)
        print(f"\n{len(BREAKS) - len(holes)} of {len(BREAKS)} breaks caught")
        if holes:
            print("let through:", ", ".join(holes))
    return 1 if holes else 0


if __name__ == "__main__":
    sys.exit(main())
