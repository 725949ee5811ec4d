"""Run one case to quiescence through durable_rules and collect what fired; and the same semantics evaluated in
plain Python (the reference the Rete is checked against, and the basis of every 'why not')."""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import expressions as ex
from .compiler import APPLIES, LIFT, START_FACT, CompiledRules, compile_rules, encode_fact
from .errors import CaseError, Diagnostic, EvaluationError, Location
from .facts import flatten
from .model import Case
from .rete import ReteFailure, ReteProgram
from .validator import RuleInfo, RuleSet


@dataclass(slots=True)
class FiringRecord:
    step: int
    rule: RuleInfo
    inputs: dict[str, Any]  # the known values of the names its conditions and formulas read
    concluded: dict[str, Any]


@dataclass
class RunResult:
    case: Case
    day: dt.date | None
    compiled: CompiledRules | None
    facts: dict[str, Any]  # every known fact, inputs and conclusions
    sources: dict[str, str]  # fact -> 'input' or the id of the rule that concluded it
    firings: list[FiringRecord] = field(default_factory=list)

    def lookup(self, name: str) -> Any:
        value = self.facts.get(name, ex.UNKNOWN)
        if value is ex.UNKNOWN and self.compiled is not None:
            return self.compiled.parameter_values.get(name, ex.UNKNOWN)
        return value


def era_boundaries(ruleset: RuleSet) -> list[dt.date]:
    """Every date on which the rules or parameter values in force can change."""
    days = set()
    for info in ruleset.rules:
        days.add(info.rule.effective.from_)
        if info.rule.effective.to is not None and info.rule.effective.to < dt.date.max:
            days.add(info.rule.effective.to + dt.timedelta(days=1))
    for parameter in ruleset.parameters.parameters.values():
        days.update(parameter.values)
    return sorted(days)


def governing_date(facts: dict[str, Any], case: Case) -> dt.date | None:
    """The date of the first event the case records (accident, disease, invalidity, death): a case about an
    accident is judged as at the accident date, and stays undetermined while that date is missing, never under
    the law of another event's date."""
    for name in Case.GOVERNING_DATES:
        if getattr(case, name.split(".")[0]) is not None:
            return facts.get(name)
    return None


