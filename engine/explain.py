"""Turn a run into a Decision: outcomes, benefits, determinations, what is missing, and for every rule either its
firing (with inputs and dated parameters) or why it did not apply. Reads results; never changes them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from . import __version__
from . import expressions as ex
from .facts import case_facts, fact_kind
from .model import (Amount, BenefitStatus, Case, ContingencyDecision, Decision, Determination, Firing, MissingItem,
                    NotApplied, ParameterUse, ValueUse)
from .runner import RunResult, applies_now
from .validator import RuleInfo, RuleSet


def _text(value: Any) -> Any:
    """A value as it appears in a cache key: its text (lossless for every scalar type), or a list itself (hashable
    records; its text would be long and slow to build)."""
    return value if isinstance(value, tuple) else str(value)


def jsonable(value: Any) -> Any:
    """A fact value as it appears in a decision: exact decimals as strings, dates as ISO text, unknown as null."""
    if value is ex.UNKNOWN or value is None:
        return None
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple) or ex.is_dated(value):
        return ex.render_value(value)
    return value


SHARED_LIMIT = 20_000


class _Plan:
    """What the explainer reads of a rule set for every case, worked out once per rule set."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        declarations = sorted(ruleset.declarations.items())
        self.outcomes = [(name, decl.title, decl.events()) for name, decl in declarations if decl.role == "outcome"]
        self.determinations = [(name, decl.title, decl.events()) for name, decl in declarations
                               if decl.role == "determination"]
        self.amounts = [(name, decl) for name, decl in declarations if decl.role == "amount"]
        self.employer_findings = {name for name, decl in declarations if decl.about == "employer"}
        self.benefits = {name: [(b, d.title) for b, d in declarations if d.role == "benefit" and d.contingency == name]
                         for name, _, _ in self.outcomes}
        self.rules = {r.id: r for r in ruleset.rules}
        # (rule id, condition index) -> the evidence names it reads, and its function calls rendered and compiled
        # (the same values and errors as evaluate): what explaining a failed condition shows.
        self.conditions = {(r.id, i): ([n for n in names if fact_kind(n) == "evidence"],
                                       [(ex.render(call), ex.compile_node(call)) for call in _calls(node)])
                           for r in ruleset.rules for i, (node, names) in enumerate(zip(r.when, r.condition_names))}
        self.periods = {r.id: f"in force from {r.rule.effective.from_}" + (
            f" to {r.rule.effective.to}" if r.rule.effective.to else "") for r in ruleset.rules}
        self.eras: dict[tuple, tuple[int, dict[str, RuleInfo]]] = {}

    def era(self, compiled: Any) -> tuple[int | None, dict[str, RuleInfo]]:
        """A small number that stands in cache keys for compiled.key (the rules in force and the dated parameter
        readings: one number per key for the life of the plan), and the rules in force by id."""
        if compiled is None:
            return None, {}
        found = self.eras.get(compiled.key)
        if found is None:
            found = self.eras[compiled.key] = (len(self.eras), {r.id: r for r in compiled.in_force})
        return found


def _plan(ruleset: RuleSet, shared: dict) -> _Plan:
    """The plan is kept in the shared cache, checked against the rule set itself. Every other entry was made
    under that plan (rule ids, era numbers), so a cache met with another rule set starts afresh."""
    plan = shared.get("plan")
    if plan is None or plan.ruleset is not ruleset:
        shared.clear()
        plan = shared["plan"] = _Plan(ruleset)
    return plan


