"""The compiler: exact scaled numbers, comparisons that give in durable_rules the truth Decimal gives, lifted
conditions, and exception_of. Compiled conditions are run through a real ReteProgram, not just inspected."""
from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import adjudicate
from engine import expressions as ex
from engine.compiler import APPLIES, LIFT, MAX_MAGNITUDE, START_FACT, Action, _Builder, compile_rules, encode_fact
from engine.expressions import UNKNOWN, FactType
from engine.rete import ReteProgram

from ..helpers import make_case

# ---------------------------------------------------------------- encode_fact


@pytest.mark.parametrize("value, lo, hi", [
    ("0", 0, 0),
    ("-0", 0, 0),
    ("12", 12_000_000, 12_000_000),
    ("1.5", 1_500_000, 1_500_000),
    ("-1.5", -1_500_000, -1_500_000),
    ("0.000001", 1, 1),
    ("0.0000005", 0, 1),
    ("-0.0000005", -1, 0),
    ("0.0000015", 1, 2),
    ("-2.0000001", -2_000_001, -2_000_000),
    ("1E+2", 100_000_000, 100_000_000),
])
def test_numbers_are_encoded_as_floor_and_ceiling_of_value_times_a_million(value, lo, hi):
    fact = encode_fact("n", Decimal(value))
    assert fact == {"k": "n", "lo": lo, "hi": hi}
    assert all(type(fact[key]) is int for key in ("lo", "hi"))


def test_encoding_is_exact_beyond_28_significant_digits():
    assert encode_fact("n", Decimal("1.0000000000000000000000000001")) == {"k": "n", "lo": 1_000_000, "hi": 1_000_001}


@pytest.mark.parametrize("value, fact", [
    (True, {"k": "f", "b": True}),
    (False, {"k": "f", "b": False}),
    ("service", {"k": "f", "s": "service"}),
    (dt.date(2024, 2, 29), {"k": "f", "d": dt.date(2024, 2, 29).toordinal()}),
])
def test_other_types_each_have_their_own_field(value, fact):
    assert encode_fact("f", value) == fact


@pytest.mark.parametrize("value, error", [(MAX_MAGNITUDE, OverflowError), (-MAX_MAGNITUDE, OverflowError),
                                          (1.5, TypeError), (7, TypeError)])
def test_values_the_core_cannot_hold_are_refused(value, error):
    with pytest.raises(error):
        encode_fact("f", value)


# ---------------------------------------------------------------- comparisons, through durable_rules

OPS = ["<", "<=", ">", ">=", "==", "!="]
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
# The last two are not whole multiples of 10^-6, so they are lifted (evaluated in Python) rather than native.
CONSTANTS = [Decimal(c) for c in ("0", "1.5", "-2", "0.000001", "-0.000001", "1000000", "0.0000005", "-1234.5678905")]
ATOMS = {f"r{i}": atom for i, atom in enumerate(
    [ex.Compare(op, ex.Ref("x"), ex.Lit(c)) for op, c in itertools.product(OPS, CONSTANTS)]
    + [ex.Compare(FLIP[op], ex.Lit(c), ex.Ref("x")) for op, c in itertools.product(OPS, CONSTANTS)])}


def build(atoms: dict[str, ex.Node], facts: dict[str, FactType]) -> _Builder:
    builder = _Builder(SimpleNamespace(facts=facts), {})
    for name, atom in atoms.items():
        builder.add_alternatives(name, [atom], Action("fire"))
    return builder


def fire(builder: _Builder, program: ReteProgram, values: dict) -> set[str]:
    """Run the facts to quiescence the way the runner does (lifted conditions evaluated in Python)."""
    fired: set[str] = set()
    lookup = lambda name: values.get(name, UNKNOWN)  # noqa: E731

    def on_action(rule_name: str) -> list[dict]:
        action = builder.actions[rule_name]
        if action.kind == "lift":
            return [encode_fact(action.fact, ex.evaluate(action.atom, lookup))]
        fired.add(rule_name.split("#")[0])
        return []

    program.run([encode_fact(name, value) for name, value in values.items()] + [{"k": START_FACT, "b": True}],
                on_action)
    return fired


NUMBERS = build(ATOMS, {"x": FactType("number")})
NUMBERS_PROGRAM = ReteProgram(NUMBERS.definition)
NEAR = sorted({c + d for c in CONSTANTS for d in (Decimal("-0.000001"), Decimal("-0.0000005"), Decimal("-0.0000001"),
                                                  Decimal(0), Decimal("0.0000001"), Decimal("0.0000005"))})


