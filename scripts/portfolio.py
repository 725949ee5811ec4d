"""A seeded synthetic portfolio of schema-valid cases over every contingency the rules decide (for benchmarks).

Each case is one claim: a commuting accident, an industrial accident (at work, or away from the work proper), an
emergency, an occupational disease (a Fifth Schedule entry the rules know, or an unlisted one), an invalidity
notice, a death (after an accident, or from illness), or, rarely, no event at all. The claim's governing date falls
between 2006 and 2026, sometimes exactly on a day the rules or parameters in force change or on its eve (taken from
the rule set, engine.runner.era_boundaries). Around it the generator varies the fields and findings the rules read:
coverage (contract, sector, owner, domestic and foreign workers, wage limit), ages on the birthdays where the
category and the invalidity age rules change, contribution histories (long mostly-paid runs, gaps, sparse payment,
Second Category months) with their first payable date, dependants, the employer's accident report, medical leave,
the Medical Board's findings and the evidence on file. Most case facts are absent (unknown, never false) in about
5-10% of cases; the officer's and the Board's findings far more often, as in files awaiting them.

Every case is built through `engine.model.Case`, so pydantic validates it, and passed through
Case.without_contradictions (a contradictory case file would be refused, CASE-104); `check_schema` validates cases
against the published `case.schema.json`. The same (n, seed) always gives the same cases.
"""
from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from engine import load_ruleset
from engine.model import Case
from engine.runner import era_boundaries

