"""The condition language: tokens and positions, syntax errors and their offsets, precedence, Kleene logic, exact
decimals, the date functions, the type checker, and the normal forms the compiler relies on."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import expressions as ex
from engine.expressions import UNKNOWN, FactType

T, F, U = True, False, UNKNOWN


def evaluate(text: str, **values):
    """Evaluate `text`; a name's dots are written as '__' in the keyword arguments."""
    return ex.evaluate(ex.parse(text), lambda name: values.get(name.replace(".", "__"), UNKNOWN))


# ---------------------------------------------------------------- tokenizer and parser


def test_tokens_carry_kind_text_and_offset():
    tokens = ex.tokenize('a.b not in ["x", 2024-02-29] or c >= 1.50')
    assert [(t.kind, t.text, t.pos) for t in tokens] == [
        ("name", "a.b", 0), ("not", "not", 4), ("in", "in", 8), ("op", "[", 11), ("string", '"x"', 12),
        ("op", ",", 15), ("date", "2024-02-29", 17), ("op", "]", 27), ("or", "or", 29), ("name", "c", 32),
        ("op", ">=", 34), ("number", "1.50", 37), ("end", "", 41)]


def test_nodes_carry_the_offset_of_their_operator_or_keyword():
    node = ex.parse("x.a == 1 and not y in ['p']")
    assert node.pos == node.operands[0].pos == 4 and node.operands[1].pos == 13
    assert node.operands[1].operand.pos == 19 and node.operands[1].operand.operand.pos == 17


@pytest.mark.parametrize("text, offset, message", [
    ("x = 1", 2, "unexpected character '='"),
    ("x == 1.", 6, "unexpected character '.'"),
    ("x == ", 5, "expected a value, found the end of the expression"),
    ("(x == 1", 7, "expected ')', found the end of the expression"),
    ("x == 1 y", 7, "unexpected 'y'"),
    ("a == b == c", 7, "unexpected '=='"),
    ("x == 2023-02-29", 5, "'2023-02-29' is not a real calendar date"),
    ("x in ['a' 'b']", 10, "expected ']' to close the list, found 'b'"),
    ("x in 'a'", 5, "expected '[' to start a list, found 'a'"),
    ("x in [y]", 6, "a list may hold only literal values"),
    ("f(1, 2", 6, "expected ')' to close the call, found the end of the expression"),
    ("x == 'unterminated", 5, "unexpected character '''"),
])
def test_syntax_errors_point_at_the_offending_offset(text, offset, message):
    with pytest.raises(ex.ExpressionError) as caught:
        ex.parse(text)
    assert (caught.value.code, caught.value.offset, caught.value.message) == ("RS-107", offset, message)


@pytest.mark.parametrize("text, value", [
    ("1 + 2 * 3", Decimal(7)),
    ("(1 + 2) * 3", Decimal(9)),
    ("2 - 3 - 4", Decimal(-5)),
    ("8 / 4 / 2", Decimal(1)),
    ("-2 * 3 + 1", Decimal(-5)),
    ("- -2", Decimal(2)),
    ("1 + 2 == 3", True),
    ("not 1 == 2", True),  # 'not' applies to the comparison, not to 1
    ("true or false and false", True),  # 'and' binds tighter than 'or'
    ("not true or true", True),  # 'not' binds tighter than 'or'
    ("not false and false", False),  # ... and than 'and'
    ("(true or false) and false", False),
])
def test_precedence(text, value):
    assert evaluate(text) == value


def test_not_in_is_one_operator_and_not_before_in_negates_the_test():
    assert ex.parse("x not in [1]") == ex.In(ex.Ref("x", 0), (ex.Lit(Decimal(1), 10),), True, 2)
    assert ex.parse("not x in [1]") == ex.Not(ex.In(ex.Ref("x", 4), (ex.Lit(Decimal(1), 10),), False, 6), 0)


@pytest.mark.parametrize("value, expected", [("a", F), ("c", T), (U, U)])
def test_not_in_values(value, expected):
    assert evaluate('x not in ["a", "b"]', x=value) is expected
    assert evaluate('x in ["a", "b"]', x=value) is (U if expected is U else not expected)


