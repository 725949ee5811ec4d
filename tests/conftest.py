"""Shared fixtures: the project's rule set and one engine, loaded once per test session."""
from __future__ import annotations

from decimal import Decimal

from pathlib import Path

import pytest

from engine import Engine, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
CASES = ROOT / "cases"


@pytest.fixture(scope="session")
def ruleset():
    return load_ruleset(RULES)


@pytest.fixture(scope="session")
def engine(ruleset):
    return Engine(ruleset)


# ---------------------------------------------------------------- scenario files (tests/scenarios/*.yaml)
# Analysts write scenarios in YAML, one file per rule file: each has a sentence for a name, an `input` (a partial
# case, optionally on top of a `base` case from cases/), and an `expect` block (the golden-case `expected` form).

from engine.loader import load_document  # noqa: E402
from engine.model import Case, Expected  # noqa: E402


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    return merged


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "scenarios":
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        doc = load_document(self.path, "RS", str(self.path.relative_to(ROOT)))
        for index, scenario in enumerate(doc.data["scenarios"]):
            yield ScenarioItem.from_parent(self, name=scenario["name"], scenario=scenario,
                                           line=doc.locate(("scenarios", index)).line)


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario, line, **kwargs):
        super().__init__(**kwargs)
        self.scenario, self.line = scenario, line

    def runtest(self):
        from engine import adjudicate
        from engine.validator import _normalise_numbers
        data = dict(self.scenario["input"])
        if "base" in self.scenario:
            base = load_document(CASES / self.scenario["base"], "CASE").data
            base.pop("expected", None)
            data = _merge(base, data)
        data.setdefault("case_id", "scenario")
        case = Case.model_validate(_normalise_numbers(data))
        expect = Expected.model_validate(_normalise_numbers(self.scenario["expect"]))
        engine = self.session.config._socso_engine
        decision = adjudicate(engine, case, f"{self.path.name}:{self.line}", check=True)
        problems = check_expected(decision, expect)
        if problems:
            raise ScenarioFailure(problems)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return f"{self.path.name}:{self.line}: scenario '{self.name}'\n  " + "\n  ".join(excinfo.value.args[0])
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.line, f"scenario: {self.name}"


class ScenarioFailure(Exception):
    pass


def _text_of(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def check_expected(decision, expect: Expected) -> list[str]:
    """Every difference between a decision and what a scenario or golden case expects, as sentences."""
    problems = []
    outcomes = {c.fact: c.outcome for c in decision.contingencies}
    for fact, outcome in expect.outcomes.items():
        if outcomes.get(fact) != outcome:
            reasons = "; ".join(c.reason for c in decision.contingencies if c.fact == fact)
            problems.append(f"{fact}: expected {outcome}, got {outcomes.get(fact)} ({reasons})")
    values = {d.fact: d.value for d in decision.determinations}
    for fact, value in expect.determinations.items():
        want = value if isinstance(value, (bool, str)) else str(value)
        if values.get(fact) != want:
            problems.append(f"{fact}: expected {want}, got {values.get(fact)}")
    benefits = {b.fact: b.status for c in decision.contingencies for b in c.benefits}
    for fact, status in expect.benefits.items():
        if benefits.get(fact) != status:
            problems.append(f"{fact}: expected {status}, got {benefits.get(fact)}")
    fired = [f.rule_id for f in decision.fired]
    problems += [f"{r} should have fired; fired: {fired}" for r in expect.fired if r not in fired]
    problems += [f"{r} should not have fired" for r in expect.not_fired if r in fired]
    amounts = {a.fact: a for a in decision.amounts}
    for fact, want in expect.amounts.items():
        got = amounts.get(fact)
        if got is None:
            problems.append(f"amount {fact}: expected {want}, but the decision does not list it")
        elif want is None or got.value is None:
            if want is not got.value:
                problems.append(f"amount {fact}: expected {want}, got {got.value} ({got.reason or got.formula})")
        elif (Decimal(got.value) != want) if isinstance(want, Decimal) else (got.value != _text_of(want)):
            problems.append(f"amount {fact}: expected {want}, got {got.value} = {got.formula}")
    missing = [m.name for m in decision.missing]
    problems += [f"{m} should be asked for; asked: {missing}" for m in expect.missing if m not in missing]
    problems += [f"{m} should not be asked for" for m in expect.not_missing if m in missing]
    return problems


def pytest_sessionstart(session):
    from engine import Engine, load_ruleset
    session.config._socso_engine = Engine(load_ruleset(RULES))