RULES = Path(__file__).resolve().parent.parent / "rules"
FIRST_DAY = dt.date(2006, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
EDGE_SHARE = 0.04  # governing dates placed exactly on an era edge or its eve
# Diseases claimed under keys no rule lists: the rules leave them to the Board, never "not scheduled".
UNLISTED_DISEASES = ("carpal_tunnel_syndrome", "lumbar_disc_prolapse", "occupational_stress_disorder")
DIAGNOSES = {"noise_induced_hearing_loss": "bilateral sensorineural hearing loss",
             "occupational_asthma": "occupational asthma", "covid_19": "COVID-19 pneumonia",
             "infection_biological_agent": "leptospirosis", "infection_healthcare_worker": "pulmonary tuberculosis",
             "wood_dust_cancer": "sinonasal adenocarcinoma", "miners_nystagmus": "miner's nystagmus",
             "occupational_skin_disease": "allergic contact dermatitis"}
COVID_PERIOD = (dt.date(2020, 1, 25), dt.date(2022, 12, 31))


# ---------------------------------------------------------------- what the rule set says


@lru_cache(maxsize=1)
def _ruleset():
    return load_ruleset(RULES)


@lru_cache(maxsize=1)
def era_edges() -> tuple[dt.date, ...]:
    """Every day in the portfolio's range on which the rules or parameters in force change, and its eve."""
    days = {d + dt.timedelta(days=k) for d in era_boundaries(_ruleset()) for k in (-1, 0)}
    return tuple(sorted(d for d in days if FIRST_DAY <= d <= LAST_DAY))


@lru_cache(maxsize=1)
def schedule_entries() -> tuple[str, ...]:
    """The Fifth Schedule keys some rule reads (disease.schedule_entry == "<key>")."""
    pattern = re.compile(r'disease\.schedule_entry\s*==\s*"([a-z0-9_]+)"')
    return tuple(sorted({key for info in _ruleset().rules for condition in info.rule.when
                         for key in pattern.findall(condition)}))


# ---------------------------------------------------------------- drawing values


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    """One value from (value, weight) pairs; None stands for 'absent' (unknown), never for false."""
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def _tri(rng: random.Random, true: int, false: int, absent: int) -> bool | None:
    return _pick(rng, [(True, true), (False, false), (None, absent)])


def _maybe(rng: random.Random, value: Any, present: float = 0.92) -> Any:
    """The value, or None (absent) in the remaining share of cases."""
    return value if rng.random() < present else None


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100 + 1)) / 100


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return dt.date(day.year - years, 3, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), or the last day of that month if it is shorter."""
    year, month = divmod(_ordinal(day) + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_key(ordinal: int) -> str:
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


def _ordinal(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _governing_day(rng: random.Random) -> dt.date:
    if rng.random() < EDGE_SHARE:
        return rng.choice(era_edges())
    return _day_between(rng, FIRST_DAY, LAST_DAY)


def _birth_date(rng: random.Random, day: dt.date, youngest: int, oldest: int) -> dt.date:
    """Age youngest..oldest on `day`; sometimes exactly a 55th or 60th birthday, where categories and age rules turn."""
    if rng.random() < 0.06:
        return _years_before(day, rng.choice([55, 60])) + dt.timedelta(days=rng.choice([-40, -1, 0, 0, 1, 40]))
    return _years_before(day, rng.randint(youngest + 1, oldest)) - dt.timedelta(days=rng.randrange(365))


# ---------------------------------------------------------------- the person, the employment, the contributions


def _person(rng: random.Random, index: int, born: dt.date) -> dict[str, Any]:
    foreign = _tri(rng, 15, 80, 5)
    return {
        "name": f"Person {index}",
        "date_of_birth": _maybe(rng, born, 0.94),
        "foreign_worker": foreign,
        "valid_work_pass": _tri(rng, 80, 12, 8) if foreign else None,
        "receiving_invalidity_pension": _tri(rng, 4, 86, 10),
        "receiving_periodic_disablement_benefit": _tri(rng, 4, 86, 10),
        "previously_insured": _tri(rng, 55, 20, 25),
    }


def _employment(rng: random.Random, started: dt.date) -> dict[str, Any]:
    """The employment, begun on the day contributions first became payable."""
    return {
        "employer": "Syarikat Contoh Sdn Bhd",
        "contract": _pick(rng, [("service", 82), ("apprenticeship", 6), ("self_employed", 4), ("none", 2),
                                (None, 6)]),
        "sector": _pick(rng, [("private", 72), ("government_contract_or_temporary", 7),
                              ("statutory_body_contract_or_temporary", 5), ("government_permanent", 4),
                              ("statutory_body_permanent", 4), (None, 8)]),
        "relationship_to_owner": _pick(rng, [("none", 86), ("spouse", 3), ("sole_proprietor", 2), ("partner", 2),
                                             (None, 7)]),
        "domestic_worker": _tri(rng, 4, 88, 8),
        "employer_is_resident": _tri(rng, 80, 12, 8),
        "employer_role": _pick(rng, [("principal", 78), ("immediate", 14), (None, 8)]),
        "start_date": _maybe(rng, started),
        # around the RM3,000 compulsory limit (before 1 Jun 2016), sometimes exactly on it
        "monthly_wage": _maybe(rng, _pick(rng, [(_money(rng, 1100, 2999), 80), (Decimal(3000), 3),
                                                 (_money(rng, 3001, 9000), 17)])),
        "state": _maybe(rng, rng.choice(STATES)),
    }


STATES = ("johor", "kedah", "kelantan", "melaka", "negeri_sembilan", "pahang", "pulau_pinang", "perak", "perlis",
          "selangor", "terengganu", "sabah", "sarawak", "kuala_lumpur", "labuan", "putrajaya")


def _contribution_month(rng: random.Random, day: dt.date) -> dict[str, Any]:
    """A contribution month asked about on its own: the month's pay by component, sometimes paid late."""
    month = day.replace(day=1)
    wages = {"salary": _money(rng, 900, 7000)}
    for component, share in (("overtime", 0.3), ("allowances", 0.4), ("annual_bonus", 0.08),
                             ("travel_allowance", 0.15), ("commission", 0.05)):
        if rng.random() < share:
            wages[component] = _money(rng, 50, 1500)
    data: dict[str, Any] = {"month": month, "wages": wages}
    if rng.random() < 0.3:
        data["declared_category"] = _pick(rng, [("first", 85), ("second", 15)])
    if rng.random() < 0.6:
        data["paid_on"] = _add_months(month, 1) + dt.timedelta(days=_pick(rng, [(rng.randint(0, 14), 70),
                                                                                (rng.randint(15, 400), 30)]))
    return data


def _first_payable(rng: random.Random, day: dt.date, born: dt.date) -> dt.date:
    """Entry into insurable employment: 6 months to 25 years before the governing date, never before age 16."""
    months = _pick(rng, [(rng.randint(6, 30), 15), (rng.randint(31, 120), 40), (rng.randint(121, 300), 45)])
    entry = _add_months(day, -months) - dt.timedelta(days=rng.randrange(28))
    return max(entry, _years_before(born, -16))


