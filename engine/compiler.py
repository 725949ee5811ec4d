"""Compile the rules in force on a date into a durable_rules ruleset with generic actions.

How the law's logic survives the Rete (DURABLE_RULES.md lists the traps):
- Every fact is its own durable fact `{k: name, <typed field>: value}`: booleans in `b`, strings in `s`, dates as
  day numbers in `d`, numbers as exact scaled integers (`lo` = floor, `hi` = ceil of value x 10^6) so that no
  Decimal, float or mixed-type comparison reaches the C core.
- A missing fact matches nothing, so a rule whose condition reads an unknown fact cannot fire: unknown is never
  taken for false. `not x` compiles to the positive test `x == false`, never to durable's negation.
- Conditions become a disjunction of conjunctions (one durable rule per alternative; the action fires the legal
  rule once).
- A comparison that is not `fact OP constant` (arithmetic, functions, two facts) is *lifted*: a helper rule waits
  for its inputs, evaluates it exactly in Python, and asserts the boolean result as a fact the rule then tests.
- `exception_of`: a rule with exceptions in force also needs each exception's `_applies.ID == false`; an exception
  asserts `_applies.ID` true when it fires and false when its conditions are known to fail.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, Inexact, localcontext
from typing import Any

from . import expressions as ex
from .parameters import ParameterReading
from .validator import MAX_DNF_TERMS, RuleInfo, RuleSet

SCALE = Decimal(10) ** 6
MAX_MAGNITUDE = Decimal(2) ** 62 / SCALE  # keep scaled integers inside the core's signed 64 bits
START_FACT = "_case"
APPLIES = "_applies."
LIFT = "_lift."


@dataclass
class Action:
    """What a durable rule's generic action does: fire a legal rule, settle whether an exception applies, or
    compute a lifted condition."""

    kind: str  # "fire" | "applies_false" | "lift"
    rule: RuleInfo | None = None
    atom: ex.Node | None = None
    fact: str = ""


@dataclass
class CompiledRules:
    day: dt.date
    in_force: list[RuleInfo]
    readings: dict[str, ParameterReading]
    definition: dict[str, Any]
    actions: dict[str, Action]
    needs_applies: set[str] = field(default_factory=set)
    key: tuple = ()
    exceptions: dict[str, list[RuleInfo]] = field(default_factory=dict)  # rule id -> its exceptions in force
    parameter_values: dict[str, Any] = field(default_factory=dict)  # "parameters.x" -> value in force
    concluders: dict[str, list[RuleInfo]] = field(default_factory=dict)  # fact -> rules in force concluding it
    read: frozenset = frozenset()  # the facts some durable pattern tests


def parameter_readings(ruleset: RuleSet, rules: list[RuleInfo], day: dt.date) -> dict[str, ParameterReading]:
    readings = {}
    for info in rules:
        for name in info.reads() + info.reads_in_formulas():
            if name.startswith(ex.PARAMETER_PREFIX):
                short = name[len(ex.PARAMETER_PREFIX):]
                reading = ruleset.parameters.reading(short, day)
                if reading is not None:  # validated: a rule in force always has its parameters
                    readings[name] = reading
    return readings


def cache_key(ruleset: RuleSet, day: dt.date) -> tuple:
    in_force = [r for r in ruleset.rules if r.rule.effective.contains(day)]
    readings = parameter_readings(ruleset, in_force, day)
    return (tuple(r.id for r in in_force),
            tuple(sorted((name, r.effective_from) for name, r in readings.items())))


def compile_rules(ruleset: RuleSet, day: dt.date) -> CompiledRules:
    in_force = [r for r in ruleset.rules if r.rule.effective.contains(day)]  # sorted by id: order-independent
    readings = parameter_readings(ruleset, in_force, day)
    values = {name: reading.value for name, reading in readings.items()}
    ids = {r.id for r in in_force}
    exceptions = {r.id: [e for e in in_force if e.rule.exception_of == r.id] for r in in_force}
    needs_applies = {r.id for r in in_force if r.rule.exception_of in ids}
    concluders: dict[str, list[RuleInfo]] = {}
    for info in in_force:
        for name in info.then:
            concluders.setdefault(name, []).append(info)
    builder = _Builder(ruleset, values)
    for info in in_force:
        condition = [ex.substitute(node, values) for node in info.when]
        condition += [ex.Compare("==", ex.Ref(APPLIES + e.id), ex.Lit(False)) for e in exceptions[info.id]]
        # a formula's inputs are already conditions: the validator adds known(x) for each of them
        builder.add_alternatives(info.id, condition, Action("fire", rule=info))
        if info.id in needs_applies:
            negated = ex.Not(ex.BoolOp("and", tuple(condition)) if condition else ex.Lit(True))
            builder.add_alternatives(f"{info.id}~fails", [negated], Action("applies_false", rule=info))
    return CompiledRules(day, in_force, readings, builder.definition, builder.actions, needs_applies,
                         cache_key(ruleset, day), exceptions, values, concluders,
                         frozenset(builder.read | {START_FACT}))


class _Builder:
    def __init__(self, ruleset: RuleSet, values: dict[str, Any]):
        self.facts = ruleset.facts
        self.definition: dict[str, Any] = {}
        self.actions: dict[str, Action] = {}
        self.lifted: dict[str, ex.Node] = {}
        self.read: set[str] = set()  # fact names some pattern tests: the only facts worth asserting

    def add_alternatives(self, name: str, condition: list[ex.Node], action: Action) -> None:
        node = ex.BoolOp("and", tuple(condition)) if condition else ex.Lit(True)
        terms = ex.disjunctive_normal_form(ex.negation_normal_form(node), MAX_DNF_TERMS)
        for index, term in enumerate(terms):
            patterns = self._patterns(term)
            if patterns is None:
                continue  # a constant-false alternative can never fire
            rule_name = f"{name}#{index}"
            self.definition[rule_name] = {"all": patterns}
            self.actions[rule_name] = action

    def _patterns(self, term: tuple[ex.Node, ...]) -> list[dict[str, Any]] | None:
        tests: dict[str, list[dict[str, Any]]] = {}
        for atom in term:
            if isinstance(atom, ex.Call) and atom.fn == "known" and isinstance(atom.args[0], ex.Ref):
                tests.setdefault(atom.args[0].name, [])  # known(x): the fact's presence is the whole test
                continue
            compiled = self._native(atom)
            if compiled is True:
                continue
            if compiled is False:
                return None
            if compiled is None:
                fact, test = self._lift(atom), {"b": True}
            else:
                fact, test = compiled
            tests.setdefault(fact, []).append(test)
        if not tests:
            tests[START_FACT] = []
        patterns = []
        self.read.update(tests)
        for index, (fact, fact_tests) in enumerate(sorted(tests.items())):
            expression = {"$and": [{"k": fact}] + fact_tests} if fact_tests else {"k": fact}
            patterns.append({f"p{index}": expression})
        return patterns

    def _lift(self, atom: ex.Node) -> str:
        text = ex.render(atom)
        fact = LIFT + hashlib.sha1(text.encode()).hexdigest()[:12]
        if fact not in self.lifted:
            self.lifted[fact] = atom
            # a presumed finding is read when present but never waited for: the case's inputs are all asserted
            # before the run starts (presume() takes only case facts), so its absence is already final
            inputs = sorted({ref.name for ref in ex.names_in(atom)} - ex.presumed_names(atom))
            self.read.update(inputs)
            self.definition[f"{fact}#0"] = {"all": [{f"p{i}": {"k": name}} for i, name in enumerate(inputs)]
                                            or [{"p0": {"k": START_FACT}}]}
            self.actions[f"{fact}#0"] = Action("lift", atom=atom, fact=fact)
        return fact

    def _native(self, atom: ex.Node) -> tuple[str, dict[str, Any]] | bool | None:
        """(fact, test) for a comparison of one fact with constants; True/False for a constant; None to lift."""
        if not ex.names_in(atom):
            value = ex.evaluate(atom, lambda name: ex.UNKNOWN)
            return bool(value)
        if isinstance(atom, ex.In) and isinstance(atom.operand, ex.Ref):
            kind = self._kind(atom.operand.name)
            if kind not in ("b", "s"):
                return None
            if atom.negated:
                return atom.operand.name, {"$and": [{"$neq": {kind: i.value}} for i in atom.items]}
            return atom.operand.name, {"$or": [{kind: i.value} for i in atom.items]}
        if not isinstance(atom, ex.Compare):
            return None
        op, left, right = atom.op, atom.left, atom.right
        if isinstance(right, ex.Ref) and isinstance(left, ex.Lit):
            op, left, right = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op), right, left
        if not (isinstance(left, ex.Ref) and isinstance(right, ex.Lit)):
            return None
        kind, value = self._kind(left.name), right.value
        if kind in ("b", "s"):
            return left.name, ({kind: value} if op == "==" else {"$neq": {kind: value}})
        if kind == "d":
            return left.name, _ordered(op, "d", value.toordinal())
        if abs(value) >= MAX_MAGNITUDE:
            return None
        exact = scaled(value)
        if exact != exact.to_integral_value():
            return None
        scaled_value = int(exact)
        # lo = floor(x*S), hi = ceil(x*S): exact for every x, since the constant is a whole multiple of 1/S
        if op == "<":
            return left.name, {"$lt": {"lo": scaled_value}}
        if op == ">=":
            return left.name, {"$gte": {"lo": scaled_value}}
        if op == "<=":
            return left.name, {"$lte": {"hi": scaled_value}}
        if op == ">":
            return left.name, {"$gt": {"hi": scaled_value}}
        if op == "==":
            return left.name, {"$and": [{"lo": scaled_value}, {"hi": scaled_value}]}
        return left.name, {"$or": [{"$neq": {"lo": scaled_value}}, {"$neq": {"hi": scaled_value}}]}

    def _kind(self, name: str) -> str:
        if name.startswith((APPLIES, LIFT)):
            return "b"
        return {"boolean": "b", "string": "s", "date": "d", "number": "n"}[self.facts[name].type]


def _ordered(op: str, field_name: str, value: int) -> dict[str, Any]:
    if op == "==":
        return {field_name: value}
    if op == "!=":
        return {"$neq": {field_name: value}}
    return {{"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}[op]: {field_name: value}}


def scaled(value: Decimal) -> Decimal:
    """value x 10^6, exactly: the default 28-digit context would round a long value before floor/ceil."""
    with localcontext() as ctx:
        ctx.prec = max(28, len(value.as_tuple().digits) + 8)
        ctx.traps[Inexact] = True
        return value * SCALE


def encode_fact(name: str, value: Any) -> dict[str, Any]:
    """The durable fact for one known value (see the module docstring for the fields)."""
    if isinstance(value, bool):
        return {"k": name, "b": value}
    if isinstance(value, str):
        return {"k": name, "s": value}
    if isinstance(value, dt.date):
        return {"k": name, "d": value.toordinal()}
    if isinstance(value, tuple):  # a list: read by lifted conditions in Python; the Rete only needs it present
        return {"k": name, "b": True}
    if isinstance(value, Decimal):
        if abs(value) >= MAX_MAGNITUDE:
            raise OverflowError(f"{name} = {value} is too large for the engine")
        exact = scaled(value)
        return {"k": name, "lo": int(exact.to_integral_value(ROUND_FLOOR)),
                "hi": int(exact.to_integral_value(ROUND_CEILING))}
    raise TypeError(f"{name}: unsupported value {value!r}")
