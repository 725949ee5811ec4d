"""The benchmark portfolio (scripts/portfolio.py): seeded, schema-valid, and a mix that reaches every outcome of
every contingency the rules decide."""
from __future__ import annotations

import sys
from collections import defaultdict

import jsonschema
import pytest

from engine import adjudicate
from engine.schemas import schema

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from portfolio import generate  # noqa: E402

SEED = 20250203
N = 200
CONTINGENCIES = ("employment_injury.outcome", "invalidity.outcome", "dependants.outcome", "survivors.outcome")
CASE = jsonschema.Draft202012Validator(schema("case"), format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def portfolio():
    return generate(N, SEED)


def test_the_same_seed_gives_the_same_cases(portfolio):
    assert generate(N, SEED) == portfolio
    assert generate(N, SEED + 1) != portfolio


def test_every_case_validates_against_the_case_schema(portfolio):
    for case in portfolio:
        CASE.validate(case.model_dump(mode="json", by_alias=True, exclude_none=True))


def test_every_case_is_contradiction_free(portfolio):
    assert all(not case.contradictions() for case in portfolio)


# Amounts the portfolio must compute somewhere, so that the benchmark measures the money too.
AMOUNTS = ("contribution.total", "contribution.late_payment_interest", "contribution.payment_deadline",
           "benefit_amount.temporary_disablement.amount", "benefit_amount.invalidity_pension.monthly",
           "benefit_amount.funeral.amount")


def test_the_mix_reaches_every_outcome_of_every_contingency_and_computes_amounts(engine, portfolio):
    seen = defaultdict(set)
    computed = set()
    for case in portfolio:
        decision = adjudicate(engine, case, case.case_id, check=True)  # check: durable_rules agrees with Python
        for contingency in decision.contingencies:
            seen[contingency.fact].add(contingency.outcome)
        computed |= {a.fact for a in decision.amounts if a.value is not None}
    for fact in CONTINGENCIES:
        assert seen[fact] == {"covered", "not_covered", "undetermined"}, fact
    assert set(AMOUNTS) <= computed, set(AMOUNTS) - computed
