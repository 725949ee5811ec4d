"""The explanation of a decision: for each rule not applied, its first failing condition, the root inputs it needs,
or the dates it is in force; for each firing, the dated parameters it read."""
from __future__ import annotations

import datetime as dt

import pytest

from engine import Case, adjudicate

from ..helpers import make_case

INSURED = {"employment.contract": "service", "employment.sector": "private", "employment.relationship_to_owner": "none",
           "employment.domestic_worker": False, "person.date_of_birth": dt.date(1990, 1, 1),
           "person.foreign_worker": False, "person.receiving_invalidity_pension": False,
           "contributions.contributed_before_age_55": True}
DIRECT = {"accident.circumstances": "travelling", "accident.journey.purpose": "residence_work", "accident.journey.work_link": "to_start_work",
          "accident.journey.residence_kind": "usual_residence", "accident.journey.stop_or_detour": False}
DAY = {"accident.date": dt.date(2025, 1, 1)}


def decide(engine, facts):
    return adjudicate(engine, make_case(facts, sections=("accident",)), check=True)


def not_applied(engine, facts) -> dict:
    return {n.rule_id: n for n in decide(engine, facts).not_applied}


AFTER_60 = ("months_between(month_start(add_months(person.date_of_birth, parameters.coverage.second_category_age * 12)), "
            "month_start(claim.date)) > 0")


@pytest.mark.parametrize("facts, rule, condition, shown", [
    ({**DAY, "accident.journey.purpose": "employment"}, "EI-COMMUTE-001",
     'accident.journey.purpose == "residence_work"', 'accident.journey.purpose = "employment"'),
    # the first condition that is false, even after one that is unknown
    ({**DAY, "accident.journey.residence_kind": "usual_residence"}, "EI-COMMUTE-011",
     'accident.journey.residence_kind == "other_place"', 'accident.journey.residence_kind = "usual_residence"'),
    ({**DAY, **INSURED}, "COV-CAT-002", AFTER_60,
     f"person.date_of_birth = 1990-01-01, parameters.coverage.second_category_age = 60, claim.date = 2025-01-01, "
     f"{AFTER_60[:-4]} = -300"),
])
def test_the_first_failing_condition_with_its_actual_values(engine, facts, rule, condition, shown):
    status = not_applied(engine, facts)[rule]
    assert (status.status, status.condition) == ("condition_false", condition)
    assert status.detail == f"first failing condition: {condition} ({shown})"


def test_actual_values_say_where_they_come_from(engine):
    actual = not_applied(engine, {**DAY, **INSURED})["COV-CAT-002"].actual
    assert [(u.name, u.value, u.source) for u in actual] == [
        ("person.date_of_birth", "1990-01-01", "input"),
        ("parameters.coverage.second_category_age", "60", "parameter"),
        ("claim.date", "2025-01-01", "input"),  # derived from the case: the governing date
        (AFTER_60[:-4], "-300", "computed")]


AWAITING_FINDING = {**DAY, **INSURED, **DIRECT, "accident.journey.residence_kind": "other_place"}


def test_needs_facts_lists_the_root_inputs_not_the_intermediate_facts(engine):
    decision = decide(engine, AWAITING_FINDING)
    status = {n.rule_id: n for n in decision.not_applied}["EI-COMMUTE-030"]
    assert (status.status, status.condition) == ("needs_facts", "commuting.journey_within_s24_1 == true")
    assert status.missing == ["findings.place_of_residence_or_stay"]
    assert status.detail == "needs officer's finding findings.place_of_residence_or_stay"
    assert [(m.name, m.kind) for m in decision.missing] == [("findings.place_of_residence_or_stay", "finding")]
    assert {"EI-COMMUTE-002", "EI-COMMUTE-011", "EI-COMMUTE-030"} <= set(decision.missing[0].needed_by)
    assert decision.contingencies[0].reason == (
        "undetermined: needs officer's finding findings.place_of_residence_or_stay")


def test_evidence_recorded_false_is_needed_not_a_failed_condition(engine):
    facts = {**DAY, **INSURED, **DIRECT, "medical_leave.days": 12, "evidence.medical_certificate": True,
             "evidence.police_report": False}
    status = not_applied(engine, facts)["EI-TDB-001"]
    assert (status.status, status.missing) == ("needs_facts", ["evidence.police_report"])


@pytest.mark.parametrize("day, rule, detail", [
    (dt.date(1990, 6, 1), "EI-COMMUTE-001", "not in force on 1990-06-01 (in force from 1992-01-01)"),
    (dt.date(2025, 1, 1), "COV-EXEMPT-FOREIGN-001",
     "not in force on 2025-01-01 (in force from 2016-06-01 to 2018-12-31)"),
    (dt.date(2015, 12, 31), "COV-INSURED-001", "not in force on 2015-12-31 (in force from 2016-06-01)"),
])
def test_not_in_force_gives_the_governing_date_and_the_rules_period(engine, day, rule, detail):
    status = not_applied(engine, {**INSURED, "accident.date": day})[rule]
    assert (status.status, status.detail) == ("not_in_force", detail)