def _payment_pattern(rng: random.Random, months: int) -> Callable[[int], bool | None]:
    """Whether the k-th month of a history was paid (True), recorded unpaid (False) or not listed (None)."""
    kind = _pick(rng, [("steady", 55), ("gaps", 25), ("sparse", 12), ("recent_stop", 8)])
    if kind == "steady":
        return lambda k: rng.random() < 0.97 or _pick(rng, [(False, 1), (None, 1)])
    if kind == "sparse":
        share = rng.uniform(0.2, 0.7)
        return lambda k: rng.random() < share or _pick(rng, [(False, 1), (None, 2)])
    if kind == "recent_stop":  # paid for years, then nothing in the last months before the claim
        stop = months - rng.randint(6, 30)
        return lambda k: k < stop and rng.random() < 0.97
    gaps = [(start, start + rng.randint(6, 48)) for start in sorted(rng.sample(range(months), min(2, months)))]
    listed_unpaid = rng.random() < 0.5
    return lambda k: (False if listed_unpaid else None) if any(a <= k < b for a, b in gaps) else rng.random() < 0.97


def _second_category(rng: random.Random, first: int, last: int, foreign: bool | None) -> Callable[[int], bool]:
    """Which months (by ordinal) are Second Category: a foreign worker's months before 1 Jul 2024, or now and then
    a stretch of a few months to three years (work after 60, a late entrant's months)."""
    if foreign and rng.random() < 0.85:
        return lambda ordinal: ordinal < _ordinal(dt.date(2024, 7, 1))
    if rng.random() < 0.12:
        start = rng.randint(first, last)
        end = start + rng.randint(3, 36)
        return lambda ordinal: start <= ordinal < end
    return lambda ordinal: False


def _history(rng: random.Random, first_payable: dt.date, day: dt.date, foreign: bool | None) -> list[dict[str, Any]]:
    """One entry per month from the first payable month to the month before (sometimes of) the governing date."""
    first = _ordinal(first_payable)
    last = max(first, _ordinal(day) - (1 if rng.random() < 0.9 else 0))
    paid, second = _payment_pattern(rng, last - first + 1), _second_category(rng, first, last, foreign)
    with_wages = rng.random() < 0.7
    months = []
    for ordinal in range(first, last + 1):
        status = paid(ordinal - first)
        if status is None:
            continue
        entry: dict[str, Any] = {"month": _month_key(ordinal), "paid": bool(status)}
        if second(ordinal):
            entry["category"] = "second"
        elif rng.random() < 0.05:
            entry["category"] = "first"
        if with_wages:
            entry["wage"] = _money(rng, 1100, 7000)
        months.append(entry)
    return months


def _contributions(rng: random.Random, day: dt.date, first_payable: dt.date, foreign: bool | None,
                   history_share: float) -> dict[str, Any]:
    contributions: dict[str, Any] = {
        "contributed_before_age_55": _tri(rng, 72, 18, 10),
        "first_payable_date": _maybe(rng, first_payable),
    }
    if rng.random() < history_share:
        contributions["months"] = [] if rng.random() < 0.02 else _history(rng, first_payable, day, foreign)
    return contributions


# ---------------------------------------------------------------- accidents


def _journey(rng: random.Random) -> dict[str, Any]:
    purpose = _pick(rng, [("residence_work", 50), ("employment", 20), ("meal_recess", 12), ("personal", 8),
                          ("not_travelling", 3), (None, 7)])
    journey: dict[str, Any] = {"purpose": purpose, "origin": "home", "destination": "the workplace"}
    if purpose == "residence_work" or rng.random() < 0.05:
        journey["residence_kind"] = _pick(rng, [("usual_residence", 65), ("other_place", 28), (None, 7)])
        journey["work_link"] = _pick(rng, [("to_start_work", 45), ("after_finishing_work", 38), ("other", 10),
                                           (None, 7)])
    if purpose == "employment" or rng.random() < 0.05:
        journey["employer_instructed"] = _tri(rng, 50, 40, 10)
    if purpose == "meal_recess" or rng.random() < 0.05:
        journey["recess_authorised"] = _tri(rng, 60, 30, 10)
    journey["stop_or_detour"] = _tri(rng, 25, 67, 8)
    if journey["stop_or_detour"]:
        journey["stop_or_detour_description"] = rng.choice(["stopped for petrol", "collected a child from school",
                                                             "took a longer route to avoid a jam"])
    return journey