def test_a_list_may_hold_negative_numbers():
    assert ex.parse("x in [-1, 2]").items[0].value == Decimal(-1)


# ---------------------------------------------------------------- Kleene logic

RANK = {F: 0, U: 1, T: 2}  # and = minimum, or = maximum


@pytest.mark.parametrize("a, b", list(itertools.product([T, F, U], repeat=2)))
def test_kleene_and_or(a, b):
    assert evaluate("a and b", a=a, b=b) is min(a, b, key=RANK.get)
    assert evaluate("a or b", a=a, b=b) is max(a, b, key=RANK.get)


@pytest.mark.parametrize("a, expected", [(T, F), (F, T), (U, U)])
def test_kleene_not(a, expected):
    assert evaluate("not a", a=a) is expected


@pytest.mark.parametrize("text", ["x > 1", "x + 1 == 2", "age_on(x, y) > 1", "-x < 0", "x in [1]"])
def test_any_unknown_input_makes_a_comparison_unknown(text):
    assert evaluate(text) is UNKNOWN


# ---------------------------------------------------------------- exact decimals and functions


@pytest.mark.parametrize("text, values, expected", [
    ("0.1 + 0.2 == 0.3", {}, True),
    ("x * 3 == 0.3", {"x": Decimal("0.1")}, True),
    ("x - 0.01 == 0.99", {"x": Decimal(1)}, True),
    ("round_half_up(x, 2)", {"x": Decimal("2.345")}, Decimal("2.35")),
    ("round_half_up(x, 0)", {"x": Decimal("2.5")}, Decimal(3)),
    ("round_half_up(x, 0)", {"x": Decimal("-2.5")}, Decimal(-3)),
    ("floor(x)", {"x": Decimal("-1.5")}, Decimal(-2)),
    ("min(x, 2) + max(x, 2)", {"x": Decimal("0.5")}, Decimal("2.5")),
    ("days_between(x, y)", {"x": dt.date(2024, 2, 28), "y": dt.date(2024, 3, 1)}, Decimal(2)),
])
def test_decimal_arithmetic_is_exact(text, values, expected):
    result = evaluate(text, **values)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("birth, on, age", [
    ("1965-02-03", "2025-02-03", 60),  # the birthday itself
    ("1965-02-03", "2025-02-02", 59),
    ("2000-02-29", "2001-02-28", 0),  # 29 February: not yet on 28 February in a common year ...
    ("2000-02-29", "2001-03-01", 1),  # ... but on 1 March
    ("2000-02-29", "2004-02-29", 4),
    ("2000-02-29", "2004-02-28", 3),
    ("1999-12-31", "2000-01-01", 0),
    ("2000-01-01", "2000-01-01", 0),
])
def test_age_on(birth, on, age):
    assert evaluate("age_on(b, d)", b=dt.date.fromisoformat(birth), d=dt.date.fromisoformat(on)) == Decimal(age)


@pytest.mark.parametrize("start, end, months", [
    ("2024-01-15", "2024-02-15", 1),
    ("2024-01-15", "2024-02-14", 0),
    ("2024-01-31", "2024-03-01", 1),
    ("2023-11-30", "2024-02-29", 2),
    ("2024-05-10", "2024-05-10", 0),
    ("2020-03-01", "2025-03-01", 60),
])
def test_months_between(start, end, months):
    assert evaluate("months_between(a, b)", a=dt.date.fromisoformat(start),
                    b=dt.date.fromisoformat(end)) == Decimal(months)


@pytest.mark.parametrize("text, values", [
    ("x / 0", {"x": Decimal(1)}),
    ("x / y > 1", {"x": Decimal(0), "y": Decimal(0)}),
    ("round_half_up(x, 100000000)", {"x": Decimal("1.5")}),
])
def test_evaluation_failures_raise(text, values):
    with pytest.raises(ex.EvaluationFailure):
        evaluate(text, **values)


def test_division_by_an_unknown_value_is_unknown_not_a_failure():
    assert evaluate("x / y", x=Decimal(1)) is UNKNOWN


# ---------------------------------------------------------------- the type checker

CONTRACTS = ("service", "apprenticeship", "self_employed", "none")
FACTS = {"employment.contract": FactType("string", CONTRACTS), "leave.days": FactType("number"),
         "accident.date": FactType("date"), "x.flag": FactType("boolean"), "x.name": FactType("string")}
