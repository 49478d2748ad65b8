"""The strict dataset loader: a fault anywhere in a dataset file is refused with the
file, the line and the key path, and `flask data import` then writes nothing.

The faults are made in the bundled file's own text, the way an editor would make
them: a stray key, a key left out, a level typed as a word, a definition written in
a flow mapping and cut at its comma (as four definitions of the previous record
were), a reference to an actor that is not there, an id used twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from service import create_app
from service.store import tables
from service.store.dataset_io import DatasetError, read_dataset

REPO = Path(__file__).resolve().parents[2]
BUNDLED = (REPO / "service" / "data" / "dataset.yaml").read_text("utf-8")
RECORD = yaml.safe_load(BUNDLED)
NAME = "dataset.yaml"


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """The 1-based number of the first line containing `needle` (after the
    first line containing `after`, when given)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and needle in line) + 1


def index(kind: str, item_id: str) -> int:
    return [item["id"] for item in RECORD[kind]].index(item_id)


def replaced(old: str, new: str, text: str = BUNDLED) -> str:
    assert text.count(old) == 1, f"not exactly one {old!r} in the file"
    return text.replace(old, new)


def problems(text: str, name: str = NAME) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        read_dataset(text, name)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def test_the_bundled_file_reads_cleanly_and_whole():
    parsed = read_dataset(BUNDLED, NAME)
    assert (len(parsed.actors), len(parsed.topics), len(parsed.statements), len(parsed.notes)) == (
        len(RECORD["actors"]), len(RECORD["topics"]), len(RECORD["statements"]),
        len(RECORD["notes"])) == (9, 3, 11, 12)


def test_an_unknown_key_names_its_line_and_path():
    text = replaced("    stance: rejects_some\n", "    stance: rejects_some\n    mood: hostile\n")
    i = index("statements", "russia-peacekeepers-2025-03-20")
    assert problems(text) == [
        f"{NAME}:{line_of(text, 'mood: hostile')}: statements[{i}].mood: Unknown field."]


def test_an_unknown_key_inside_a_cited_source_names_its_line():
    text = replaced('location: "¶6-7"}\n', 'location: "¶6-7",\n              page: 3}\n')
    i = index("statements", "ukraine-ceasefire-scope-2025-03-20")
    assert problems(text) == [
        f"{NAME}:{line_of(text, 'page: 3')}: statements[{i}].source.page: Unknown field."]


def test_a_missing_key_names_the_entry_it_is_missing_from():
    text = replaced("    quote_kind: paraphrase  # only the word \"backstop\" is inside quotation "
                    "marks\n", "")
    i = index("statements", "uk-backstop-2025-03-20")
    line = line_of(text, "- id: uk-backstop-2025-03-20")
    assert problems(text) == [
        f"{NAME}:{line}: statements[{i}].quote_kind: Missing data for required field."]


def test_a_missing_note_text_is_refused_too():
    note = "  - id: germany-peacekeepers-considered\n    actor: germany\n    topic: peacekeepers\n"
    start = BUNDLED.index(note)
    end = BUNDLED.index("    source:", start)
    text = BUNDLED[:start] + note + BUNDLED[end:]
    i = index("notes", "germany-peacekeepers-considered")
    line = line_of(text, "- id: germany-peacekeepers-considered")
    assert problems(text) == [f"{NAME}:{line}: notes[{i}].text: Missing data for required field."]


def test_a_mistyped_level_names_the_value_on_its_scale():
    # `open` on the peacekeepers scale, level 1, typed as a word.
    text = replaced("      - value: open\n        level: 1\n",
                    "      - value: open\n        level: \"one\"\n")
    line = line_of(text, 'level: "one"')
    assert problems(text) == [f"{NAME}:{line}: topics[0].scale[3].level: Not a valid integer."]


def test_a_side_off_minus_one_zero_one_is_refused():
    text = replaced("      - value: wants_force\n        level: 2\n        side: 1\n",
                    "      - value: wants_force\n        level: 2\n        side: 2\n")
    (problem,) = problems(text)
    assert problem.startswith(f"{NAME}:{line_of(text, 'side: 2')}: topics[0].scale[4].side: ")


