"""The Non-Employment Injury Scheme (rules/non_employment_injury/nei.yaml) switched on.

The scheme ships switched off (parameters.nei.commencement_confirmed is false: Act A1788's commencement was not
confirmed), so the golden cases cases/nei-*.yaml expect what the shipped rules decide. Scenarios cannot override a
parameter, so this module copies the rule set to a temporary directory, changes the parameter file there, and runs
the same cases against the copy: with the switch on (the reported dates), with the alternative rounding of the
contribution, and with a later commencement date. The expected values were worked out by hand first (each case's
description shows the arithmetic)."""
from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from engine import Engine, adjudicate, load_case, load_ruleset
from engine.model import Expected
from engine.validator import _normalise_numbers

from .conftest import CASES, RULES, check_expected

PARAMETERS = "parameters/nei.yaml"


def _engine(tmp_path_factory, name: str, *replacements: tuple[str, str]) -> Engine:
    root = tmp_path_factory.mktemp(name) / "rules"
    shutil.copytree(RULES, root)
    path = root / PARAMETERS
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} should occur once in {PARAMETERS}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return Engine(load_ruleset(root))


SWITCH_ON = ("        value: false\n", "        value: true\n")
ROUND_DOWN = ("value: half_up_to_5_sen", "value: down_to_5_sen")
LATER_START = ("value: 2026-06-01", "value: 2026-07-01")


@pytest.fixture(scope="module")
def switched_on(tmp_path_factory):
    return _engine(tmp_path_factory, "nei_on", SWITCH_ON)


@pytest.fixture(scope="module")
def rounding_down(tmp_path_factory):
    return _engine(tmp_path_factory, "nei_down", SWITCH_ON, ROUND_DOWN)


@pytest.fixture(scope="module")
def later_start(tmp_path_factory):
    return _engine(tmp_path_factory, "nei_later", SWITCH_ON, LATER_START)


def _decide(engine: Engine, stem: str):
    path = CASES / f"{stem}.yaml"
    return adjudicate(engine, load_case(path), path.name, check=True)


def _problems(decision, expect: dict) -> list[str]:
    return check_expected(decision, Expected.model_validate(_normalise_numbers(expect)))


def _phase(decision):
    return next((d.value for d in decision.determinations if d.fact == "nei.phase"), "not listed")


NEI = "non_employment_injury.outcome"
TD, PD = "benefit_amount.nei_temporary_disablement.daily_rate", "benefit_amount.nei_permanent_disablement.full_daily_rate"
SHARE, RATE = "contribution.nei_employee_share", "nei.contribution_rate_percent"

