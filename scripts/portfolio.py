"""A seeded synthetic portfolio of schema-valid cases that varies every field the rules read (for benchmarks).

Every case is built through `engine.model.Case`, so pydantic validates it; `check_schema` also validates a sample
against the published `case.schema.json`. The same (n, seed) always gives the same cases.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from engine.model import Case

FIRST_DAY = dt.date(2012, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
# The days on which the rules in force change (rule and parameter effective dates) and their eves: several eras
# compile, and cases sit exactly on the edges.
ERA_EDGES = [dt.date(2012, 12, 31), dt.date(2013, 1, 1), dt.date(2016, 5, 31), dt.date(2016, 6, 1),
             dt.date(2018, 12, 31), dt.date(2019, 1, 1), dt.date(2021, 5, 31), dt.date(2021, 6, 1)]


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    """One value from (value, weight) pairs; None stands for 'absent' (unknown), never for false."""
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def _tri(rng: random.Random, true: int, false: int, absent: int) -> bool | None:
    return _pick(rng, [(True, true), (False, false), (None, absent)])


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return dt.date(day.year - years, 3, 1)


def _accident_day(rng: random.Random) -> dt.date:
    if rng.random() < 0.03:
        return rng.choice(ERA_EDGES)
    return FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))


def _birth_date(rng: random.Random, accident: dt.date) -> dt.date:
    if rng.random() < 0.05:  # exactly on a birthday at an age where the category changes
        return _years_before(accident, rng.choice([55, 60]))
    age = rng.randint(19, 70)  # the person is age or age - 1 on the accident day: 18 to 70
    return _years_before(accident, age) - dt.timedelta(days=rng.randrange(365))


def _journey(rng: random.Random) -> dict[str, Any]:
    purpose = _pick(rng, [("residence_work", 45), ("employment", 20), ("meal_recess", 12), ("personal", 10),
                          ("not_travelling", 5), (None, 8)])
    journey: dict[str, Any] = {"purpose": purpose, "origin": "home", "destination": "the workplace"}
    if purpose == "residence_work" or rng.random() < 0.05:
        journey["residence_kind"] = _pick(rng, [("usual_residence", 65), ("other_place", 30), (None, 5)])
        journey["work_link"] = _pick(rng, [("to_start_work", 45), ("after_finishing_work", 40), ("other", 10),
                                           (None, 5)])
    if purpose == "employment" or rng.random() < 0.05:
        journey["employer_instructed"] = _tri(rng, 50, 40, 10)
    if purpose == "meal_recess" or rng.random() < 0.05:
        journey["recess_authorised"] = _tri(rng, 60, 30, 10)
    journey["stop_or_detour"] = _tri(rng, 25, 67, 8)
    if journey["stop_or_detour"]:
        journey["stop_or_detour_description"] = rng.choice(["stopped for petrol", "collected a child from school",
                                                             "took a longer route to avoid a jam"])
    return journey


def case_data(rng: random.Random, index: int) -> dict[str, Any]:
    """The plain data of one case (what a case file would hold)."""
    accident_day = _accident_day(rng)
    data: dict[str, Any] = {
        "case_id": f"bench-{index:06d}",
        "person": {
            "name": f"Person {index}",
            "date_of_birth": _birth_date(rng, accident_day) if rng.random() < 0.95 else None,
            "foreign_worker": _tri(rng, 15, 80, 5),
            "receiving_invalidity_pension": _tri(rng, 5, 85, 10),
        },
        "employment": {
            "employer": "Syarikat Contoh Sdn Bhd",
            "contract": _pick(rng, [("service", 76), ("apprenticeship", 8), ("self_employed", 5), ("none", 5),
                                    (None, 6)]),
            "sector": _pick(rng, [("private", 60), ("government_contract_or_temporary", 10),
                                  ("statutory_body_contract_or_temporary", 8), ("government_permanent", 6),
                                  ("statutory_body_permanent", 6), (None, 10)]),
            "relationship_to_owner": _pick(rng, [("none", 80), ("spouse", 5), ("sole_proprietor", 4),
                                                 ("partner", 4), (None, 7)]),
            "domestic_worker": _tri(rng, 10, 80, 10),
            "employer_role": _pick(rng, [("principal", 80), ("immediate", 10), (None, 10)]),
        },
        "contributions": {"contributed_before_age_55": _tri(rng, 70, 20, 10)},
        "findings": {
            "place_of_residence_or_stay": _tri(rng, 30, 20, 50),
            "journey_connected_to_employment": _tri(rng, 30, 20, 50),
            "residence_work_journey": _tri(rng, 10, 10, 80),
            "interruption_or_deviation": _tri(rng, 25, 25, 50),
            "medical_board_certified_invalidity": _tri(rng, 2, 3, 95),
        },
        "evidence": {
            "police_report": _tri(rng, 70, 15, 15),
            "sketch_map": _tri(rng, 50, 20, 30),
            "medical_certificate": _tri(rng, 75, 10, 15),
        },
    }
    if rng.random() < 0.1:
        data["contributions"]["months"] = [
            {"month": f"{accident_day.year}-{m:02d}", "wage": Decimal(rng.randrange(150000, 600000)) / 100,
             "paid": rng.random() < 0.9} for m in range(1, rng.randint(2, 4))]
    if rng.random() < 0.99:
        accident: dict[str, Any] = {"date": accident_day, "time": f"{rng.randrange(24):02d}:{rng.randrange(60):02d}",
                                    "place": "Jalan Contoh", "description": "A road accident."}
        if rng.random() < 0.95:
            accident["journey"] = _journey(rng)
        if rng.random() < 0.05:
            accident["emergency"] = {"at_employer_premises": _tri(rng, 50, 40, 10),
                                     "rescuing_or_protecting_persons": _tri(rng, 50, 40, 10)}
        data["accident"] = accident
    elif rng.random() < 0.5:  # no accident: a disease or a death governs, or nothing does
        data["disease"] = {"diagnosis": "noise-induced hearing loss", "diagnosis_date": accident_day}
    if rng.random() < 0.9:
        days = _pick(rng, [(0, 3), (1, 4), (2, 4), (3, 5), (4, 6), (rng.randint(5, 60), 78)])
        leave: dict[str, Any] = {"days": days, "start": accident_day}
        if days:
            leave["end"] = accident_day + dt.timedelta(days=days - 1)
        data["medical_leave"] = leave
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