def test_a_definition_cut_at_a_comma_by_a_flow_mapping_is_a_stray_key():
    # How the previous record lost "not limited to kinds of targets.".
    block = """      - value: full
        level: 3
        side: 1
        label: Full ceasefire
        definition: >-
          A full ceasefire (for example for 30 days), not limited to kinds of targets.
"""
    flow = ("      - {value: full, level: 3, side: 1, label: Full ceasefire, definition: A full "
            "ceasefire (for example for 30 days), not limited to kinds of targets.}\n")
    text = replaced(block, flow)
    t = index("topics", "ceasefire_scope")
    line = line_of(text, "- {value: full")
    assert problems(text) == [
        f"{NAME}:{line}: topics[{t}].scale[4].not limited to kinds of targets.: Unknown field."]


def test_an_unknown_actor_reference_names_the_line_of_the_reference():
    old = "  - id: canada-peacekeepers-2025-03-20\n    actor: canada\n"
    text = replaced(old, "  - id: canada-peacekeepers-2025-03-20\n    actor: narnia\n")
    i = index("statements", "canada-peacekeepers-2025-03-20")
    line = line_of(text, "actor: narnia")
    assert problems(text) == [f"{NAME}:{line}: statements[{i}].actor: unknown actor 'narnia'"]


def test_an_unknown_topic_on_a_note_names_its_line():
    old = "  - id: ukraine-backstop-considered\n    actor: ukraine\n    topic: backstop\n"
    text = replaced(old, "  - id: ukraine-backstop-considered\n    actor: ukraine\n"
                         "    topic: sanctions\n")
    i = index("notes", "ukraine-backstop-considered")
    assert problems(text) == [
        f"{NAME}:{line_of(text, 'topic: sanctions')}: notes[{i}].topic: unknown topic 'sanctions'"]


def test_a_readers_text_with_an_editors_paragraph_reference_is_refused():
    old = "      The report quotes no Ukrainian view on a US guarantee.\n"
    text = replaced(old, "      The report (¶29) quotes no Ukrainian view on a US guarantee.\n")
    i = index("notes", "ukraine-backstop-considered")
    line = line_of(text, "reader_text", after="id: ukraine-backstop-considered")
    message = "A reader's text has no ¶ references; keep them in `text`."
    assert problems(text) == [f"{NAME}:{line}: notes[{i}].reader_text: {message}"]


def test_a_duplicate_id_names_the_second_entry():
    old = "  - id: canada-peacekeepers-2025-03-20\n"
    text = replaced(old, "  - id: australia-peacekeepers-2025-03-20\n")
    i = index("statements", "canada-peacekeepers-2025-03-20")
    line = line_of(text, "- id: australia-peacekeepers-2025-03-20",
                   after="actor: australia")  # the second one
    assert problems(text) == [
        f"{NAME}:{line}: statements[{i}].id: duplicate id 'australia-peacekeepers-2025-03-20'"]


def test_a_stance_off_its_topics_scale_is_refused():
    # The previous record's value, gone from the new scale.
    text = replaced("    stance: rejects_some\n", "    stance: rejects\n")
    i = index("statements", "russia-peacekeepers-2025-03-20")
    (problem,) = problems(text)
    assert problem.startswith(f"{NAME}:{line_of(text, 'stance: rejects')}: "
                              f"statements[{i}].stance: 'rejects' is not on the scale")


def test_every_problem_is_reported_one_per_line():
    text = replaced("    stance: rejects_some\n", "    stance: rejects_some\n    mood: hostile\n")
    text = replaced("      - value: open\n        level: 1\n",
                    "      - value: open\n        level: one\n", text)
    found = problems(text)
    assert len(found) == 2
    i = index("statements", "russia-peacekeepers-2025-03-20")
    assert any(p.endswith(f"statements[{i}].mood: Unknown field.") for p in found)
    assert any(p.endswith("topics[0].scale[3].level: Not a valid integer.") for p in found)


def test_text_that_is_not_yaml_names_the_line():
    text = replaced("    aliases: [au]\n", "    aliases: [au\n")
    (problem,) = problems(text)
    assert problem.startswith(f"{NAME}:") and "not valid YAML or JSON" in problem


def test_a_json_export_is_read_as_strictly_with_its_own_lines():
    document = json.loads(json.dumps(RECORD, default=str))
    document["statements"][2]["speaker"] = {"name": "Emmanuel Macron", "role": None,
                                          "title": "President"}
    text = json.dumps(document, indent=2, ensure_ascii=False)
    (problem,) = problems(text, "export.json")
    line = line_of(text, '"title": "President"')
    assert problem == f"export.json:{line}: statements[2].speaker.title: Unknown field."


# -- the command line -----------------------------------------------------------------------

@pytest.fixture
def cli_app(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"})
    yield app
    app.extensions["standpoint.engine"].dispose()


def changes_logged(app) -> int:
    with app.extensions["standpoint.engine"].connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(tables.changes)).scalar_one()