# case -> (the phase determination, what the decision must show), with the switch on and the reported dates
SWITCHED_ON = {
    "nei-sunday-market-ride-switch-off": ("1", {
        "outcomes": {NEI: "covered"}, "fired": ["NEI-OUT-020", "NEI-PHASE-001", "NEI-RATE-001"],
        "amounts": {"nei.temporary_disablement_percent": 48, "nei.permanent_disablement_percent": 54, TD: None},
        "missing": ["contributions.months"]}),
    "nei-home-roof-fall-2026-05-31": (None, {
        "outcomes": {NEI: "not_covered"}, "fired": ["NEI-OUT-010"], "not_fired": ["NEI-OUT-020", "NEI-PHASE-001"]}),
    "nei-agong-birthday-beach-2026-06-01": ("1", {
        "outcomes": {NEI: "covered"}, "fired": ["NEI-OUT-020", "NEI-PHASE-001", "NEI-RATE-001"],
        "amounts": {"nei.months_on_record": 6, "nei.average_assumed_monthly_wage": 3250,
                    "nei.temporary_disablement_percent": 48, "nei.permanent_disablement_percent": 54,
                    TD: Decimal("52.00"), PD: Decimal("58.50")}}),
    "nei-hat-yai-bus-abroad": ("1", {"outcomes": {NEI: "not_covered"}, "fired": ["NEI-OUT-003"],
                                     "not_fired": ["NEI-OUT-020", "NEI-RATE-001"]}),
    "nei-press-machine-employment-injury": ("1", {"outcomes": {NEI: "not_covered"}, "fired": ["NEI-OUT-002"],
                                                  "not_fired": ["NEI-OUT-020"],
                                                  "not_missing": ["findings.non_employment_injury_excluded"]}),
    "nei-before-act-2025-12-31": (None, {"outcomes": {NEI: "not_covered"}, "fired": ["NEI-OUT-001"]}),
    "nei-heart-attack-at-home": ("1", {"outcomes": {NEI: "not_covered"}, "fired": ["NEI-OUT-004"]}),
    "nei-self-employed-ehailing-driver": ("1", {"outcomes": {NEI: "not_covered"}, "fired": ["NEI-OUT-005"]}),
    "nei-foreign-worker-pass-misuse": ("1", {"outcomes": {NEI: "not_covered"}, "fired": ["NEI-OUT-011"],
                                            "not_fired": ["NEI-OUT-020"]}),
    "nei-phase-1-last-day-2028-05-31": ("1", {
        "outcomes": {NEI: "covered"}, "fired": ["NEI-PHASE-001", "NEI-RATE-001"],
        "amounts": {"nei.average_assumed_monthly_wage": 5950, TD: Decimal("95.20"), PD: Decimal("107.10")}}),
    "nei-phase-2-first-day-2028-06-01": ("2", {
        "outcomes": {NEI: "covered"}, "fired": ["NEI-PHASE-002", "NEI-RATE-002"],
        "amounts": {"nei.temporary_disablement_percent": 64, "nei.permanent_disablement_percent": 72,
                    TD: Decimal("126.93"), PD: Decimal("142.80")}}),
    "nei-phase-3-first-day-2031-06-01": ("3", {
        "outcomes": {NEI: "covered"}, "fired": ["NEI-PHASE-003", "NEI-RATE-003"],
        "amounts": {"nei.average_assumed_monthly_wage": 2450, "nei.temporary_disablement_percent": 80,
                    "nei.permanent_disablement_percent": 90, TD: Decimal("65.33"), PD: Decimal("73.50")}}),
}

# contribution month -> (the NEI share with half-up rounding, with rounding down, the rate); None: not payable
CONTRIBUTIONS = {
    "nei-contrib-2026-05-before-commencement": None,
    "nei-contrib-2026-06-top-band-phase-1": (Decimal("44.65"), Decimal("44.60"), Decimal("0.75")),
    "nei-contrib-2028-05-top-band-phase-1-last-month": (Decimal("44.65"), Decimal("44.60"), Decimal("0.75")),
    "nei-contrib-2028-06-top-band-phase-2": (Decimal("59.50"), Decimal("59.50"), Decimal("1.00")),
    "nei-contrib-2031-06-top-band-phase-3": (Decimal("74.40"), Decimal("74.35"), Decimal("1.25")),
    "nei-contrib-2026-07-minimum-wage": (Decimal("12.40"), Decimal("12.35"), Decimal("0.75")),
    # Second Category (aged 62): the employee pays the NEI share although he pays no Employment Injury share
    "nei-contrib-2026-07-second-category-aged-62": (Decimal("12.40"), Decimal("12.35"), Decimal("0.75")),
}


def test_every_nei_case_is_checked_here():
    assert {p.stem for p in CASES.glob("nei-*.yaml")} == set(SWITCHED_ON) | set(CONTRIBUTIONS)


@pytest.mark.parametrize("stem", sorted(SWITCHED_ON))
def test_accident_with_the_scheme_switched_on(switched_on, stem):
    phase, expect = SWITCHED_ON[stem]
    decision = _decide(switched_on, stem)
    assert not _problems(decision, expect), "\n".join(_problems(decision, expect))
    assert _phase(decision) == phase


@pytest.mark.parametrize("stem", sorted(CONTRIBUTIONS))
def test_contribution_with_the_scheme_switched_on(switched_on, stem):
    decision = _decide(switched_on, stem)
    amounts = {a.fact: a for a in decision.amounts}
    if CONTRIBUTIONS[stem] is None:
        assert SHARE not in amounts and RATE not in amounts
        assert "NEI-CONTRIB-001" not in [f.rule_id for f in decision.fired]
        assert _determination(decision, "nei.contribution_payable") is False
        return
    share, _, rate = CONTRIBUTIONS[stem]
    expect = {"amounts": {SHARE: share, RATE: rate}, "fired": ["NEI-CONTRIB-001", "NEI-CONTRIB-010"]}
    assert not _problems(decision, expect), "\n".join(_problems(decision, expect))
    assert "half up to a multiple of 5 sen" in amounts[SHARE].rounding


