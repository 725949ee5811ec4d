"""Dated parameters: the value in force on a day, the date it took effect, null ending a provision, and gaps."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.model import Effective, Parameter, ParameterValue
from engine.parameters import ParameterTable

D = dt.date


def value(amount: str, confidence: str = "high") -> ParameterValue:
    return ParameterValue(value=Decimal(amount), source=f"source of {amount}", confidence=confidence)


# 100 from 2000, 200 from 2010, ended on 2015-01-01, 300 again from 2018
TABLE = ParameterTable({"p": Parameter(title="p", values={
    D(2010, 1, 1): value("200", "medium"), D(2000, 1, 1): value("100"), D(2015, 1, 1): None,
    D(2018, 1, 1): value("300"),
})})


@pytest.mark.parametrize("day, amount, since", [
    (D(1999, 12, 31), None, None),  # before the first value
    (D(2000, 1, 1), "100", D(2000, 1, 1)),
    (D(2009, 12, 31), "100", D(2000, 1, 1)),
    (D(2010, 1, 1), "200", D(2010, 1, 1)),  # the values are not written in date order
    (D(2014, 12, 31), "200", D(2010, 1, 1)),
    (D(2015, 1, 1), None, None),  # null ends the provision
    (D(2017, 12, 31), None, None),
    (D(2018, 1, 1), "300", D(2018, 1, 1)),
    (D(2099, 1, 1), "300", D(2018, 1, 1)),
])
def test_the_value_on_a_day_and_the_date_it_took_effect(day, amount, since):
    reading = TABLE.reading("p", day)
    if amount is None:
        assert reading is None
    else:
        assert (reading.value, reading.effective_from) == (Decimal(amount), since)
        assert reading.source == f"source of {amount}"


def test_a_reading_carries_the_confidence_of_its_value():
    assert TABLE.reading("p", D(2012, 6, 1)).confidence == "medium"


@pytest.mark.parametrize("start, end, gap", [
    (D(1999, 1, 1), D(2001, 1, 1), D(1999, 1, 1)),  # starts before the first value
    (D(2000, 1, 1), D(2014, 12, 31), None),
    (D(2000, 1, 1), D(2015, 1, 1), D(2015, 1, 1)),  # ends on the day the provision ends
    (D(2000, 1, 1), None, D(2015, 1, 1)),
    (D(2016, 1, 1), D(2019, 1, 1), D(2016, 1, 1)),  # starts inside the gap
    (D(2018, 1, 1), None, None),
])
def test_gaps(start, end, gap):
    assert TABLE.gaps("p", Effective(**{"from": start, "to": end})) == gap


def test_membership():
    assert "p" in TABLE and "q" not in TABLE


@pytest.mark.parametrize("name, day, amount, since, confidence", [
    ("coverage.second_category_age", D(2013, 1, 1), 60, D(2013, 1, 1), "high"),
    ("coverage.late_entry_age", D(2025, 2, 3), 55, D(2013, 1, 1), "high"),
    ("employment_injury.tdb_minimum_leave_days", D(1971, 1, 1), 4, D(1971, 1, 1), "high"),
    ("coverage.second_category_age", D(2012, 12, 31), 55, D(2006, 1, 1), "medium"),  # the pre-2013 rule
    ("coverage.second_category_age", D(2005, 12, 31), None, None, None),
])
def test_the_rule_sets_parameters(ruleset, name, day, amount, since, confidence):
    reading = ruleset.parameters.reading(name, day)
    if amount is None:
        assert reading is None
    else:
        assert (reading.value, reading.effective_from, reading.confidence) == (Decimal(amount), since, confidence)
        assert isinstance(reading.value, Decimal) and reading.source
