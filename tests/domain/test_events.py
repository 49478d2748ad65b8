"""Position events: the steps of a cell's history a write adds, changes or removes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from service.domain.events import cell_events
from service.domain.model import Actor, Source, Statement
from service.store.dataset_io import bundled

TOPIC = next(t for t in bundled().topics if t.id == "backstop")
GERMANY = Actor("germany", "Germany", "state")


def said(statement_id: str, day: int, stance: str, **changes) -> Statement:
    return replace(Statement(statement_id, "germany", "backstop", stance, "summary", "quote",
                             "verbatim", dt.date(2025, 3, day), "day",
                             Source("AP", dt.date(2025, 3, day))), **changes)


def events(before, after, now=None):
    return [(e.change, e.statement.id, e.step.left.stance, e.step.right.stance, e.step.verdict,
             e.current) for e in cell_events(GERMANY, TOPIC, before, after, now or {})]


A = said("a", 1, "leans_against")
B = said("b", 10, "rules_out")
C = said("c", 20, "supports")


def test_a_first_statement_is_first_stated_and_current():
    assert events([], [A]) == [("added", "a", "no_position", "leans_against", "first_stated", True)]


def test_a_restatement_is_no_event():
    again = said("a2", 5, "leans_against")
    assert events([A], [A, again]) == []


def test_a_correction_that_turns_a_shift_into_a_reversal_is_one_changed_step():
    corrected = replace(B, stance="supports", revision=2)
    assert events([A, B], [A, corrected]) == [
        ("changed", "b", "leans_against", "supports", "reversed", True)]


def test_a_correction_of_the_quote_alone_is_no_event():
    assert events([A, B], [A, replace(B, quote="better quote", revision=2)]) == []


def test_retracting_the_only_statement_withdraws_the_position():
    retracted = replace(A, status="retracted", revision=2)
    (event,) = cell_events(GERMANY, TOPIC, [A], [], {"a": retracted})
    assert (event.change, event.step.verdict, event.current) == ("removed", "withdrawn", True)
    assert event.statement.status == "retracted"
    assert event.step.summary.startswith("Germany: the position Leans against was withdrawn")


def test_retracting_a_middle_statement_removes_its_step_and_changes_the_next():
    assert events([A, B, C], [A, C]) == [
        ("removed", "b", "rules_out", "leans_against", "shifted", False),
        ("changed", "c", "leans_against", "supports", "reversed", True)]


def test_a_backdated_statement_moves_the_history_after_it():
    assert events([A, C], [A, B, C]) == [
        ("added", "b", "leans_against", "rules_out", "shifted", False),
        ("changed", "c", "rules_out", "supports", "reversed", True)]