PARAMETERS = {"coverage.age": "number"}


def unknown_name(name: str, offset: int) -> ex.ExpressionError:
    return ex.ExpressionError("RS-103", "unknown-fact", f"unknown {name}", offset)


def check(text: str) -> str:
    return ex.check(ex.parse(text), FACTS, PARAMETERS, unknown_name)


@pytest.mark.parametrize("text, result", [
    ("leave.days > parameters.coverage.age", "boolean"),
    ("age_on(accident.date, accident.date)", "number"),
    ('employment.contract not in ["none"] and not x.flag', "boolean"),
    ("accident.date >= 2024-01-01", "boolean"),
])
def test_well_typed_expressions(text, result):
    assert check(text) == result


@pytest.mark.parametrize("text, name, offset, message, hint", [
    ('employment.contract == "servce"', "unknown-value", 23,
     "'employment.contract' is never \"servce\"; its values are: " + ", ".join(CONTRACTS), "did you mean 'service'?"),
    ('"aprenticeship" == employment.contract', "unknown-value", 0, None, "did you mean 'apprenticeship'?"),
    ('employment.contract in ["service", "self_employd"]', "unknown-value", 35, None,
     "did you mean 'self_employed'?"),
    ('employment.contract != "zzzz"', "unknown-value", 23, None, ""),
    ("leave.days + true > 1", "type-error", 13, "'+' needs numbers, not a boolean", None),
    ('x.name < "a"', "type-error", 7, "'<' orders numbers and dates, not strings", None),
    ("leave.days == accident.date", "type-error", 11, "cannot compare a number with a date", None),
    ("agee_on(accident.date, accident.date) > 1", "type-error", 0, "unknown function 'agee_on'",
     "did you mean 'age_on'?"),
    ("age_on(accident.date) > 1", "type-error", 0, "age_on takes 2 argument(s), not 1", None),
    ("age_on(leave.days, accident.date) > 1", "type-error", 7, "age_on expects a date here, not a number", None),
    ("not leave.days", "type-error", 4, "'not' needs true/false operands, not a number", None),
    ("x.flag and leave.days", "type-error", 11, "'and' needs true/false operands, not a number", None),
    ('leave.days in ["a"]', "type-error", 15, "the list holds a string, but the value tested is a number", None),
    ("-x.flag == 1", "type-error", 0, "'-' needs a number", None),
    ("leave.dayz > 1", "unknown-fact", 0, "unknown leave.dayz", None),
    ("leave.days > parameters.coverage.agee", "unknown-fact", 13, "unknown parameters.coverage.agee", None),
])
def test_type_errors(text, name, offset, message, hint):
    with pytest.raises(ex.ExpressionError) as caught:
        check(text)
    error = caught.value
    assert (error.name, error.offset) == (name, offset)
    assert message is None or error.message == message
    assert hint is None or error.hint == hint


# ---------------------------------------------------------------- render


@pytest.mark.parametrize("text", [
    "a - (b - c)", "(a - b) - c", "-(a + b) * 2", "not (a and b)", "not a and b", "(a or b) and c",
    'x not in ["p", "q"]', "age_on(d, 2024-02-29) >= 60", "a == true",
    "(not a) == b",
    "a == (not b)",
])
def test_render_reads_back_as_the_same_expression(text):
    rendered = ex.render(ex.parse(text))
    assert ex.render(ex.parse(rendered)) == rendered
    values = dict(a=T, b=F, c=Decimal(5), x="q", d=dt.date(1960, 1, 1))
    assert evaluate(rendered, **values) == evaluate(text, **values)


# ---------------------------------------------------------------- normal forms

BOOLEANS = ["a", "b", "c"]
ATOMS = st.one_of(
    st.sampled_from([ex.Ref(name) for name in BOOLEANS] + [ex.Lit(True), ex.Lit(False)]),
    st.sampled_from(["<", "<=", ">", ">=", "==", "!="]).map(lambda op: ex.Compare(op, ex.Ref("n"), ex.Lit(Decimal(1)))),
    st.booleans().map(lambda negated: ex.In(ex.Ref("s"), (ex.Lit("x"), ex.Lit("y")), negated)),
)
EXPRESSIONS = st.recursive(ATOMS, lambda inner: st.one_of(
    inner.map(ex.Not),
    st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)).map(
        lambda t: ex.BoolOp(t[0], tuple(t[1])))), max_leaves=10)
