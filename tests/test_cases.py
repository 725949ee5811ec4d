"""Every golden case in cases/ is adjudicated (with durable_rules checked against Python) and compared with the
decision it expects; every decision validates against schemas/decision.schema.json."""
from __future__ import annotations

import json

import jsonschema
import pytest

from engine import adjudicate, load_case, to_json
from engine.schemas import schema

from .conftest import CASES, ROOT, check_expected

CASE_FILES = sorted(CASES.glob("*.yaml")) + sorted(CASES.glob("*.json"))


def test_there_are_golden_cases():
    assert len(CASE_FILES) >= 8


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_golden_case(path, engine):
    case = load_case(path, path.relative_to(ROOT).as_posix())
    assert case.expected is not None, f"{path.name} has no expected decision"
    decision = adjudicate(engine, case, path.relative_to(ROOT).as_posix(), check=True)
    problems = check_expected(decision, case.expected)
    assert not problems, "\n".join(problems)
    if any(c.outcome == "undetermined" for c in decision.contingencies):
        assert decision.missing or any("no rule in force" in c.reason for c in decision.contingencies)


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_decision_json_validates_and_cites(path, engine):
    case = load_case(path)
    document = json.loads(to_json(adjudicate(engine, case, path.name)))
    jsonschema.Draft202012Validator(schema("decision")).validate(document)
    assert document["rules_version"].startswith("sha256:")
    for step in document["fired"]:
        assert step["citation"]["section"] or step["citation"]["source"]
