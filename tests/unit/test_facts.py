"""The fact catalog comes from the case model; a case flattens into exactly its known facts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.expressions import FactType
from engine.facts import case_facts, fact_kind, flatten

from ..helpers import make_case


def test_catalog_types_and_enumerations():
    catalog = case_facts()
    assert catalog["accident.date"][0] == FactType("date")
    assert catalog["medical_leave.days"][0] == FactType("number")
    assert catalog["findings.interruption_or_deviation"][0] == FactType("boolean")
    assert "residence_work" in catalog["accident.journey.purpose"][0].values
    assert "s.24(2)" in catalog["findings.interruption_or_deviation"][1]


def test_record_keeping_is_not_a_fact_and_lists_are_whole_facts():
    catalog = case_facts()
    assert not {"case_id", "description"} & set(catalog)
    assert not [name for name in catalog if name.startswith("expected")]
    assert catalog["contributions.months"][0] == FactType("contribution_history")
    assert catalog["death.dependants"][0] == FactType("dependant_list")
    assert not [name for name in catalog if name.startswith(("contributions.months.", "death.dependants."))]


def test_claim_facts_say_which_events_the_case_claims():
    facts = flatten(make_case({"accident.date": dt.date(2025, 1, 2)}))
    assert facts["claim.accident"] is True
    assert (facts["claim.disease"], facts["claim.invalidity"], facts["claim.death"]) == (False, False, False)


def test_lists_flatten_to_tuples_and_absent_lists_stay_unknown():
    case = make_case({"accident.date": dt.date(2025, 1, 2)})
    assert "contributions.months" not in flatten(case)
    data = case.model_dump(exclude_none=True)
    data["contributions"] = {"months": [{"month": "2024-12", "paid": True}]}
    facts = flatten(type(case).model_validate(data))
    assert facts["contributions.months"] == ((2024 * 12 + 11, True, None, None),)


def test_flatten_keeps_only_known_values_and_makes_numbers_decimal():
    case = make_case({"accident.date": dt.date(2025, 1, 2), "medical_leave.days": 5,
                      "findings.interruption_or_deviation": False})
    facts = {k: v for k, v in flatten(case).items() if not k.startswith("claim.")}
    assert flatten(case)["claim.date"] == dt.date(2025, 1, 2)
    assert facts == {"accident.date": dt.date(2025, 1, 2), "medical_leave.days": Decimal(5),
                     "findings.interruption_or_deviation": False}
    assert isinstance(facts["medical_leave.days"], Decimal)


def test_kinds_of_missing_items():
    assert [fact_kind(n) for n in ("findings.x", "evidence.police_report", "accident.date")] == \
        ["finding", "evidence", "fact"]


def test_the_claim_date_is_the_first_event_date_and_stays_unknown_when_that_date_is_missing():
    both = make_case({"accident.date": dt.date(2025, 1, 2), "death.date": dt.date(2025, 3, 1)})
    assert flatten(both)["claim.date"] == dt.date(2025, 1, 2)
    data = both.model_dump(exclude_none=True)
    del data["accident"]["date"]
    assert "claim.date" not in flatten(type(both).model_validate(data))