def _employer_report(rng: random.Random, day: dt.date) -> dict[str, Any]:
    """When the employer was told of the accident and reported it (Form 34): on time, two days later, or late."""
    if rng.random() < 0.12:
        return {}
    notified = day + dt.timedelta(days=_pick(rng, [(0, 70), (1, 20), (2, 10)]))
    report: dict[str, Any] = {"employer_notified": notified}
    if rng.random() < 0.88:
        lag = _pick(rng, [(0, 30), (1, 35), (2, 15), (rng.randint(3, 30), 20)])
        report["employer_reported"] = notified + dt.timedelta(days=lag)
        if lag == 2 and rng.random() < 0.6:
            report["employer_report_delay_hours"] = Decimal(rng.randint(30, 66))
    return report


def _accident(rng: random.Random, day: dt.date, circumstances: str | None, description: str) -> dict[str, Any]:
    return {"date": _maybe(rng, day, 0.97), "time": f"{rng.randrange(24):02d}:{rng.randrange(60):02d}",
            "place": "Jalan Contoh", "description": description, "circumstances": circumstances,
            **_employer_report(rng, day)}


def _commuting_accident(rng: random.Random, day: dt.date, findings: dict[str, Any]) -> dict[str, Any]:
    accident = _accident(rng, day, _pick(rng, [("travelling", 92), (None, 8)]), "A road accident on a journey.")
    if rng.random() < 0.96:
        accident["journey"] = _journey(rng)
    findings.update(place_of_residence_or_stay=_tri(rng, 30, 20, 50),
                    journey_connected_to_employment=_tri(rng, 30, 20, 50),
                    residence_work_journey=_tri(rng, 10, 10, 80),
                    interruption_or_deviation=_tri(rng, 25, 25, 50))
    return accident


def _industrial_accident(rng: random.Random, day: dt.date, findings: dict[str, Any]) -> dict[str, Any]:
    circumstances = _pick(rng, [("at_work", 70), ("other", 22), (None, 8)])
    accident = _accident(rng, day, circumstances, rng.choice(["A hand caught in a press.", "A fall from a scaffold.",
                                                              "A slip in the canteen during a break."]))
    if rng.random() < 0.05:
        accident["journey"] = {"purpose": "not_travelling"}
    findings.update(in_course_of_employment=_tri(rng, 30, 20, 50), arising_out_of_employment=_tri(rng, 4, 8, 88))
    return accident


def _emergency_accident(rng: random.Random, day: dt.date, findings: dict[str, Any]) -> dict[str, Any]:
    accident = _accident(rng, day, _pick(rng, [("emergency", 92), (None, 8)]), "Injured fighting a fire.")
    accident["emergency"] = {"actual_or_supposed_emergency": _tri(rng, 80, 10, 10),
                             "at_or_about_employer_premises": _tri(rng, 55, 35, 10),
                             "rescuing_or_protecting_persons": _tri(rng, 60, 30, 10),
                             "protecting_property": _tri(rng, 20, 50, 30)}
    findings.update(in_course_of_employment=_tri(rng, 15, 15, 70))
    return accident


def _injury_findings(rng: random.Random, findings: dict[str, Any]) -> None:
    """The Medical Board's findings the employment injury benefits read."""
    percent = _pick(rng, [(Decimal(0), 10), (Decimal(rng.randint(1, 99)), 15), (Decimal(100), 4), (None, 71)])
    findings.update(loss_of_earning_capacity_percent=percent, constant_attendance_needed=_tri(rng, 3, 20, 77),
                    rehabilitation_recommended=_tri(rng, 15, 15, 70))


def _medical_leave(rng: random.Random, day: dt.date) -> dict[str, Any] | None:
    if rng.random() < 0.1:
        return None
    days = _pick(rng, [(0, 3), (1, 4), (2, 4), (3, 5), (4, 6), (rng.randint(5, 60), 78)])
    leave: dict[str, Any] = {"days": days, "start": day}
    if days:
        leave["end"] = day + dt.timedelta(days=days - 1)
        leave["days_worked"] = _maybe(rng, _pick(rng, [(0, 85), (min(days, rng.randint(1, 3)), 15)]), 0.8)
    return leave


def _evidence(rng: random.Random) -> dict[str, Any]:
    return {"police_report": _tri(rng, 70, 15, 15), "sketch_map": _tri(rng, 50, 20, 30),
            "medical_certificate": _tri(rng, 75, 10, 15)}


ACCIDENTS = {"commuting": _commuting_accident, "industrial": _industrial_accident, "emergency": _emergency_accident}


def _add_accident(rng: random.Random, data: dict[str, Any], day: dt.date, kind: str) -> None:
    data["accident"] = ACCIDENTS[kind](rng, day, data["findings"])
    _injury_findings(rng, data["findings"])
    data["medical_leave"] = _medical_leave(rng, day)
    data["evidence"] = _evidence(rng)


