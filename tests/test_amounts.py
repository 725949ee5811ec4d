"""Every amount carries what an auditor needs to check it by hand: the rule, the formula, its inputs, each dated
parameter it read with the date that value took effect and its source, the rounding the rule states, and the
period where it has one."""
from __future__ import annotations

import re

import pytest

from engine import Engine, load_case, load_ruleset
from engine.api import adjudicate

from .conftest import CASES, RULES

RULESET = load_ruleset(RULES)
MONEY_UNITS = ("RM", "RM a day", "RM a month")


def amount_rules():
    for info in RULESET.rules:
        for name in info.then:
            decl = RULESET.declarations.get(name)
            if decl is not None and decl.role == "amount" and decl.unit in MONEY_UNITS:
                yield info, name


@pytest.mark.parametrize("info, name", list(amount_rules()), ids=lambda x: getattr(x, "id", x))
def test_every_rule_computing_money_states_its_rounding(info, name):
    written = info.rule.then[name]
    assert getattr(written, "rounding", None), f"{info.id} computes {name} without saying how it is rounded"


@pytest.fixture(scope="module")
def decisions():
    engine = Engine(RULESET)
    return [adjudicate(engine, load_case(path, str(path)), str(path)) for path in sorted(CASES.glob("*.yaml"))]


def test_every_computed_amount_shows_its_formula_inputs_parameters_and_rounding(decisions):
    checked = 0
    for decision in decisions:
        for amount in decision.amounts:
            if amount.value is None:
                assert amount.reason, (decision.case_id, amount.fact)
                continue
            where = (decision.case_id, amount.fact)
            assert amount.rule_id and amount.formula, where
            named = set(re.findall(r"parameters\.[a-z0-9_.]+", amount.formula))
            listed = {p.name for p in amount.parameters}
            assert named <= listed, (where, named - listed)
            for parameter in amount.parameters:
                assert parameter.source and parameter.confidence and parameter.effective_from, where
            inputs = {u.name for u in amount.inputs}
            for name in re.findall(r"(?<![\w.])([a-z_]+(?:\.[a-z0-9_]+)+)(?!\()", amount.formula):
                if not name.startswith("parameters."):
                    assert name in inputs, (where, name)
            if amount.unit in MONEY_UNITS:
                assert amount.rounding, where
            checked += 1
    assert checked >= 100


def test_an_amount_with_a_period_gives_its_dates(decisions):
    with_period = [(d.case_id, a) for d in decisions for a in d.amounts if a.period and a.value is not None]
    assert with_period
    for case_id, amount in with_period:
        assert any(amount.period), (case_id, amount.fact)