class _Explainer:
    def __init__(self, ruleset: RuleSet, result: RunResult, shared: dict | None = None):
        self.ruleset, self.result = ruleset, result
        compiled = result.compiled
        self.exceptions = compiled.exceptions if compiled else {}
        self.concluders = compiled.concluders if compiled else {}
        self.shared = shared if shared is not None else {}
        self.plan = _plan(ruleset, self.shared)
        self.era, self.in_force = self.plan.era(compiled)
        self.fired = {f.rule.id for f in result.firings}
        self.case_facts = case_facts()
        # One dict for facts and parameters: the explainer looks values up hundreds of times per case.
        values = {**(compiled.parameter_values if compiled else {}), **result.facts}
        unknown = ex.UNKNOWN
        self.lookup = lambda name: values.get(name, unknown)
        self.sources = result.sources
        self._status: dict[str, NotApplied] = {}
        self._missing_memo: dict[str, frozenset[str]] = {}
        self.undecided: set[str] = set()  # derived facts that no rule in force can conclude for this case

    def _model(self, model: type, key: tuple, **fields: Any) -> Any:
        """A decision part shared across cases: `key` holds every field (the rule set's texts aside, which the
        shared cache's single rule set fixes), values as (type, value) so that equal-but-different values differ.
        (A rule_id is given only where there is one, as before: the same fields are set.)"""
        found = self.shared.get(key)
        return found if found is not None else self._remember(key, model(**fields))

    def _remember(self, key: tuple, value: Any) -> Any:
        shared = self.shared
        if len(shared) >= SHARED_LIMIT:
            shared.clear()  # a simple bound: the cache refills with what the portfolio repeats
            shared["plan"] = self.plan  # which numbers the eras that keys name
        shared[key] = value
        return value

    def value_use(self, name: str) -> ValueUse:
        source = "parameter" if name.startswith(ex.PARAMETER_PREFIX) else self.sources.get(name, "input")
        return self._use(name, self.lookup(name), source)

    def _use(self, name: str, value: Any, source: str) -> ValueUse:
        key = ("value", name, type(value).__name__, _text(value), source)
        use = self.shared.get(key)
        return use if use is not None else self._remember(key, ValueUse(name=name, value=jsonable(value),
                                                                        source=source))

    # ---- why a rule did not apply

    def status(self, info: RuleInfo) -> NotApplied:
        """Why `info` did not apply, memoised for the case. Explanations are also shared across cases (the models
        are immutable); each key holds everything its explanation reads (the shared cache belongs to one engine,
        so a rule id names one rule):
        - not in force: the rule and the governing date (the text names both);
        - a condition fails: the rule, the first failing condition and the values it reads with their sources
          (type and text are lossless for every value type); the conditions before it do not change the text;
        - no condition fails but one is unknown: the rule, the rules in force (the era: the undecided reason lists
          rules not in force), which conditions are unknown, which names the rule reads are unknown, and for
          each unknown name that is not a case fact, what it waits for (memoised per case) and, when nothing would
          help, what blocks it. The known values themselves do not appear in that explanation.
        A rule whose conditions all hold but that has exceptions in force depends on the exceptions too: rare, and
        computed each time."""
        rule_id = info.id
        found = self._status.get(rule_id)
        if found is not None:
            return found
        failing = None
        if rule_id not in self.in_force:
            key: tuple = ("not_in_force", rule_id, self.result.day)
        else:
            lookup = self.lookup
            values = []
            for index, fn in enumerate(info.when_fns):
                value = fn(lookup)
                if value is False:
                    failing = index
                    break
                values.append(value)
            if failing is not None:
                read = []
                for name in info.condition_names[failing]:
                    value = lookup(name)
                    read.append((type(value), _text(value), self.sources.get(name)))
                key = ("condition_false", rule_id, failing, tuple(read))
            elif ex.UNKNOWN not in values:
                key = ("engine_fault", rule_id) if not self.exceptions.get(rule_id) else None
            else:
                unknown, waiting = [], []
                for name in info.reads():
                    if lookup(name) is ex.UNKNOWN:
                        unknown.append(name)
                        if name not in self.case_facts:
                            missing = self.missing_fact(name)
                            waiting.append((name, missing, None if missing else frozenset(self.blocking({name}))))
                key = ("needs_facts", rule_id, self.era, tuple(values), tuple(unknown), tuple(waiting))
        if key is None:
            found = self._why_not(info)
        else:
            found = self.shared.get(key)
            if found is None:
                found = self._remember(key, self._why_not(info, failing))
        self._status[rule_id] = found
        return found

    def _why_not(self, info: RuleInfo, failing: int | None = None) -> NotApplied:
        """Why `info` did not apply. `failing`, when the caller knows it, is the index of its first false condition."""
        base = dict(rule_id=info.id, title=info.rule.title, citation=info.rule.citation)
        day = self.result.day
        if info.id not in self.in_force:
            detail = (f"not in force on {day} ({self.plan.periods[info.id]})" if day else
                      "no governing date: the case has no accident, disease, invalidity notice or death date")
            return NotApplied(status="not_in_force", detail=detail, **base)
        if failing is not None:
            return self._condition_false(info, failing, base)
        unknown_conditions = []
        for index, (text, names, fn) in enumerate(zip(info.condition_texts, info.condition_names, info.when_fns)):
            value = fn(self.lookup)
            if value is False:
                return self._condition_false(info, index, base)
            if value is ex.UNKNOWN:
                unknown_conditions.append((text, names, index))
        if unknown_conditions:
            missing = set().union(*(self.missing_for_names(names) for _, names, _ in unknown_conditions))
            # A function that has no value on known inputs (a month with no wage, a date with no dated value):
            # the lists it reads are what the officer completes; its own description says what it lacks.
            partial = [(text, call) for text, names, index in unknown_conditions
                       if all(self.lookup(n) is not ex.UNKNOWN for n in names)
                       for call in _unknown_calls(info.when[index], self.lookup)]
            lists = {ref.name for _, call in partial for ref in ex.names_in(call)
                     if ref.name in self.case_facts and isinstance(self.lookup(ref.name), tuple)}
            missing = sorted(missing | lists)
            text = unknown_conditions[0][0]
            if partial:
                text, call = partial[0]
                why = f"{ex.render(call)} has no value for this case ({ex.FUNCTIONS[call.fn].doc})"
                detail = ("needs " + ", ".join(_describe_missing(m) for m in missing) + ": " if missing else "") + why
            elif missing:
                detail = "needs " + ", ".join(_describe_missing(m) for m in missing)
            else:
                detail = f"{text} is unknown: " + self.undecided_reason(
                    self.blocking({n for _, names, _ in unknown_conditions for n in names}))
            return NotApplied(status="needs_facts", condition=text, missing=missing, detail=detail, **base)
        for exc in self.exceptions.get(info.id, []):
            applies = applies_now(exc, self.exceptions.get(exc.id, []), self.exceptions, self.lookup)
            if applies is True:
                return NotApplied(status="overridden", detail=f"overridden by exception {exc.id} "
                                  f"({_cite(exc)}): {exc.rule.title}", **base)
            if applies is ex.UNKNOWN:
                missing = sorted(self.missing_for_rule(exc))
                return NotApplied(status="needs_facts", missing=missing,
                                  detail=f"exception {exc.id} may apply; needs "
                                         + ", ".join(_describe_missing(m) for m in missing), **base)
        # Every condition holds and no exception applies, yet the rule did not fire: the engine is wrong.
        return NotApplied(status="needs_facts", detail="conditions hold but the rule did not fire (engine fault)",
                          **base)

    def _condition_false(self, info: RuleInfo, index: int, base: dict) -> NotApplied:
        text, names, lookup = info.condition_texts[index], info.condition_names[index], self.lookup
        evidence, calls = self.plan.conditions[info.id, index]
        actual = [self.value_use(n) for n in names]
        lacking = [n for n in evidence if lookup(n) is False]
        if lacking:  # evidence recorded as false is evidence not yet provided, not a failed condition
            return NotApplied(status="needs_facts", condition=text, missing=sorted(set(lacking)), actual=actual,
                              detail="needs " + ", ".join(_describe_missing(m) for m in sorted(set(lacking))),
                              **base)
        raw = [(n, lookup(n)) for n in names]
        computed = [(rendered, fn(lookup)) for rendered, fn in calls]
        actual += [self._use(n, v, "computed") for n, v in computed]
        shown = ", ".join(f"{n} = {ex.render_value(v)}" for n, v in raw + computed)
        return NotApplied(status="condition_false", condition=text, actual=actual,
                          detail=f"first failing condition: {text} ({shown})", **base)

    def missing_for_names(self, names: list[str]) -> set[str]:
        found: set[str] = set()
        for name in names:
            if self.lookup(name) is ex.UNKNOWN:
                found |= self.missing_fact(name)
        return found

    def missing_for_rule(self, info: RuleInfo) -> set[str]:
        found: set[str] = set()
        for names, fn in zip(info.condition_names, info.when_fns):
            if fn(self.lookup) is ex.UNKNOWN:
                found |= self.missing_for_names(names)
        return found

    def missing_fact(self, name: str) -> frozenset[str]:
        """The case inputs and findings that would have to be known for `name` to become known."""
        found = self._missing_memo.get(name)
        if found is not None:
            return found
        self._missing_memo[name] = frozenset()  # the rule set is acyclic; this only guards the recursion
        if name in self.case_facts:
            found = frozenset((name,))
        else:
            needed: set[str] = set()
            pending = False
            for info in self.concluders.get(name, ()):
                status = self.status(info)
                if status.status == "needs_facts":
                    needed.update(status.missing)
                    pending = True
            if not pending:
                self.undecided.add(name)
            found = frozenset(needed)
        self._missing_memo[name] = found
        return found

    def blocking(self, names: set[str], seen: set[str] | None = None) -> set[str]:
        """The unknown derived facts, at any depth below `names`, that no rule in force decides for this case."""
        seen = set() if seen is None else seen
        found: set[str] = set()
        for name in sorted(names - seen):
            seen.add(name)
            if name in self.case_facts or self.lookup(name) is not ex.UNKNOWN:
                continue
            self.missing_fact(name)
            if name in self.undecided:
                found.add(name)
                continue
            for info in self.concluders.get(name, ()):
                if self.status(info).status == "needs_facts":
                    for names_read, fn in zip(info.condition_names, info.when_fns):
                        if fn(self.lookup) is ex.UNKNOWN:
                            found |= self.blocking(set(names_read), seen)
        return found

    def undecided_reason(self, names: set[str]) -> str:
        """Why a fact stays unknown when no input would help: no rule in force on the governing date decides it."""
        parts = []
        for name in sorted(names):
            later = [r for r in self.ruleset.rules if name in r.then and r.id not in self.in_force]
            periods = "; ".join(f"{r.id} in force from {r.rule.effective.from_}"
                                + (f" to {r.rule.effective.to}" if r.rule.effective.to else "") for r in later[:3])
            declaration = self.ruleset.declarations.get(name)
            note = declaration.undecided_note if declaration and declaration.undecided_note else ""
            parts.append(f"{name}" + (f" ({periods})" if periods else "") + (f": {note.strip()}" if note else ""))
        return "no rule in force on the governing date decides, for this case, " + ", ".join(parts)

    # ---- the decision

    def firing(self, record) -> Firing:
        info = record.rule
        compiled = self.result.compiled
        lookup, sources = self.lookup, self.result.sources
        # A firing is shared across cases: the rule, its step, the rules in force and dated parameters
        # (the era), each input's name, value (type and text are lossless) and source, and each conclusion.
        inputs, concluded = [], []
        for name in record.inputs:
            if not name.startswith(ex.PARAMETER_PREFIX):
                value = lookup(name)
                inputs.append((name, type(value).__name__, _text(value), sources.get(name, "input")))
        for name, value in record.concluded.items():
            concluded.append((name, type(value).__name__, _text(value)))
        key = ("firing", self.era, info.id, record.step, tuple(inputs), tuple(concluded))
        found = self.shared.get(key)
        if found is not None:
            return found
        parameters_key = ("parameters", self.era, info.id)
        parameters = self.shared.get(parameters_key)
        if parameters is None:
            readings = compiled.readings
            parameters = self._remember(parameters_key, [
                ParameterUse(name=n, value=jsonable(readings[n].value), effective_from=readings[n].effective_from,
                             source=readings[n].source, confidence=readings[n].confidence)
                for n in info.reads() + info.reads_in_formulas() if n in readings])
        uses = [self.value_use(n) for n in record.inputs if not n.startswith(ex.PARAMETER_PREFIX)]
        uses += [self._use(n, ex.UNKNOWN, "not recorded: the law's presumption applies") for n in info.presumed
                 if lookup(n) is ex.UNKNOWN]
        found = Firing(step=record.step, rule_id=info.id, title=info.rule.title, citation=info.rule.citation,
                       effective=info.rule.effective, file=info.file, line=info.line, inputs=uses,
                       parameters=parameters, concluded={k: jsonable(v) for k, v in record.concluded.items()})
        return self._remember(key, found)

    def concluded_by(self, fact: str) -> RuleInfo | None:
        source = self.result.sources.get(fact)
        return self.plan.rules[source] if source and source != "input" else None

    def pending(self, fact: str) -> list[str]:
        return sorted(self.missing_fact(fact))

    def contingency(self, fact: str, title: str) -> ContingencyDecision:
        value = self.lookup(fact)
        benefits = [self.benefit(name, benefit_title, value) for name, benefit_title in self.plan.benefits[fact]]
        if value is ex.UNKNOWN:
            needs = self.pending(fact)
            reason = ("undetermined: needs " + ", ".join(_describe_missing(m) for m in needs)) if needs else \
                "undetermined: " + self.undecided_reason(self.blocking({fact}) or {fact})
            outcome, rule_id = "undetermined", None
        else:
            rule = self.concluded_by(fact)
            outcome, rule_id, reason = value, rule.id, f"{rule.id} ({_cite(rule)}): {rule.rule.title}"
        return self._model(ContingencyDecision, ("contingency", fact, title, type(outcome), outcome, rule_id, reason,
                                                 tuple([(b.fact, b.status, b.rule_id, b.reason) for b in benefits])),
                           fact=fact, title=title, outcome=outcome, reason=reason, benefits=benefits,
                           **({"rule_id": rule_id} if rule_id else {}))

    def benefit(self, fact: str, title: str, outcome: Any) -> BenefitStatus:
        rule_id = None
        if outcome == "not_covered":
            status, reason = "does_not_apply", "the contingency is not covered"
        else:
            value = self.lookup(fact)
            if outcome is ex.UNKNOWN or value is ex.UNKNOWN:
                needs = self.pending(fact) if outcome is not ex.UNKNOWN else []
                reason = ("needs " + ", ".join(_describe_missing(m) for m in needs)) if needs else \
                    "undetermined until the contingency is decided" if outcome is ex.UNKNOWN else \
                    "no rule in force decides it on the governing date"
                status = "undetermined"
            else:
                rule = self.concluded_by(fact)
                status = "applies" if value else "does_not_apply"
                rule_id, reason = rule.id, f"{rule.id} ({_cite(rule)}): {rule.rule.title}"
        return self._model(BenefitStatus, ("benefit", fact, title, status, rule_id, reason),
                           fact=fact, title=title, status=status, reason=reason,
                           **({"rule_id": rule_id} if rule_id else {}))

    def amount(self, name: str, decl: Any) -> Amount | None:
        """An amount with its formula, the values and dated parameters it used, its rounding and period; or, when
        the fact it quantifies holds but the amount cannot be computed, why not. None when it does not concern
        the case."""
        value = self.lookup(name)
        period = [jsonable(self.lookup(n)) for n in decl.period] if decl.period else None
        common = dict(fact=name, title=decl.title, unit=decl.unit or "", period=period, of=decl.of_benefit,
                      of_title=self.ruleset.fact_title(decl.of_benefit) if decl.of_benefit else None)
        if value is ex.UNKNOWN:
            if not decl.of_benefit or self.lookup(decl.of_benefit) is not True:
                return None
            needs = self.pending(name)
            reason = ("needs " + ", ".join(_describe_missing(m) for m in needs)) if needs else \
                self.undecided_reason(self.blocking({name}) or {name})
            return Amount(value=None, reason=reason, **common)
        info = self.concluded_by(name)
        formula = info.then[name]
        written = info.rule.then[name]
        inputs = [self.value_use(n) for n in dict.fromkeys(r.name for r in ex.names_in(formula))
                  if not n.startswith(ex.PARAMETER_PREFIX)]
        parameters: list[ParameterUse] = []
        readings = self.result.compiled.readings
        for call in _calls_deep(formula):
            try:
                computed = ex.evaluate(call, self.lookup)
            except ex.EvaluationFailure:
                continue
            inputs.append(self._use(ex.render(call), computed, "computed"))
            parameters += _history_uses(call, self.lookup)
        for n in dict.fromkeys(r.name for r in ex.names_in(formula)):
            if n in readings and not ex.is_dated(readings[n].value):
                r = readings[n]
                parameters.append(ParameterUse(name=n, value=jsonable(r.value), effective_from=r.effective_from,
                                               source=r.source, confidence=r.confidence))
        return Amount(value=jsonable(value), rule_id=info.id, formula=ex.render(formula),
                      rounding=getattr(written, "rounding", None), inputs=inputs,
                      parameters=list({(p.name, p.effective_from): p for p in parameters}.values()), **common)

    def decide(self, case_file: str) -> Decision:
        result, ruleset, plan = self.result, self.ruleset, self.plan
        case = result.case
        events = {"accident": case.accident, "disease": case.disease, "invalidity": case.invalidity,
                  "death": case.death, "contribution_month": case.contribution_month}
        contingencies = [self.contingency(name, title) for name, title, wanted_events in plan.outcomes
                         if any(events[event] is not None for event in wanted_events)]
        determinations = []
        for name, title, wanted_events in plan.determinations:
            if wanted_events and not any(events[event] is not None for event in wanted_events):
                continue
            rule = self.concluded_by(name)
            value, rule_id = jsonable(self.lookup(name)), rule.id if rule else None
            determinations.append(self._model(Determination, ("determination", name, title, type(value), value,
                                                              rule_id),
                                              fact=name, title=title, value=value, rule_id=rule_id))
        wanted: set[str] = set()
        for c in contingencies:
            if c.outcome == "undetermined":
                wanted |= self.missing_fact(c.fact)
            elif c.outcome == "covered":
                for b in c.benefits:
                    if b.status == "undetermined":
                        wanted |= self.missing_fact(b.fact)
        for d in determinations:
            if d.value is None and d.fact not in plan.employer_findings:
                wanted |= self.missing_fact(d.fact)
        amounts = [a for a in (self.amount(name, decl) for name, decl in plan.amounts
                               if not decl.events() or any(events[e] is not None for e in decl.events()))
                   if a is not None]
        for a in amounts:
            if a.value is None:
                wanted |= self.missing_fact(a.fact)
        if result.day is None:  # the event's own date, or any event date when the case records no event
            events_present = [n for n in Case.GOVERNING_DATES if getattr(case, n.split(".")[0]) is not None]
            wanted |= set(events_present[:1] or Case.GOVERNING_DATES)
        memo, fired = self._status, self.fired
        not_applied = [memo[info.id] if info.id in memo else self.status(info) for info in ruleset.rules
                       if info.id not in fired]
        missing = []
        if wanted:
            needing: dict[str, list[str]] = {}  # fact -> the rules whose explanation says they need it
            for n in not_applied:
                for name in n.missing:
                    needing.setdefault(name, []).append(n.rule_id)
            for name in sorted(wanted):
                needed_by = sorted(set(needing.get(name, ())))
                key = ("missing", name, tuple(needed_by))  # kind and description follow from the name
                item = self.shared.get(key)
                if item is None:
                    item = self._remember(key, MissingItem(name=name, kind=fact_kind(name),
                                                           description=ruleset.fact_title(name), needed_by=needed_by))
                missing.append(item)
        return Decision(case_id=case.case_id, case_file=case_file, governing_date=result.day,
                        rules_version=ruleset.version, engine_version=__version__, contingencies=contingencies,
                        determinations=determinations, amounts=amounts, missing=missing,
                        fired=[self.firing(f) for f in result.firings], not_applied=not_applied)


