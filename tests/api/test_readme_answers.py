"""README.md's example answers are what the service answers to the same request.

Each ```json or ```csv block in the README follows prose whose first URL is the one it
answers (a path alone stands for the README's curl command on that path). JSON examples may be
abbreviated: a `"...": "..."` member or a `["..."]` list stands for what is left out, and a
string ending in " ..." for the rest of that text. CSV examples may show some columns only.
(tests/servers/test_readme.py runs the shell commands; this checks what they print.)"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.read_only

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
CURLS = re.findall(r"curl -s '127\.0\.0\.1:8000(/v1/[^']+)'", README)


def examples() -> list[tuple[str, str, str]]:
    found = []
    for match in re.finditer(r"```(json|csv)\n(.*?)```", README, re.DOTALL):
        # The prose since the previous code block: its first URL is the one answered.
        prose = README[:match.start()].rsplit("```", 1)[-1]
        path = re.findall(r"`(/v1/[^`\s]+)`", prose)[0]
        if "?" not in path:
            path = next((url for url in CURLS if url.startswith(path + "?")), path)
        found.append((path, match[1], match[2]))
    return found


EXAMPLES = examples()


def abbreviation_errors(expected, actual, where="$") -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: not an object"]
        errors = [e for key, value in expected.items() if key != "..."
                  for e in (abbreviation_errors(value, actual[key], f"{where}.{key}")
                            if key in actual else [f"{where}.{key}: not in the answer"])]
        if "..." not in expected and set(actual) - set(expected):
            errors.append(f"{where}: the answer also has {sorted(set(actual) - set(expected))}")
        return errors
    if isinstance(expected, list):
        if expected == ["..."]:
            return []
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items in the README, {len(actual)} answered"]
        return [e for i, (x, y) in enumerate(zip(expected, actual))
                for e in abbreviation_errors(x, y, f"{where}[{i}]")]
    if isinstance(expected, str) and expected.endswith(" ..."):
        ok = isinstance(actual, str) and actual.startswith(expected[:-4])
        return [] if ok else [f"{where}: {actual!r} does not start as the README says"]
    return [] if expected == actual else [f"{where}: README {expected!r}, answer {actual!r}"]


def test_the_readme_has_examples_to_check():
    kinds = [kind for _, kind, _ in EXAMPLES]
    assert kinds.count("json") >= 3 and kinds.count("csv") >= 2


@pytest.mark.parametrize("path, kind, text", EXAMPLES, ids=[p for p, _, _ in EXAMPLES])
def test_each_example_answer_is_what_the_service_answers(client, path, kind, text):
    response = client.get(path)
    assert response.status_code == 200, path
    if kind == "json":
        errors = abbreviation_errors(json.loads(text), response.get_json())
    else:
        shown = list(csv.DictReader(io.StringIO(text)))
        answered = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        errors = [] if len(shown) == len(answered) else [
            f"{len(shown)} rows in the README, {len(answered)} answered"]
        errors += [f"row {i} {column}: README {value!r}, answer {row.get(column)!r}"
                   for i, (example, row) in enumerate(zip(shown, answered))
                   for column, value in example.items() if row.get(column) != value]
    assert errors == [], path