# ---------------------------------------------------------------- diseases, invalidity, deaths


def _schedule_entry(rng: random.Random) -> str | None:
    return _pick(rng, [(rng.choice(schedule_entries()), 75), (rng.choice(UNLISTED_DISEASES), 15), (None, 10)])


def _exposure(rng: random.Random, day: dt.date) -> dict[str, Any]:
    """Still in the occupation, or left it: well within, just within, exactly on or just past the 60 months."""
    still = _tri(rng, 45, 45, 10)
    if still is not False:
        return {"still_in_occupation": still}
    months_ago = _pick(rng, [(rng.randint(1, 50), 60), (60, 15), (rng.randint(61, 120), 25)])
    ended = _add_months(day, -months_ago) - dt.timedelta(days=_pick(rng, [(0, 2), (1, 1), (rng.randrange(28), 2)]))
    return {"still_in_occupation": False, "exposure_ended": _maybe(rng, ended, 0.93)}


def _add_disease(rng: random.Random, data: dict[str, Any], day: dt.date, entry: str | None) -> None:
    data["disease"] = {"diagnosis": DIAGNOSES.get(entry or "", "a condition said to be caused by work"),
                       "diagnosis_date": _maybe(rng, day, 0.97), "schedule_entry": entry, "occupation": "operator",
                       "employed_in_scheduled_occupation": _tri(rng, 70, 15, 15), **_exposure(rng, day)}
    data["findings"].update(scheduled_disease_confirmed=_tri(rng, 25, 10, 65),
                            disease_contrary_proved=_tri(rng, 3, 20, 77),
                            disease_period_extended=_tri(rng, 5, 10, 85),
                            disease_caused_by_employment_accident=_tri(rng, 5, 10, 85))
    _injury_findings(rng, data["findings"])
    data["medical_leave"] = _medical_leave(rng, day)
    data["evidence"] = {"medical_certificate": _tri(rng, 75, 10, 15)}


def _earnings(rng: random.Random) -> dict[str, Any]:
    """Customary and capable earnings: well under a third, exactly a third, or more."""
    customary = _money(rng, 1500, 5000)
    capable = _pick(rng, [(Decimal(0), 25), (customary / 3 - _money(rng, 1, 400), 50), (customary / 3, 5),
                          (customary / 3 + _money(rng, 1, 1500), 20)])
    return {"customary_earnings": _maybe(rng, customary, 0.9),
            "capable_earnings": _maybe(rng, max(Decimal(0), capable).quantize(Decimal("0.01")), 0.9)}


def _add_invalidity(rng: random.Random, data: dict[str, Any], day: dt.date) -> None:
    onset = day - dt.timedelta(days=rng.randint(30, 3 * 365))
    data["invalidity"] = {"notice_date": _maybe(rng, day, 0.97), "condition_onset": _maybe(rng, onset),
                          "gainfully_employed_since_onset": _tri(rng, 15, 72, 13), **_earnings(rng)}
    data["findings"].update(medical_board_certified_invalidity=_tri(rng, 70, 10, 20),
                            earning_capacity_below_one_third=_tri(rng, 12, 4, 84),
                            qualifying_period_deemed=_tri(rng, 5, 10, 85),
                            constant_attendance_needed=_tri(rng, 15, 35, 50),
                            rehabilitation_recommended=_tri(rng, 30, 20, 50))


def _dependant(rng: random.Random, relation: str, day: dt.date, born: dt.date) -> dict[str, Any]:
    if relation == "child":
        birth = _day_between(rng, min(_years_before(born, -18), day), day)
    elif relation in ("parent", "grandparent"):
        birth = _years_before(born, rng.randint(20, 45) + (25 if relation == "grandparent" else 0))
    else:
        birth = _years_before(born, rng.randint(-8, 8))
    return {"relation": relation, "date_of_birth": _maybe(rng, min(birth, day)), "married": _tri(rng, 20, 70, 10),
            "full_time_study": _tri(rng, 15, 60, 25), "incapacitated": _tri(rng, 3, 80, 17)}