class Engine:
    """A validated rule set and its compiled programs, one per distinct set of rules and parameter values in force
    (so a portfolio spanning several eras compiles each era once)."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self._programs: dict[tuple, tuple[CompiledRules, ReteProgram]] = {}
        self._by_era: dict[int, tuple[CompiledRules, ReteProgram]] = {}
        self._boundaries = era_boundaries(ruleset)
        self.explanations: dict[tuple, Any] = {}  # why-not results shared across cases (see explain.py)
        # compiled.key (which identifies a program) -> what run() needs of that program on every case, worked out
        # once: each lift action's atom compiled (expressions.compile_node: the same values and errors as
        # evaluate), and the facts its patterns test, sorted (the order in which inputs are asserted).
        self._prepared: dict[tuple, tuple[dict[str, Any], list[str]]] = {}

    def program(self, day: dt.date) -> tuple[CompiledRules, ReteProgram]:
        """The compiled program for `day`: the same for every day of an era (between two dates on which a rule or
        a parameter value starts or ends), so each era compiles once."""
        era = bisect.bisect_right(self._boundaries, day)
        if era not in self._by_era:
            compiled = compile_rules(self.ruleset, day)
            if compiled.key not in self._programs:
                try:
                    self._programs[compiled.key] = (compiled, ReteProgram(compiled.definition))
                except Exception as exc:
                    raise _failure(f"durable_rules refused the compiled rules for {day}: {exc}") from None
                self._prepared[compiled.key] = ({name: ex.compile_node(action.atom)
                                                 for name, action in compiled.actions.items() if action.kind == "lift"},
                                                sorted(compiled.read))
            self._by_era[era] = self._programs[compiled.key]
        return self._by_era[era]

    def run(self, case: Case) -> RunResult:
        contradictions = case.contradictions()
        if contradictions:  # load_case reports these with file and line; this guards cases built in code
            raise CaseError([Diagnostic("CASE-104", "contradictory-input", message,
                                        Location(f"case {case.case_id}: {'.'.join(path)}"))
                             for path, message in contradictions])
        inputs = flatten(case)
        day = governing_date(inputs, case)
        result = RunResult(case, day, None, dict(inputs), dict.fromkeys(inputs, "input"))
        if day is None:
            return result  # no event: nothing is in force, and the decision says what is missing
        compiled, program = self.program(day)
        result.compiled = compiled
        applies: dict[str, bool] = {}
        fired: set[str] = set()
        actions, lookup = compiled.actions, result.lookup
        lifts, read = self._prepared[compiled.key]

        def on_action(rule_name: str) -> list[dict[str, Any]]:
            action = actions[rule_name]
            kind = action.kind
            if kind == "lift":
                try:
                    value = lifts[rule_name](lookup)
                except ex.EvaluationFailure as exc:  # the message _evaluate gives
                    raise _failure(f"{rule_name}: cannot evaluate {ex.render(action.atom)}: {exc}") from None
                return [] if value is ex.UNKNOWN else [encode_fact(action.fact, value)]
            info = action.rule
            if kind == "applies_false":
                if info.id in applies:
                    return []
                applies[info.id] = False
                return [encode_fact(APPLIES + info.id, False)]
            if info.id in fired:
                return []  # another alternative of the same rule already fired
            fired.add(info.id)
            return self._fire(info, compiled, result, applies)

        try:
            # Only facts some pattern tests are asserted, by name: the others cannot change what fires.
            facts = [encode_fact(name, inputs[name]) for name in read if name in inputs]
            facts.append({"k": START_FACT, "b": True})
            program.run(facts, on_action)
        except ReteFailure as exc:
            raise _failure(str(exc)) from None
        except OverflowError as exc:
            raise _failure(str(exc)) from None
        return result

    def _fire(self, info: RuleInfo, compiled: CompiledRules, result: RunResult,
              applies: dict[str, bool]) -> list[dict[str, Any]]:
        concluded = conclude(info, result.lookup)
        new = []
        for name, value in concluded.items():
            if name in result.facts:
                if result.facts[name] != value:
                    raise _failure(f"rule {info.id} concludes {name} = {ex.render_value(value)}, but rule "
                                   f"{result.sources[name]} already concluded {ex.render_value(result.facts[name])}",
                                   info)
                continue
            result.facts[name] = value
            result.sources[name] = info.id
            new.append(encode_fact(name, value))
        lookup = result.lookup
        inputs = {name: value for name in info.reads() + info.reads_in_formulas()
                  for value in (lookup(name),) if value is not ex.UNKNOWN}
        result.firings.append(FiringRecord(len(result.firings) + 1, info, inputs, concluded))
        if info.id in compiled.needs_applies:
            applies[info.id] = True
            new.append(encode_fact(APPLIES + info.id, True))
        return new


def conclude(info: RuleInfo, lookup) -> dict[str, Any]:
    values = {}
    for name, node in info.then.items():
        value = _evaluate(node, lookup, info.id, info)
        if value is ex.UNKNOWN:
            raise _failure(f"rule {info.id} fired, but its formula for {name} reads an unknown value", info)
        values[name] = value
    return values


def _evaluate(node: ex.Node, lookup, what: str, info: RuleInfo | None = None) -> Any:
    try:
        return ex.evaluate(node, lookup)
    except ex.EvaluationFailure as exc:
        raise _failure(f"{what}: cannot evaluate {ex.render(node)}: {exc}", info) from None


def _failure(message: str, info: RuleInfo | None = None) -> EvaluationError:
    loc = Location(info.file, info.line, 1) if info else Location("<engine>")
    return EvaluationError([Diagnostic("EV-201", "evaluation-failed", message, loc, rule_id=info.id if info else "")])


# ---------------------------------------------------------------- the same semantics in plain Python


def reference_run(ruleset: RuleSet, case: Case, day: dt.date | None, in_force: list[RuleInfo],
                  readings: dict[str, Any]) -> tuple[set[str], dict[str, Any]]:
    """Forward chaining to a fixpoint in plain Python: the rules that apply and the facts known at the end."""
    facts = dict(flatten(case))

    def lookup(name: str) -> Any:
        if name.startswith(ex.PARAMETER_PREFIX):
            return readings[name].value if name in readings else ex.UNKNOWN
        return facts.get(name, ex.UNKNOWN)

    fired: set[str] = set()
    by_target = {r.id: [e for e in in_force if e.rule.exception_of == r.id] for r in in_force}
    changed = True
    while changed:
        changed = False
        for info in in_force:
            if info.id in fired:
                continue
            exceptions = by_target[info.id]
            if applies_now(info, exceptions, by_target, lookup) is True:
                fired.add(info.id)
                for name, value in conclude(info, lookup).items():
                    facts.setdefault(name, value)
                changed = True
    return fired, facts


def applies_now(info: RuleInfo, exceptions: list[RuleInfo], by_target: dict[str, list[RuleInfo]], lookup) -> Any:
    """Kleene value of 'this rule applies': its conditions hold and no exception in force applies."""
    values = [fn(lookup) for fn in info.when_fns]
    result = False if False in values else (ex.UNKNOWN if ex.UNKNOWN in values else True)
    for exc in exceptions:
        status = applies_now(exc, by_target.get(exc.id, []), by_target, lookup)
        if status is True:
            return False
        if status is ex.UNKNOWN and result is not False:
            result = ex.UNKNOWN
    return result


def verify(ruleset: RuleSet, result: RunResult) -> None:
    """Raise if durable_rules fired anything other than what the Python evaluation of the same rules applies."""
    if result.compiled is None:
        return
    expected, facts = reference_run(ruleset, result.case, result.day, result.compiled.in_force,
                                    result.compiled.readings)
    fired = {f.rule.id for f in result.firings}
    visible = {k: v for k, v in result.facts.items() if not k.startswith((APPLIES, LIFT))}
    if fired != expected or visible != facts:
        raise _failure(f"durable_rules and the Python evaluation disagree on case {result.case.case_id}: "
                       f"Rete fired {sorted(fired)}, Python applies {sorted(expected)}")