def _calls(node: ex.Node) -> list[ex.Node]:
    """The function calls in a condition, whose computed values an auditor wants to see."""
    if isinstance(node, ex.Call):
        return [node]
    found: list[ex.Node] = []
    for child in ex.children(node):
        found += _calls(child)
    return found


def _unknown_calls(node: ex.Node, lookup) -> list[ex.Call]:
    """The innermost partial function calls of a condition that are unknown although all their inputs are known."""
    found: list[ex.Call] = []
    for call in _calls_deep(node):
        if ex.FUNCTIONS[call.fn].partial and all(lookup(r.name) is not ex.UNKNOWN for r in ex.names_in(call)):
            try:
                if ex.evaluate(call, lookup) is ex.UNKNOWN:
                    found.append(call)
            except ex.EvaluationFailure:
                continue
    return found[-1:]  # the innermost: the one whose description says what is lacking


def _calls_deep(node: ex.Node) -> list[ex.Call]:
    """Every function call in a formula, outermost first (known() and presume() aside): the intermediate values an
    auditor checks by hand."""
    found: list[ex.Call] = []
    if isinstance(node, ex.Call) and node.fn not in ("known", ex.PRESUME):
        found.append(node)
    for child in ex.children(node):
        found += _calls_deep(child)
    return found