ASSIGNMENTS = st.fixed_dictionaries({**{name: st.sampled_from([T, F, U]) for name in BOOLEANS},
                                     "n": st.sampled_from([Decimal(0), Decimal(1), Decimal(2), U]),
                                     "s": st.sampled_from(["x", "z", U])})


def has_not(node) -> bool:
    return isinstance(node, ex.Not) or any(has_not(child) for child in ex.children(node))


@settings(max_examples=300, deadline=None)
@given(EXPRESSIONS, ASSIGNMENTS)
def test_nnf_keeps_the_kleene_value_and_dnf_fires_exactly_when_true(node, values):
    lookup = lambda name: values.get(name, UNKNOWN)  # noqa: E731
    original = ex.evaluate(node, lookup)
    nnf = ex.negation_normal_form(node)
    assert not has_not(nnf)
    assert ex.evaluate(nnf, lookup) is original
    # The compiled rule fires when every comparison of some alternative is true, and only then.
    terms = ex.disjunctive_normal_form(nnf, limit=10**6)
    assert any(all(ex.evaluate(atom, lookup) is True for atom in term) for term in terms) == (original is True)
    assert all(isinstance(atom, (ex.Compare, ex.In)) for term in terms for atom in term)


@pytest.mark.parametrize("pairs, terms", [(1, 2), (6, 64)])
def test_dnf_up_to_the_limit(pairs, terms):
    node = ex.parse(" and ".join(f"(a{i} or b{i})" for i in range(pairs)))
    result = ex.disjunctive_normal_form(ex.negation_normal_form(node), limit=64)
    assert len(result) == terms and len(set(result)) == terms


@pytest.mark.parametrize("text", [
    " and ".join(f"(a{i} or b{i})" for i in range(7)),  # 128 alternatives
    " or ".join(f"a{i}" for i in range(65)),
    "not (" + " or ".join(f"(a{i} and b{i})" for i in range(7)) + ")",  # a conjunction of 7 disjunctions, negated
])
def test_dnf_past_the_limit_raises(text):
    with pytest.raises(OverflowError):
        ex.disjunctive_normal_form(ex.negation_normal_form(ex.parse(text)), limit=64)


# ---------------------------------------------------------------- month functions, lists, presume

@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
    (dt.date(2024, 3, 15), -40, dt.date(2020, 11, 15)),
    (dt.date(2024, 12, 1), 1, dt.date(2025, 1, 1)),
    (dt.date(2024, 1, 1), 0, dt.date(2024, 1, 1)),
])
def test_add_months_keeps_the_day_or_falls_back_to_the_month_end(day, months, expected):
    assert evaluate("add_months(d, n)", d=day, n=Decimal(months)) == expected


def test_add_months_refuses_part_months():
    with pytest.raises(ex.EvaluationFailure, match="whole number"):
        evaluate("add_months(d, 1.5)", d=dt.date(2024, 1, 1))


def test_month_start_and_end():
    assert evaluate("month_start(d)", d=dt.date(2024, 2, 17)) == dt.date(2024, 2, 1)
    assert evaluate("month_end(d)", d=dt.date(2024, 2, 17)) == dt.date(2024, 2, 29)
    assert evaluate("month_end(d)", d=dt.date(2023, 12, 1)) == dt.date(2023, 12, 31)


def month(text: str, paid: bool = True, category=None):
    from engine.model import ContributionMonth
    return ContributionMonth(month=text, paid=paid, category=category).record()


