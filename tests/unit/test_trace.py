"""Renderers: the JSON is pydantic's serialisation of the Decision, the same bytes every time; the text reads like
the decision an officer receives."""
from __future__ import annotations

import json

import pytest

from engine import adjudicate, load_case, to_json, to_text

from ..conftest import CASES

CASE_FILES = sorted(CASES.glob("*.yaml"))


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_json_is_byte_for_byte_pydantic_serialisation(engine, path):
    decision = adjudicate(engine, load_case(path), path.name)
    first, second = to_json(decision), to_json(adjudicate(engine, load_case(path), path.name))
    assert first == second == decision.model_dump_json(by_alias=True) + "\n"
    assert json.loads(first)["case_id"] == decision.case_id


def test_json_with_nothing_not_applied(engine):
    decision = adjudicate(engine, load_case(CASES / "commute-direct-route.yaml"))
    empty = decision.model_copy(update={"not_applied": []})
    assert to_json(empty) == empty.model_dump_json(by_alias=True) + "\n"


def test_text_names_outcome_benefits_missing_and_trace(engine):
    text = to_text(adjudicate(engine, load_case(CASES / "commute-detour-awaiting-finding.yaml")))
    assert "UNDETERMINED  Employment injury as a commuting accident (s.24)" in text
    assert "needs officer's finding findings.interruption_or_deviation" in text
    assert "STILL NEEDED\n  finding  findings.interruption_or_deviation" in text
    assert "FIRED\n   1  COV-INSURED-001" in text
    assert "NOT APPLIED" in text and "first failing condition" in text


def test_text_shows_parameters_with_their_dates(engine):
    text = to_text(adjudicate(engine, load_case(CASES / "commute-direct-route.yaml")))
    assert "parameters.employment_injury.tdb_minimum_leave_days = 4 (parameter from 1971-01-01, high)" in text
    assert "COVERED       Employment injury as a commuting accident (s.24)" in text