def _history_uses(call: ex.Call, lookup) -> list[ParameterUse]:
    """For a call reading a dated parameter at its own dates: each dated value it used, with its date and source."""
    if not call.args or not isinstance(call.args[0], ex.Ref):
        return []
    history = lookup(call.args[0].name)
    if not ex.is_dated(history):
        return []
    days: list[dt.date] = []
    if call.fn == "average_assumed_monthly_wage":
        months, start, end = (ex.evaluate(a, lookup) for a in call.args[1:4])
        if ex.UNKNOWN not in (months, start, end):
            for record in ex._months_in(months, start, end):
                year, index = divmod(record.ordinal, 12)
                days.append(dt.date(year, index + 1, 1))
    else:
        try:
            values = [ex.evaluate(a, lookup) for a in call.args[1:]]
        except ex.EvaluationFailure:
            values = []
        days += [v for v in values if isinstance(v, dt.date)][-1:]  # the date the parameter is read at
    uses = {}
    for day in days:
        entry = history.entry_on(day)
        if entry is not None and entry.start not in uses:
            shown = f"{len(entry.value)} bands" if history.kind == "schedule" else jsonable(entry.value)
            uses[entry.start] = ParameterUse(name=call.args[0].name, value=shown, effective_from=entry.start,
                                             source=entry.source, confidence=entry.confidence)
    return [uses[k] for k in sorted(uses)]


def _cite(info: RuleInfo) -> str:
    return info.rule.citation.short()


_KIND_WORDS = {"finding": "officer's finding", "evidence": "evidence", "fact": "fact"}


@lru_cache(maxsize=4096)  # a function of the name alone
def _describe_missing(name: str) -> str:
    return _KIND_WORDS[fact_kind(name)] + f" {name}"


def explain(ruleset: RuleSet, result: RunResult, case_file: str, shared: dict | None = None) -> Decision:
    """The decision for a run. `shared` keeps, across the cases of one engine (Engine.explanations), the rule set's
    plan and the parts of decisions that cases repeat: why-not explanations, firings, value uses and the like."""
    return _Explainer(ruleset, result, shared).decide(case_file)
