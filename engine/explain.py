"""Turn a run into a Decision: outcomes, benefits, determinations, what is missing, and for every rule either its
firing (with inputs and dated parameters) or why it did not apply. Reads results; never changes them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from . import __version__
from . import expressions as ex
from .facts import case_facts, fact_kind
from .model import (BenefitStatus, Case, ContingencyDecision, Decision, Determination, Firing, MissingItem, NotApplied,
                    ParameterUse, ValueUse)
from .runner import RunResult, applies_now
from .validator import RuleInfo, RuleSet


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
    return value


SHARED_LIMIT = 20_000


class _Explainer:
    def __init__(self, ruleset: RuleSet, result: RunResult, shared: dict | None = None):
        self.ruleset, self.result = ruleset, result
        compiled = result.compiled
        self.in_force = {r.id: r for r in compiled.in_force} if compiled else {}
        self.exceptions = compiled.exceptions if compiled else {}
        self.concluders = compiled.concluders if compiled else {}
        self.shared = shared if shared is not None else {}
        self.fired = {f.rule.id for f in result.firings}
        self.derived = ruleset.declarations
        # One dict for facts and parameters: the explainer looks values up hundreds of times per case.
        values = {**(compiled.parameter_values if compiled else {}), **result.facts}
        unknown = ex.UNKNOWN
        self.lookup = lambda name: values.get(name, unknown)
        self._status: dict[str, NotApplied] = {}
        self._missing_memo: dict[str, set[str]] = {}
        self.undecided: set[str] = set()  # derived facts that no rule in force can conclude for this case


    def value_use(self, name: str) -> ValueUse:
        source = "parameter" if name.startswith(ex.PARAMETER_PREFIX) else self.result.sources.get(name, "input")
        value = self.lookup(name)
        key = ("value", name, type(value).__name__, str(value), source)
        use = self.shared.get(key)
        if use is None:
            use = self.shared[key] = ValueUse(name=name, value=jsonable(value), source=source)
        return use

    # ---- why a rule did not apply

    def status(self, info: RuleInfo) -> NotApplied:
        if info.id not in self._status:
            self._status[info.id] = self._shared_why_not(info)
        return self._status[info.id]

    def _shared_why_not(self, info: RuleInfo) -> NotApplied:
        """Explanations are shared across cases (the models are immutable). A rule not in force is explained by
        the date alone; a rule whose condition fails, by that condition and the values it reads (the conditions
        before it do not change the explanation); a rule waiting for facts, by the values it reads and what each
        unknown derived fact among them waits for (memoised per case)."""
        lookup = self.lookup
        if info.id not in self.in_force:
            key: tuple = (info.id, self.result.day)
        else:
            failing = next((i for i, fn in enumerate(info.when_fns) if fn(lookup) is False), None)
            if failing is not None:
                key = (info.id, failing, self._values(info.condition_names[failing]))
            elif self.exceptions.get(info.id):
                return self._why_not(info)  # depends on the exceptions too: rare, computed each time
            else:
                waiting = tuple((n, missing, frozenset(self.blocking({n})) if not missing else None)
                                for n in info.reads() if n in self.derived and lookup(n) is ex.UNKNOWN
                                for missing in (frozenset(self.missing_fact(n)),))
                key = (info.id, self.result.compiled.key, self._values(info.reads()), waiting)
        cached = self.shared.get(key)
        if cached is None:
            cached = self._why_not(info)
            if len(self.shared) >= SHARED_LIMIT:
                self.shared.clear()  # a simple bound: the cache refills with what the portfolio repeats
            self.shared[key] = cached
        return cached

    def _values(self, names: list[str]) -> tuple:
        lookup, sources = self.lookup, self.result.sources
        return tuple((type(v).__name__, str(v), sources.get(n)) for n in names for v in (lookup(n),))

    def _why_not(self, info: RuleInfo) -> NotApplied:
        base = dict(rule_id=info.id, title=info.rule.title, citation=info.rule.citation)
        day = self.result.day
        if info.id not in self.in_force:
            period = f"in force from {info.rule.effective.from_}" + (
                f" to {info.rule.effective.to}" if info.rule.effective.to else "")
            detail = (f"not in force on {day} ({period})" if day else
                      "no governing date: the case has no accident, disease, invalidity notice or death date")
            return NotApplied(status="not_in_force", detail=detail, **base)
        unknown_conditions = []
        for text, node, names, fn in zip(info.rule.when, info.when, info.condition_names, info.when_fns):
            value = fn(self.lookup)
            if value is False:
                actual = [self.value_use(n) for n in names]
                lacking = [n for n in names if fact_kind(n) == "evidence" and self.lookup(n) is False]
                if lacking:  # evidence recorded as false is evidence not yet provided, not a failed condition
                    return NotApplied(status="needs_facts", condition=text, missing=sorted(set(lacking)), actual=actual,
                                      detail="needs " + ", ".join(_describe_missing(m) for m in sorted(set(lacking))),
                                      **base)
                raw = [(n, self.lookup(n)) for n in names]
                computed = [(ex.render(call), ex.evaluate(call, self.lookup)) for call in _calls(node)]
                actual += [ValueUse(name=n, value=jsonable(v), source="computed") for n, v in computed]
                shown = ", ".join(f"{n} = {ex.render_value(v)}" for n, v in raw + computed)
                return NotApplied(status="condition_false", condition=text, actual=actual,
                                  detail=f"first failing condition: {text} ({shown})", **base)
            if value is ex.UNKNOWN:
                unknown_conditions.append((text, names))
        if unknown_conditions:
            missing = sorted(set().union(*(self.missing_for_names(names) for _, names in unknown_conditions)))
            text = unknown_conditions[0][0]
            detail = "needs " + ", ".join(_describe_missing(m) for m in missing) if missing else \
                f"{text} is unknown: " + self.undecided_reason(
                    self.blocking({n for _, names in unknown_conditions for n in names}))
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

    def missing_fact(self, name: str) -> set[str]:
        """The case inputs and findings that would have to be known for `name` to become known."""
        if name in self._missing_memo:
            return self._missing_memo[name]
        self._missing_memo[name] = set()  # the rule set is acyclic; this only guards the recursion
        if name in case_facts():
            found = {name}
        else:
            found, pending = set(), False
            for info in self.concluders.get(name, ()):
                if self.status(info).status == "needs_facts":
                    found |= set(self.status(info).missing)
                    pending = True
            if not pending:
                self.undecided.add(name)
        self._missing_memo[name] = found
        return found

    def blocking(self, names: set[str], seen: set[str] | None = None) -> set[str]:
        """The unknown derived facts, at any depth below `names`, that no rule in force decides for this case."""
        seen = set() if seen is None else seen
        found: set[str] = set()
        for name in sorted(names - seen):
            seen.add(name)
            if name in case_facts() or self.lookup(name) is not ex.UNKNOWN:
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
            parts.append(f"{name}" + (f" ({periods})" if periods else ""))
        return "no rule in force on the governing date decides, for this case, " + ", ".join(parts)

    # ---- the decision

    def firing(self, record) -> Firing:
        info = record.rule
        compiled = self.result.compiled
        key = ("parameters", compiled.key, info.id)
        parameters = self.shared.get(key)
        if parameters is None:
            readings = compiled.readings
            parameters = self.shared[key] = [
                ParameterUse(name=n, value=jsonable(readings[n].value), effective_from=readings[n].effective_from,
                             source=readings[n].source, confidence=readings[n].confidence)
                for n in info.reads() + info.reads_in_formulas() if n in readings]
        inputs = [self.value_use(n) for n in record.inputs if not n.startswith(ex.PARAMETER_PREFIX)]
        return Firing(step=record.step, rule_id=info.id, title=info.rule.title, citation=info.rule.citation,
                      effective=info.rule.effective, file=info.file, line=info.line, inputs=inputs,
                      parameters=parameters, concluded={k: jsonable(v) for k, v in record.concluded.items()})

    def concluded_by(self, fact: str) -> RuleInfo | None:
        source = self.result.sources.get(fact)
        return self.ruleset.rule(source) if source and source != "input" else None

    def pending(self, fact: str) -> list[str]:
        return sorted(self.missing_fact(fact))

    def contingency(self, fact: str, title: str) -> ContingencyDecision:
        value = self.lookup(fact)
        benefits = [self.benefit(name, decl.title, value) for name, decl in sorted(self.ruleset.declarations.items())
                    if decl.role == "benefit" and decl.contingency == fact]
        if value is ex.UNKNOWN:
            needs = self.pending(fact)
            reason = ("undetermined: needs " + ", ".join(_describe_missing(m) for m in needs)) if needs else \
                "undetermined: " + self.undecided_reason(self.blocking({fact}) or {fact})
            return ContingencyDecision(fact=fact, title=title, outcome="undetermined", reason=reason, benefits=benefits)
        rule = self.concluded_by(fact)
        return ContingencyDecision(fact=fact, title=title, outcome=value, rule_id=rule.id,
                                   reason=f"{rule.id} ({_cite(rule)}): {rule.rule.title}", benefits=benefits)

    def benefit(self, fact: str, title: str, outcome: Any) -> BenefitStatus:
        if outcome == "not_covered":
            return BenefitStatus(fact=fact, title=title, status="does_not_apply", reason="the contingency is not covered")
        value = self.lookup(fact)
        if outcome is ex.UNKNOWN or value is ex.UNKNOWN:
            needs = self.pending(fact) if outcome is not ex.UNKNOWN else []
            reason = ("needs " + ", ".join(_describe_missing(m) for m in needs)) if needs else \
                "undetermined until the contingency is decided" if outcome is ex.UNKNOWN else \
                "no rule in force decides it on the governing date"
            return BenefitStatus(fact=fact, title=title, status="undetermined", reason=reason)
        rule = self.concluded_by(fact)
        return BenefitStatus(fact=fact, title=title, status="applies" if value else "does_not_apply",
                             rule_id=rule.id, reason=f"{rule.id} ({_cite(rule)}): {rule.rule.title}")

    def decide(self, case_file: str) -> Decision:
        result, ruleset = self.result, self.ruleset
        events = {"accident": result.case.accident, "disease": result.case.disease,
                  "invalidity": result.case.invalidity, "death": result.case.death}
        contingencies = [self.contingency(name, decl.title) for name, decl in sorted(ruleset.declarations.items())
                         if decl.role == "outcome" and events.get(decl.event or "") is not None]
        determinations = []
        for name, decl in sorted(ruleset.declarations.items()):
            if decl.role == "determination":
                rule = self.concluded_by(name)
                determinations.append(Determination(fact=name, title=decl.title, value=jsonable(self.lookup(name)),
                                                    rule_id=rule.id if rule else None))
        wanted: set[str] = set()
        for c in contingencies:
            if c.outcome == "undetermined":
                wanted |= self.missing_fact(c.fact)
            elif c.outcome == "covered":
                for b in c.benefits:
                    if b.status == "undetermined":
                        wanted |= self.missing_fact(b.fact)
        for d in determinations:
            if d.value is None:
                wanted |= self.missing_fact(d.fact)
        if result.day is None:  # the event's own date, or any event date when the case records no event
            events_present = [n for n in Case.GOVERNING_DATES if getattr(result.case, n.split(".")[0]) is not None]
            wanted |= set(events_present[:1] or Case.GOVERNING_DATES)
        not_applied = [self.status(info) for info in ruleset.rules if info.id not in self.fired]
        missing = []
        for name in sorted(wanted):
            needed_by = sorted(n.rule_id for n in not_applied if name in n.missing)
            missing.append(MissingItem(name=name, kind=fact_kind(name), description=ruleset.fact_title(name),
                                       needed_by=needed_by))
        return Decision(case_id=result.case.case_id, case_file=case_file, governing_date=result.day,
                        rules_version=ruleset.version, engine_version=__version__, contingencies=contingencies,
                        determinations=determinations, missing=missing,
                        fired=[self.firing(f) for f in result.firings], not_applied=not_applied)


def _calls(node: ex.Node) -> list[ex.Node]:
    """The function calls in a condition, whose computed values an auditor wants to see."""
    if isinstance(node, ex.Call):
        return [node]
    found: list[ex.Node] = []
    for child in ex.children(node):
        found += _calls(child)
    return found


def _cite(info: RuleInfo) -> str:
    return info.rule.citation.short()


def _describe_missing(name: str) -> str:
    return {"finding": "officer's finding", "evidence": "evidence", "fact": "fact"}[fact_kind(name)] + f" {name}"


def explain(ruleset: RuleSet, result: RunResult, case_file: str, shared: dict | None = None) -> Decision:
    """The decision for a run. `shared` is a cache of why-not explanations kept across cases (Engine.explanations)."""
    return _Explainer(ruleset, result, shared).decide(case_file)