def test_invalidity_contributions_count_paid_first_category_months_in_the_window():
    history = (month("2020-12"), month("2021-01"), month("2021-02", paid=False), month("2021-03", category="second"),
               month("2021-04", category="first"), month("2021-05"))
    count = "invalidity_contributions(h, a, b)"
    assert evaluate(count, h=history, a=dt.date(2021, 1, 31), b=dt.date(2021, 4, 1)) == 2  # Jan, Apr
    assert evaluate(count, h=history, a=dt.date(2000, 1, 1), b=dt.date(2030, 1, 1)) == 4
    assert evaluate(count, h=(), a=dt.date(2000, 1, 1), b=dt.date(2030, 1, 1)) == 0
    assert evaluate(count, h=UNKNOWN, a=dt.date(2000, 1, 1), b=dt.date(2030, 1, 1)) is UNKNOWN
    assert evaluate("unpaid_months(h, a, b)", h=history, a=dt.date(2000, 1, 1), b=dt.date(2030, 1, 1)) == 1
    assert evaluate("unpaid_months(h, a, b)", h=history, a=dt.date(2021, 3, 1), b=dt.date(2030, 1, 1)) == 0


def dependant(relation: str, **fields):
    from engine.model import Dependant
    return Dependant(relation=relation, **fields).record()


@pytest.mark.parametrize("finding, expected", [(True, True), (False, False), (UNKNOWN, True)])
def test_presume_gives_the_finding_or_the_default(finding, expected):
    assert evaluate("presume(f.x, true) == true", f__x=finding) is expected
    assert ex.compile_node(ex.parse("presume(f.x, true) == true"))(
        lambda name: finding if name == "f.x" else UNKNOWN) is expected


def test_presume_checks_its_arguments():
    facts = {"f.x": FactType("boolean"), "n.y": FactType("number")}
    assert ex.check(ex.parse("presume(f.x, false)"), facts, {}, unknown_name) == "boolean"
    with pytest.raises(ex.ExpressionError, match="expects a boolean here, not a number"):
        ex.check(ex.parse("presume(f.x, 3)"), facts, {}, unknown_name)
    with pytest.raises(ex.ExpressionError, match="first argument must be a fact of the case file"):
        ex.check(ex.parse("presume(true, f.x)"), facts, {}, unknown_name)


def test_presumed_names_are_only_those_read_through_presume():
    assert ex.presumed_names(ex.parse("presume(f.x, true) and g.y")) == {"f.x"}
    assert ex.presumed_names(ex.parse("presume(f.x, true) and f.x")) == set()
    assert ex.presumed_names(ex.parse("a.b == 1")) == set()


def test_lists_render_as_a_count():
    assert ex.render_value((1, 2)) == "[2 entries]"
    assert ex.render_value((1,)) == "[1 entry]"


def test_eligible_dependants_follow_s2_3():
    on = dt.date(2025, 6, 1)
    count = "eligible_dependants(d, on, 21)"
    married_son = dependant("child", date_of_birth=dt.date(1992, 1, 1), married=True, full_time_study=False,
                            incapacitated=False)
    assert evaluate(count, d=(married_son,), on=on) == 0
    assert evaluate(count, d=(married_son, dependant("widow")), on=on) == 1
    assert evaluate(count, d=(dependant("child", date_of_birth=dt.date(2010, 1, 1), married=False),), on=on) == 1
    assert evaluate(count, d=(dependant("child", date_of_birth=dt.date(2000, 1, 1), married=False,
                                        full_time_study=True),), on=on) == 1  # a first degree
    assert evaluate(count, d=(dependant("sibling", date_of_birth=dt.date(2000, 1, 1), married=False),), on=on) == 0
    assert evaluate(count, d=(dependant("child"),), on=on) is UNKNOWN  # nothing known about the child
    assert evaluate(count, d=(dependant("child", date_of_birth=dt.date(1990, 1, 1), married=False),), on=on) is UNKNOWN
    assert evaluate(count, d=(), on=on) == 0
    studying_married = dependant("child", date_of_birth=dt.date(1992, 1, 1), married=True, full_time_study=True)
    assert evaluate(count, d=(studying_married,), on=on) == 0  # study extends the age, never marriage
    assert evaluate(count, d=(dependant("child", full_time_study=True),), on=on) is UNKNOWN  # marriage not known


def test_contributions_paid_counts_both_categories():
    history = (month("2023-01"), month("2023-02", category="second"), month("2023-03", paid=False))
    assert evaluate("contributions_paid(h, a, b)", h=history, a=dt.date(2023, 1, 1), b=dt.date(2023, 12, 1)) == 2