def test_only_constants_off_the_scale_are_lifted():
    lifted = {name for name, rule in NUMBERS.definition.items()
              if LIFT in json.dumps(rule) and not name.startswith(LIFT)}
    assert {name.split("#")[0] for name in lifted} == {
        name for name, atom in ATOMS.items() if (atom.right if isinstance(atom.right, ex.Lit) else atom.left).value
        in CONSTANTS[-2:]}


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.sampled_from(NEAR), st.decimals(-10**7, 10**7, places=7, allow_nan=False, allow_infinity=False)))
def test_every_comparison_with_a_constant_fires_exactly_when_decimal_comparison_is_true(x):
    expected = {name for name, atom in ATOMS.items() if ex.evaluate(atom, lambda _: x) is True}
    assert fire(NUMBERS, NUMBERS_PROGRAM, {"x": x}) == expected


def test_an_unknown_number_fires_no_comparison():
    assert fire(NUMBERS, NUMBERS_PROGRAM, {}) == set()


@pytest.mark.parametrize("constant, value", [
    ("1", "1.0000000000000000000000000001"),  # a fact with more digits than the decimal context
    ("1.0000000000000000000000000001", "1"),  # a constant (e.g. a parameter) with more digits
])
def test_comparisons_beyond_28_significant_digits(constant, value):
    atoms = {"eq": ex.Compare("==", ex.Ref("x"), ex.Lit(Decimal(constant))),
             "ne": ex.Compare("!=", ex.Ref("x"), ex.Lit(Decimal(constant)))}
    builder = build(atoms, {"x": FactType("number")})
    assert fire(builder, ReteProgram(builder.definition), {"x": Decimal(value)}) == {"ne"}


DAY = dt.date(2024, 2, 29)
OTHER_ATOMS = {
    **{f"d{op}": ex.Compare(op, ex.Ref("d"), ex.Lit(DAY)) for op in OPS},
    "s_eq": ex.parse('s == "a"'), "s_ne": ex.parse('s != "a"'), "s_in": ex.parse('s in ["a", "b"]'),
    "s_not_in": ex.parse('s not in ["a", "b"]'), "b_true": ex.parse("b"), "b_not": ex.parse("not b"),
    "b_ne": ex.parse("b != true"), "always": ex.Lit(True), "never": ex.Lit(False),
}
OTHERS = build(OTHER_ATOMS, {"d": FactType("date"), "s": FactType("string"), "b": FactType("boolean")})
OTHERS_PROGRAM = ReteProgram(OTHERS.definition)


@pytest.mark.parametrize("values", [
    {"d": DAY, "s": "a", "b": True},
    {"d": DAY - dt.timedelta(days=1), "s": "b", "b": False},
    {"d": DAY + dt.timedelta(days=1), "s": "c"},
    {},
])
def test_dates_strings_and_booleans_fire_exactly_when_true(values):
    lookup = lambda name: values.get(name, UNKNOWN)  # noqa: E731
    expected = {name for name, atom in OTHER_ATOMS.items() if ex.evaluate(atom, lookup) is True}
    assert fire(OTHERS, OTHERS_PROGRAM, values) == expected


def test_a_constant_false_alternative_compiles_to_nothing_and_a_true_one_waits_for_the_case():
    assert not any(name.startswith("never#") for name in OTHERS.definition)
    assert OTHERS.definition["always#0"] == {"all": [{"p0": {"k": START_FACT}}]}


def test_negation_never_uses_durable_negation_or_existence_tests(ruleset):
    for day in (dt.date(2017, 1, 1), dt.date(2025, 1, 1)):
        text = json.dumps(compile_rules(ruleset, day).definition)
        assert "$not" not in text and "$nex" not in text and "$ex" not in text


# ---------------------------------------------------------------- lifted conditions in the rule set


def test_lifted_conditions_wait_for_their_inputs_and_carry_parameters_substituted(ruleset):
    compiled = compile_rules(ruleset, dt.date(2025, 1, 1))
    lifted = {ex.render(a.atom): name for name, a in compiled.actions.items() if a.kind == "lift"}
    after_60 = "months_between(month_start(add_months(person.date_of_birth, 60 * 12)), month_start(claim.date)) > 0"
    assert after_60 in lifted  # parameters.coverage.second_category_age substituted by its value on the day
    assert compiled.definition[lifted[after_60]] == {"all": [{"p0": {"k": "claim.date"}},
                                                             {"p1": {"k": "person.date_of_birth"}}]}
    # COV-CAT-002 tests the lifted fact, never the dates themselves
    fact = lifted[after_60].split("#")[0]
    assert {"p0": {"$and": [{"k": fact}, {"b": True}]}} in compiled.definition["COV-CAT-002#0"]["all"]
    for name, action in compiled.actions.items():  # every lift waits for exactly its (non-presumed) inputs
        if action.kind == "lift":
            waits = {p[k]["k"] for p in compiled.definition[name]["all"] for k in p}
            assert waits == ({r.name for r in ex.names_in(action.atom)} - ex.presumed_names(action.atom)
                             or {START_FACT}), ex.render(action.atom)