def _dependants(rng: random.Random, day: dt.date, born: dt.date) -> list[dict[str, Any]] | None:
    shape = _pick(rng, [("family", 70), ("parents", 12), ("none", 10), (None, 8)])
    if shape is None:
        return None
    relations = {"family": [rng.choice(["widow", "widow", "widow", "widower"])] + ["child"] * rng.randint(0, 4),
                 "parents": ["parent"] * rng.randint(1, 2) + ["sibling", "grandparent", "other"][:rng.randint(0, 1)],
                 "none": []}[shape]
    return [_dependant(rng, relation, day, born) for relation in relations]


def _add_death(rng: random.Random, data: dict[str, Any], day: dt.date, born: dt.date, after_accident: bool) -> None:
    data["death"] = {"date": _maybe(rng, day, 0.97), "cause": "injuries" if after_accident else "heart attack",
                     "funeral_expenses": _maybe(rng, _money(rng, 1500, 8000), 0.8),
                     "dependants": _dependants(rng, day, born)}
    data["findings"]["death_due_to_employment_injury"] = (_tri(rng, 60, 15, 25) if after_accident
                                                          else _tri(rng, 4, 46, 50))
    # a death of a disablement pensioner opens the dependants' benefit whatever its cause
    data["person"]["receiving_periodic_disablement_benefit"] = _tri(rng, 10, 80, 10)


# ---------------------------------------------------------------- one case

# What the portfolio claims for, with weights: accidents by their basis, diseases, invalidity, deaths.
CLAIMS = [("commuting", 26), ("industrial", 12), ("emergency", 5), ("disease", 11), ("invalidity", 16),
          ("death_after_accident", 7), ("death", 11), ("contribution", 10), ("nothing", 2)]
AGES = {"invalidity": (25, 64), "death": (25, 80), "death_after_accident": (20, 70)}


def _claim_day(rng: random.Random, entry: str | None) -> dt.date:
    """The governing date; a COVID-19 claim mostly falls in the pandemic years."""
    if entry == "covid_19" and rng.random() < 0.7:
        return _day_between(rng, *COVID_PERIOD)
    return _governing_day(rng)


def case_data(rng: random.Random, index: int) -> dict[str, Any]:
    """The plain data of one case (what a case file would hold)."""
    claim = _pick(rng, CLAIMS)
    entry = _schedule_entry(rng) if claim == "disease" else None
    day = _claim_day(rng, entry)
    born = _birth_date(rng, day, *AGES.get(claim, (18, 70)))
    person = _person(rng, index, born)
    entered = _first_payable(rng, day, born)
    long_history = claim in ("invalidity", "death", "death_after_accident")
    data: dict[str, Any] = {
        "case_id": f"bench-{index:06d}",
        "person": person,
        "employment": _employment(rng, entered),
        "contributions": _contributions(rng, day, entered, person["foreign_worker"], 0.93 if long_history else 0.5),
        "findings": {},
    }
    if claim in ACCIDENTS:
        _add_accident(rng, data, day, claim)
    elif claim == "disease":
        _add_disease(rng, data, day, entry)
    elif claim == "invalidity":
        _add_invalidity(rng, data, day)
    elif claim == "death_after_accident":
        _add_accident(rng, data, day, rng.choice(["commuting", "industrial"]))
        _add_death(rng, data, day + dt.timedelta(days=_pick(rng, [(0, 50), (rng.randint(1, 90), 50)])), born, True)
    elif claim == "death":
        _add_death(rng, data, day, born, False)
    elif claim == "contribution":
        data["contribution_month"] = _contribution_month(rng, day)
    if claim in ("invalidity", "death", "death_after_accident") and rng.random() < 0.6:
        data["findings"]["pension_average_monthly_wage"] = _money(rng, 900, 6000)
    return data


def generate(n: int, seed: int) -> list[Case]:
    """n validated cases; the same (n, seed) always gives the same list."""
    rng = random.Random(seed)
    return [without_contradictions(Case.model_validate(case_data(rng, i))) for i in range(n)]


def without_contradictions(case: Case) -> Case:
    """Contradictory cases are refused (CASE-104): generate only decidable ones."""
    return case.without_contradictions()


def check_schema(cases: list[Case]) -> int:
    """Validate cases against the published case.schema.json (as a case file would be); returns how many."""
    import jsonschema

    from engine.schemas import schema
    validator = jsonschema.Draft202012Validator(schema("case"), format_checker=jsonschema.FormatChecker())
    for case in cases:
        errors = list(validator.iter_errors(case.model_dump(mode="json", by_alias=True, exclude_none=True)))
        if errors:
            raise ValueError(f"{case.case_id} is not schema-valid: {errors[0].message}")
    return len(cases)
