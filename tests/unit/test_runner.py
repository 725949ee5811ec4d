"""The runner: durable_rules fires exactly what the plain-Python reference applies, for every golden case; programs
are compiled once per era; the governing date; failures surface as EvaluationError."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine import Engine, EvaluationError, adjudicate, load_case
from engine import runner as runner_module
from engine.compiler import APPLIES, LIFT
from engine.runner import reference_run, verify

from ..conftest import CASES
from ..helpers import make_case

CASE_FILES = sorted(CASES.glob("*.yaml"))


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_the_rete_fires_what_the_python_reference_applies(engine, ruleset, path):
    result = engine.run(load_case(path))
    assert result.compiled is not None
    expected, facts = reference_run(ruleset, result.case, result.day, result.compiled.in_force,
                                    result.compiled.readings)
    assert {f.rule.id for f in result.firings} == expected
    assert {k: v for k, v in result.facts.items() if not k.startswith((APPLIES, LIFT))} == facts
    assert [f.step for f in result.firings] == list(range(1, len(result.firings) + 1))


def test_verify_notices_a_firing_the_reference_does_not_make(engine, ruleset):
    result = engine.run(load_case(CASES / "commute-direct-route.yaml"))
    verify(ruleset, result)
    result.firings.pop()
    with pytest.raises(EvaluationError, match="disagree"):
        verify(ruleset, result)


class CountingProgram(runner_module.ReteProgram):
    created = 0

    def __init__(self, definition):
        CountingProgram.created += 1
        super().__init__(definition)


@pytest.fixture
def counting(monkeypatch):
    monkeypatch.setattr(runner_module, "ReteProgram", CountingProgram)
    CountingProgram.created = 0
    return CountingProgram


def test_a_program_is_compiled_once_per_era(ruleset, counting):
    engine = Engine(ruleset)
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    programs = {id(engine.program(day)[1]) for day in days}
    assert len(programs) == 1 and counting.created == 1
    assert engine.program(days[0]) is engine.program(days[-1])


@pytest.mark.parametrize("before, after", [
    (dt.date(2021, 5, 31), dt.date(2021, 6, 1)),  # the domestic-worker exclusion ends
    (dt.date(2018, 12, 31), dt.date(2019, 1, 1)),  # the foreign-worker exclusion ends
    (dt.date(2016, 5, 31), dt.date(2016, 6, 1)),  # universal coverage begins
    (dt.date(2012, 12, 31), dt.date(2013, 1, 1)),  # the category rules and their parameters begin
])
def test_a_new_era_gets_its_own_program(ruleset, counting, before, after):
    engine = Engine(ruleset)
    (old, old_program), (new, new_program) = engine.program(before), engine.program(after)
    assert old_program is not new_program and counting.created == 2
    assert {r.id for r in old.in_force} != {r.id for r in new.in_force}


@pytest.mark.parametrize("dates, governing", [
    ({"accident.date": "2025-01-02", "disease.diagnosis_date": "2025-01-03", "death.date": "2025-01-05"}, "2025-01-02"),
    ({"disease.diagnosis_date": "2025-01-03", "invalidity.notice_date": "2025-01-04"}, "2025-01-03"),
    ({"invalidity.notice_date": "2025-01-04", "death.date": "2025-01-05"}, "2025-01-04"),
    ({"death.date": "2025-01-05"}, "2025-01-05"),
])
def test_the_governing_date(engine, dates, governing):
    assert engine.run(make_case(dates)).day == dt.date.fromisoformat(governing)


def test_without_a_governing_date_nothing_is_compiled_or_fired(engine):
    result = engine.run(make_case({"employment.contract": "none"}, sections=("accident",)))
    assert (result.day, result.compiled, result.firings) == (None, None, [])


COVERED_COMMUTE = {"employment.contract": "service", "employment.sector": "private",
                   "employment.relationship_to_owner": "none", "accident.journey.purpose": "residence_work",
                   "accident.journey.work_link": "to_start_work", "accident.journey.residence_kind": "usual_residence",
                   "accident.journey.stop_or_detour": False}


def test_an_accident_is_judged_on_its_own_date(engine):
    def outcome(facts):
        decision = adjudicate(engine, make_case(facts, sections=("accident",)), check=True)
        return {c.fact: c.outcome for c in decision.contingencies}["employment_injury.commuting.outcome"]
    without_date = outcome({**COVERED_COMMUTE, "death.date": dt.date(2025, 1, 1)})
    with_date = outcome({**COVERED_COMMUTE, "death.date": dt.date(2025, 1, 1), "accident.date": dt.date(1990, 6, 1)})
    assert without_date == with_date or without_date == "undetermined"


def test_a_huge_amount_is_an_evaluation_error_not_a_crash(engine):
    # Every number of the case model is now read by some rule (the funeral expenses by the funeral amount), so a
    # value beyond the engine's exact range is refused with EV-201, never passed to the C core or lost.
    case = make_case({"accident.date": dt.date(2025, 1, 1), "employment.contract": "none",
                      "death.funeral_expenses": Decimal(10) ** 13})
    with pytest.raises(EvaluationError, match="too large"):
        adjudicate(engine, case, check=True)


def test_a_huge_number_a_rule_reads_is_an_evaluation_error(engine):
    case = make_case({"accident.date": dt.date(2025, 1, 1), "medical_leave.days": 10 ** 13})
    with pytest.raises(EvaluationError, match="too large"):
        engine.run(case)


def test_a_contradictory_case_built_in_code_is_refused(engine):
    from engine import CaseError
    case = make_case({**COVERED_COMMUTE, "accident.date": dt.date(2025, 1, 1), "findings.interruption_or_deviation": True})
    with pytest.raises(CaseError) as caught:
        engine.run(case)
    assert [d.code for d in caught.value.diagnostics] == ["CASE-104"]
    assert "findings.interruption_or_deviation" in caught.value.diagnostics[0].location.file


FORMULA_RULES = """\
    ruleset: fixture.formula
    title: A formula whose input may be missing
    facts:
      fixture.days_on_leave: {type: number, title: Days}
    rules:
      - id: FX-010
        title: Days of leave, counted from the certificate
        citation: {section: "s.1"}
        effective: {from: 2000-01-01}
        when: [claim.accident == true]
        then: {fixture.days_on_leave: {compute: "days_between(medical_leave.start, medical_leave.end) + 1"}}
    """


def test_a_rule_waits_for_the_inputs_of_its_formulas_and_says_so(tmp_path):
    import textwrap

    from engine import Engine, load_ruleset
    (tmp_path / "rules.yaml").write_text(textwrap.dedent(FORMULA_RULES), encoding="utf-8")
    engine = Engine(load_ruleset(tmp_path))
    info = engine.ruleset.rule("FX-010")
    assert info.condition_texts == ["claim.accident == true", "known(medical_leave.start)", "known(medical_leave.end)"]
    base = {"accident.date": dt.date(2025, 1, 6), "medical_leave.start": dt.date(2025, 1, 6)}
    waiting = adjudicate(engine, make_case(base), check=True)
    assert not waiting.fired
    (status,) = waiting.not_applied
    assert (status.status, status.missing) == ("needs_facts", ["medical_leave.end"])
    done = adjudicate(engine, make_case({**base, "medical_leave.end": dt.date(2025, 1, 9)}), check=True)
    assert [(f.rule_id, f.concluded) for f in done.fired] == [("FX-010", {"fixture.days_on_leave": "4"})]


def test_a_formula_input_read_in_only_one_alternative_is_still_waited_for(tmp_path):
    import textwrap

    from engine import Engine, load_ruleset
    rules = FORMULA_RULES.replace('when: [claim.accident == true]',
                                  'when: ["claim.accident == true or medical_leave.end > 2000-01-01"]')
    (tmp_path / "rules.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
    engine = Engine(load_ruleset(tmp_path))
    waiting = adjudicate(engine, make_case({"accident.date": dt.date(2025, 1, 6),
                                            "medical_leave.start": dt.date(2025, 1, 6)}), check=True)
    assert not waiting.fired and waiting.not_applied[0].missing == ["medical_leave.end"]