INSURED = {"employment.contract": "service", "employment.sector": "private", "employment.relationship_to_owner": "none",
           "person.date_of_birth": dt.date(1965, 2, 3), "person.foreign_worker": False,
           "person.receiving_invalidity_pension": False, "contributions.contributed_before_age_55": True}


@pytest.mark.parametrize("day, category, rule", [
    (dt.date(2025, 1, 31), "first", "COV-CAT-001"),  # the last day of the month before the 60th birthday's
    (dt.date(2025, 2, 3), None, None),  # the birthday month: no source says which category (s.6(7): the month)
    (dt.date(2025, 3, 1), "second", "COV-CAT-002"),  # the first day of the month after
])
def test_a_lifted_age_condition_decides_by_the_month_of_the_birthday(engine, day, category, rule):
    decision = adjudicate(engine, make_case({**INSURED, "accident.date": day}), check=True)
    assert {d.fact: d.value for d in decision.determinations}["contribution.category"] == category
    fired = [f.rule_id for f in decision.fired]
    assert (rule in fired) if rule else not [r for r in fired if r.startswith("COV-CAT-")]


def test_a_rule_whose_alternatives_both_hold_fires_once(engine):
    # COV-CAT-001: age < 60 and (age < 55 or contributed_before_age_55): aged 40 and contributed, both alternatives
    case = make_case({**INSURED, "person.date_of_birth": dt.date(1985, 1, 1), "accident.date": dt.date(2025, 1, 1)})
    fired = [f.rule_id for f in adjudicate(engine, case, check=True).fired]
    assert fired.count("COV-CAT-001") == 1


# ---------------------------------------------------------------- exception_of


@pytest.mark.parametrize("day, exceptions", [
    (dt.date(2017, 1, 1), {"COV-EXEMPT-DOMESTIC-001", "COV-EXEMPT-FOREIGN-001"}),
    (dt.date(2021, 5, 31), {"COV-EXEMPT-DOMESTIC-001", "COV-EXEMPT-FOREIGN-003"}),
    (dt.date(2021, 6, 1), {"COV-EXEMPT-DOMESTIC-002", "COV-EXEMPT-FOREIGN-003"}),
])
def test_a_rule_needs_each_exception_in_force_to_be_known_not_to_apply(ruleset, day, exceptions):
    compiled = compile_rules(ruleset, day)
    of_insured = {r for r in compiled.needs_applies if ruleset.rule(r).rule.exception_of == "COV-INSURED-001"}
    assert of_insured == exceptions
    patterns = [p for pattern in compiled.definition["COV-INSURED-001#0"]["all"] for p in pattern.values()]
    assert [p for p in patterns if p["$and"][0]["k"].startswith(APPLIES)] == [
        {"$and": [{"k": APPLIES + e}, {"b": False}]} for e in sorted(exceptions)]
    fails = {a.rule.id for a in compiled.actions.values() if a.kind == "applies_false"}
    assert fails == compiled.needs_applies


def test_an_exception_fails_when_its_condition_is_known_false(ruleset):
    compiled = compile_rules(ruleset, dt.date(2020, 1, 1))
    assert compiled.definition["COV-EXEMPT-DOMESTIC-001~fails#0"] == {
        "all": [{"p0": {"$and": [{"k": "employment.domestic_worker"}, {"$neq": {"b": True}}]}}]}


@pytest.mark.parametrize("domestic, insured, fired", [
    (None, None, []),  # the exception may apply: undetermined, not insured
    (False, True, ["COV-INSURED-001"]),
    (True, False, ["COV-EXEMPT-DOMESTIC-001"]),
])
def test_exception_of_in_the_rete(engine, domestic, insured, fired):
    facts = {**INSURED, "accident.date": dt.date(2020, 1, 1)}
    if domestic is not None:
        facts["employment.domestic_worker"] = domestic
    decision = adjudicate(engine, make_case(facts), check=True)
    assert {d.fact: d.value for d in decision.determinations}["coverage.insured_person"] == insured
    assert [f.rule_id for f in decision.fired if f.rule_id.startswith(("COV-INSURED", "COV-EXEMPT"))] == fired


@pytest.mark.parametrize("values, fires", [
    ({}, True),                              # the finding is absent: the presumption decides
    ({"f.rebutted": False}, True),
    ({"f.rebutted": True}, False),           # the presumption is rebutted
])
def test_a_presumed_finding_is_never_waited_for(values, fires):
    builder = build({"R": ex.parse("presume(f.rebutted, false) == false")}, {"f.rebutted": FactType("boolean")})
    lifts = [a for a in builder.actions.values() if a.kind == "lift"]
    assert len(lifts) == 1
    assert all("f.rebutted" not in json.dumps(p) for name, p in builder.definition.items() if name.startswith(LIFT))
    assert ("R" in fire(builder, ReteProgram(builder.definition), values)) is fires