@pytest.mark.parametrize("stem", sorted(s for s, v in CONTRIBUTIONS.items() if v))
def test_contribution_with_the_alternative_rounding(rounding_down, stem):
    decision = _decide(rounding_down, stem)
    expect = {"amounts": {SHARE: CONTRIBUTIONS[stem][1]}, "fired": ["NEI-CONTRIB-011"],
              "not_fired": ["NEI-CONTRIB-010"]}
    assert not _problems(decision, expect), "\n".join(_problems(decision, expect))


def test_the_statutory_top_band_figures_are_reproduced(switched_on):
    """A1788's top-band totals (DOMAIN.md §6): 178.55 / 193.40 / 208.30 = 133.90 + 44.65 / 59.50 / 74.40."""
    for stem, total in (("nei-contrib-2026-06-top-band-phase-1", Decimal("178.55")),
                        ("nei-contrib-2028-06-top-band-phase-2", Decimal("193.40")),
                        ("nei-contrib-2031-06-top-band-phase-3", Decimal("208.30"))):
        amounts = {a.fact: a.value for a in _decide(switched_on, stem).amounts}
        if amounts.get("contribution.total") is None:
            pytest.skip("contribution.total (rules/contributions) is not computed for this case")
        assert Decimal(amounts["contribution.total"]) + Decimal(amounts[SHARE]) == total, stem


def test_a_later_commencement_date_moves_the_boundary_without_a_rule_change(later_start):
    expect = {"outcomes": {NEI: "not_covered"}, "fired": ["NEI-OUT-010"], "not_fired": ["NEI-OUT-020"]}
    decision = _decide(later_start, "nei-agong-birthday-beach-2026-06-01")
    assert not _problems(decision, expect), "\n".join(_problems(decision, expect))
    decision = _decide(later_start, "nei-contrib-2026-06-top-band-phase-1")
    assert SHARE not in {a.fact for a in decision.amounts}


def test_switched_off_the_decision_says_why(engine):
    for stem in ("nei-sunday-market-ride-switch-off", "nei-agong-birthday-beach-2026-06-01",
                 "nei-phase-2-first-day-2028-06-01"):
        decision = _decide(engine, stem)
        (nei,) = [c for c in decision.contingencies if c.fact == NEI]
        assert nei.outcome == "undetermined"
        assert "commencement date of the Non-Employment Injury Scheme (Act A1788) is not confirmed" in nei.reason
        assert "parameters.nei.commencement_confirmed" in nei.reason
        assert not any(a.fact.startswith(("nei.", "benefit_amount.nei_")) for a in decision.amounts)
        assert "findings.non_employment_injury_excluded" not in [m.name for m in decision.missing]


def _determination(decision, fact):
    return next((d.value for d in decision.determinations if d.fact == fact), "not listed")


def test_switched_off_a_contribution_month_from_2026_leaves_the_nei_contribution_undetermined_and_says_why(engine):
    """Review r20, r21: the NEI contribution must not disappear silently while the switch is off."""
    for stem in ("nei-contrib-2026-07-minimum-wage", "nei-contrib-2026-07-second-category-aged-62"):
        decision = _decide(engine, stem)
        assert _determination(decision, "nei.contribution_payable") is None
        details = [n.detail or "" for n in decision.not_applied if n.rule_id == "NEI-CONTRIB-010"]
        assert details and "commencement date of the Non-Employment Injury Scheme (Act A1788) is not confirmed" in details[0]
        titles = {a.fact: a.title for a in decision.amounts}
        assert "excluding any Non-Employment Injury contribution" in titles["contribution.total"]
        assert "excluding any Non-Employment Injury contribution" in titles["contribution.employee_share"]


def test_no_nei_contribution_for_a_month_before_2026_whatever_the_switch(engine, switched_on):
    for eng in (engine, switched_on):
        path = CASES / "contrib-e1-rubber-glove-operator-2024-10.yaml"
        decision = adjudicate(eng, load_case(path), path.name, check=True)
        assert _determination(decision, "nei.contribution_payable") is False
        assert "NEI-CONTRIB-020" in [f.rule_id for f in decision.fired]