def summaries(app) -> dict:
    with app.extensions["standpoint.engine"].connect() as conn:
        rows = conn.execute(sa.select(tables.current_statements.c.statement_id,
                                      tables.current_statements.c.summary))
        return dict(rows.all())


RUSSIA_PEACEKEEPERS = index("statements", "russia-peacekeepers-2025-03-20")
FINLAND_PEACEKEEPERS = index("statements", "finland-peacekeepers-2025-03-20")
UNDECIDED_BLOCK = ("      - value: undecided\n        level: 0\n        side: 0\n"
                   "        label: Undecided\n        definition: >-\n"
                   "          Publicly weighing a force; commits neither way.\n")
UNDECIDED_FLOW = ("      - {value: undecided, level: 0, side: 0, label: Undecided, "
                  "definition: Publicly weighing a force, commits neither way.}\n")

# fault: (the faulty text, a text on the faulty line, the key path and message)
BAD_FILES = {
    "unknown key": (
        lambda: replaced("    stance: rejects_some\n",
                         "    stance: rejects_some\n    mood: hostile\n"),
        "mood: hostile",
        f"statements[{RUSSIA_PEACEKEEPERS}].mood: Unknown field."),
    "cut definition": (
        lambda: replaced(UNDECIDED_BLOCK, UNDECIDED_FLOW),
        "- {value: undecided",
        "topics[0].scale[2].commits neither way.: Unknown field."),
    "unknown actor": (
        lambda: replaced("    actor: finland\n    topic: peacekeepers\n    stance",
                         "    actor: narnia\n    topic: peacekeepers\n    stance"),
        "actor: narnia",
        f"statements[{FINLAND_PEACEKEEPERS}].actor: unknown actor 'narnia'"),
}


@pytest.mark.parametrize("fault", BAD_FILES, ids=list(BAD_FILES))
def test_data_import_refuses_a_faulty_file_and_writes_nothing(cli_app, tmp_path, fault):
    make, needle, path_and_message = BAD_FILES[fault]
    text = make()
    # The same file also corrects a summary: a partial import would write it.
    text = replaced("      Britain is one of only two countries", "      Britain, one of only two "
                    "countries,", text)
    path = tmp_path / "faulty.yaml"
    path.write_text(text, "utf-8")
    before, stored = changes_logged(cli_app), summaries(cli_app)
    result = cli_app.test_cli_runner().invoke(args=["data", "import", str(path)])
    assert result.exit_code == 1
    assert "import refused, nothing written" in result.output
    assert f"{path}:{line_of(text, needle)}: {path_and_message}" in result.output
    assert changes_logged(cli_app) == before and summaries(cli_app) == stored


def test_data_import_of_a_clean_file_still_works(cli_app, tmp_path):
    text = replaced("      Britain is one of only two countries", "      Britain, one of only two "
                    "countries,")
    path = tmp_path / "fixed.yaml"
    path.write_text(text, "utf-8")
    result = cli_app.test_cli_runner().invoke(args=["data", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"actors": 0, "topics": 0, "sources": 0, "readings": 0, "statements": 1, "notes": 0}
    assert summaries(cli_app)["uk-peacekeepers-2025-03-20"].startswith("Britain, one of only two")


def test_the_flask_command_prints_the_problem_on_stderr_and_exits_1(tmp_path):
    database = f"sqlite:///{tmp_path / 'real.db'}"
    env = {**os.environ, "DATABASE_URL": database}
    text = replaced("    stance: rejects_some\n", "    stance: rejects_some\n    mood: hostile\n")
    path = tmp_path / "faulty.yaml"
    path.write_text(text, "utf-8")
    flask = [sys.executable, "-m", "flask", "--app", "service"]
    assert subprocess.run([*flask, "db", "upgrade"], env=env, cwd=REPO, capture_output=True,
                          check=False).returncode == 0
    engine = sa.create_engine(database)
    with engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(tables.changes)).scalar_one()
    result = subprocess.run([*flask, "data", "import", str(path)], env=env, cwd=REPO,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stdout == ""
    line = line_of(text, "mood: hostile")
    assert result.stderr.splitlines() == [
        "import refused, nothing written:",
        f"{path}:{line}: statements[{RUSSIA_PEACEKEEPERS}].mood: Unknown field."]
    with engine.connect() as conn:
        after = conn.execute(sa.select(sa.func.count()).select_from(tables.changes)).scalar_one()
    engine.dispose()
    assert after == before