def test_without_a_governing_date_nothing_is_in_force_and_the_dates_are_asked_for(engine, ruleset):
    decision = decide(engine, INSURED)
    assert {n.status for n in decision.not_applied} == {"not_in_force"}
    assert len(decision.not_applied) == len(ruleset.rules)
    assert decision.not_applied[0].detail.startswith("no governing date")
    assert [m.name for m in decision.missing] == ["accident.date"]  # the date of the event the case is about


def test_a_case_with_no_event_asks_for_any_event_date(engine):
    decision = adjudicate(engine, make_case(INSURED), check=True)
    assert [m.name for m in decision.missing] == sorted(Case.GOVERNING_DATES)


def test_a_rule_overridden_by_its_exception(engine):
    status = not_applied(engine, {**INSURED, "accident.date": dt.date(2020, 1, 1), "employment.domestic_worker": True})
    assert status["COV-INSURED-001"].status == "overridden"
    assert status["COV-INSURED-001"].detail.startswith("overridden by exception COV-EXEMPT-DOMESTIC-001 (s.2")


def test_a_rule_whose_exception_may_apply_needs_the_exceptions_inputs(engine):
    facts = {k: v for k, v in INSURED.items() if k != "employment.domestic_worker"}
    status = not_applied(engine, {**facts, "accident.date": dt.date(2020, 1, 1)})["COV-INSURED-001"]
    assert (status.status, status.missing) == ("needs_facts", ["employment.domestic_worker"])
    assert status.detail == "exception COV-EXEMPT-DOMESTIC-001 may apply; needs fact employment.domestic_worker"


def test_benefits_of_a_contingency_not_covered_do_not_apply(engine):
    decision = decide(engine, {**DAY, **INSURED, **DIRECT, "employment.contract": "self_employed"})
    injury = {c.fact: c for c in decision.contingencies}["employment_injury.outcome"]
    assert (injury.outcome, injury.rule_id) == ("not_covered", "EI-INJURY-002")
    assert {(b.status, b.reason) for b in injury.benefits} == {("does_not_apply", "the contingency is not covered")}


def test_a_journey_outside_s24_is_no_employment_injury_once_the_circumstances_are_known(engine):
    decision = decide(engine, {**DAY, **INSURED, "accident.circumstances": "travelling",
                               "accident.journey.purpose": "personal"})
    outcomes = {c.fact: c for c in decision.contingencies}
    assert outcomes["employment_injury.commuting.outcome"].outcome == "not_covered"
    assert (outcomes["employment_injury.outcome"].outcome, outcomes["employment_injury.outcome"].rule_id) == \
        ("not_covered", "EI-INJURY-006")
    assert {b.status for b in outcomes["employment_injury.outcome"].benefits} == {"does_not_apply"}


def test_without_the_circumstances_the_injury_is_undetermined_and_they_are_asked_for(engine):
    decision = decide(engine, {**DAY, **INSURED, "accident.journey.purpose": "personal"})
    injury = {c.fact: c for c in decision.contingencies}["employment_injury.outcome"]
    assert injury.outcome == "undetermined"
    assert "accident.circumstances" in [m.name for m in decision.missing]
    assert {b.status for b in injury.benefits} == {"undetermined"}


def test_employer_findings_are_reported_but_never_asked_of_the_claim(engine):
    decision = decide(engine, {**DAY, **INSURED, **DIRECT})
    determinations = {d.fact: d.value for d in decision.determinations}
    assert determinations["employer.accident_report_on_time"] is None
    assert not [m for m in decision.missing if m.name.startswith("accident.employer_")]


def test_a_firing_lists_its_dated_parameters(engine):
    decision = decide(engine, {**DAY, **INSURED})
    (firing,) = [f for f in decision.fired if f.rule_id == "COV-CAT-001"]
    assert [(p.name, p.value, p.effective_from) for p in firing.parameters] == [
        ("parameters.coverage.second_category_age", "60", dt.date(2013, 1, 1)),
        ("parameters.coverage.late_entry_age", "55", dt.date(2013, 1, 1))]


def test_every_rule_needing_facts_says_what_would_decide_it(engine):
    # Permanent staff of a statutory body: no rule in force decides whether they are insured.
    facts = {**DAY, **INSURED, **DIRECT, "employment.sector": "statutory_body_permanent"}
    for status in decide(engine, facts).not_applied:
        if status.status == "needs_facts":
            assert status.missing or "coverage.insured_person" in status.detail \
                or "no rule in force on the governing date decides, for this case" in status.detail, \
                (status.rule_id, status.detail)
