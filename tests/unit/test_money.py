"""The money functions and dated (history) parameters: schedule bands, the average assumed wage across eras,
working days from the `holidays` package, interest on late payment, and schedule validation."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from engine import RuleSetError, load_ruleset
from engine import expressions as ex
from engine.model import ContributionMonth, Parameter

from ..conftest import RULES
from .test_validator import write_rules

D0 = dt.date


def history(values: dict, unit: str | None = None, history: bool = True):
    from engine.parameters import ParameterTable
    parameter = Parameter.model_validate({"title": "t", "unit": unit, "history": history, "values": {
        day: (None if v is None else {"value": v, "source": f"source {day}", "confidence": "medium"})
        for day, v in values.items()}})
    return ParameterTable({"x": parameter}).reading("x", D0(2000, 1, 1)).value


@pytest.fixture(scope="module")
def schedule():
    return load_ruleset(RULES).parameters.history("contributions.third_schedule")


def months(*pairs: tuple[str, str]) -> tuple:
    return tuple(ContributionMonth(month=m, wage=D(w), paid=True).record() for m, w in pairs)


def call(name: str, *args):
    return ex.FUNCTIONS[name].impl(*args)


def test_a_dated_value_is_read_on_its_own_date_and_a_null_period_has_none():
    cap = history({D0(2006, 1, 1): D("1500"), D0(2016, 1, 1): None, D0(2016, 6, 1): D("2000")})
    assert call("value_on", cap, D0(2015, 12, 31)) == D("1500")
    assert call("value_on", cap, D0(2016, 3, 1)) is ex.UNKNOWN
    assert call("has_value_on", cap, D0(2016, 3, 1)) is False
    assert call("value_on", cap, D0(2016, 6, 1)) == D("2000")
    assert call("has_value_on", cap, D0(2005, 12, 31)) is False
    assert ex.type_of_value(cap) == "dated_number"


def test_the_band_of_a_wage_is_read_in_the_schedule_of_its_own_month(schedule):
    assert call("contribution", schedule, D("1350"), D0(2024, 10, 1), "total") == D("30.40")
    assert call("contribution", schedule, D("1400"), D0(2024, 10, 1), "total") == D("30.40")  # up to and including
    assert call("contribution", schedule, D("1400.01"), D0(2024, 10, 1), "total") == D("32.60")
    assert call("contribution", schedule, D("9000"), D0(2024, 9, 30), "total") == D("111.40")
    assert call("contribution", schedule, D("9000"), D0(2024, 10, 1), "total") == D("133.90")
    assert call("contribution", schedule, D("0"), D0(2024, 10, 1), "employee") == D("0.10")
    assert call("assumed_monthly_wage", schedule, D("9000"), D0(2016, 5, 15)) == D("2950")
    assert call("contribution", schedule, D("1000"), D0(2005, 12, 1), "total") is ex.UNKNOWN  # no schedule on record
    with pytest.raises(ex.EvaluationFailure):
        call("contribution", schedule, D("-1"), D0(2024, 10, 1), "total")


def test_the_average_assumed_wage_reads_each_month_in_its_own_era(schedule):
    history_ = months(*[(f"2024-{m:02d}", "7000") for m in range(4, 11)])
    assert call("average_assumed_monthly_wage", schedule, history_, D0(2024, 4, 1), D0(2024, 9, 30)) == D("4950")
    assert call("average_assumed_monthly_wage", schedule, history_, D0(2024, 5, 1), D0(2024, 10, 31)) == \
        (5 * D("4950") + D("5950")) / 6
    assert call("months_on_record", history_, D0(2024, 1, 1), D0(2024, 6, 1)) == 3
    assert call("average_assumed_monthly_wage", schedule, history_, D0(2023, 1, 1), D0(2023, 6, 1)) is ex.UNKNOWN
    no_wage = (ContributionMonth(month="2024-04", paid=True).record(),)
    assert call("average_assumed_monthly_wage", schedule, no_wage, D0(2024, 4, 1), D0(2024, 4, 1)) is ex.UNKNOWN


@pytest.mark.parametrize("day, state, expected", [
    (D0(2024, 11, 15), "kedah", D0(2024, 11, 14)),        # Friday: weekend in Kedah
    (D0(2024, 11, 15), "selangor", D0(2024, 11, 15)),     # Friday: a working day in Selangor
    (D0(2024, 12, 11), "selangor", D0(2024, 12, 10)),     # the Sultan of Selangor's birthday
    (D0(2020, 6, 5), "johor", D0(2020, 6, 4)),            # Johor kept a Friday-Saturday weekend until 2024
    (D0(2025, 6, 6), "johor", D0(2025, 6, 6)),            # ... and Saturday-Sunday from 2025
    (D0(2025, 6, 15), "selangor", D0(2025, 6, 13)),       # Sunday -> Friday
])
def test_the_last_working_day_follows_the_states_holidays_and_weekends(day, state, expected):
    assert call("last_working_day_on_or_before", day, state) == expected


@pytest.mark.parametrize("after, until, count", [
    (D0(2024, 11, 15), D0(2024, 11, 15), 0), (D0(2024, 11, 15), D0(2024, 11, 16), 1),
    (D0(2024, 11, 15), D0(2024, 12, 15), 1), (D0(2024, 11, 15), D0(2024, 12, 16), 2),
    (D0(2024, 1, 31), D0(2024, 2, 29), 1), (D0(2024, 1, 31), D0(2024, 3, 1), 2),
    # from a month-end deadline, whole calendar months: 30 April to 31 May is one month, 1 June starts the second
    (D0(2012, 4, 30), D0(2012, 5, 31), 1), (D0(2012, 4, 30), D0(2012, 6, 1), 2),
    (D0(2012, 5, 31), D0(2012, 6, 30), 1), (D0(2012, 2, 29), D0(2012, 3, 31), 1),
])
def test_months_or_part_of_a_month(after, until, count):
    assert call("months_or_part", after, until) == count


def test_late_payment_interest_each_month_or_part_of_a_month():
    # DOMAIN.md §4 E3: RM50.50 for February 2006, due by 31 March 2006 (then the deadline), paid 15 May 2006.
    # April: 50.50 x 6% x 30/365 = 0.249 -> RM5; 1-15 May: part of a month -> RM5.
    args = (D("50.50"), D0(2006, 3, 31), D0(2006, 5, 15), D("6"), D("5"), D("5"))
    assert call("late_payment_interest", *args, "each_month") == D("10.00")
    assert call("late_payment_interest", *args, "whole_delay") == D("10.00")
    # RM2,000 of arrears, 31 days late: 2000 x 6% x 31/365 = 10.19 -> rounded up to RM15.
    big = (D("2000"), D0(2024, 11, 15), D0(2024, 12, 16), D("6"), D("5"), D("5"))
    assert call("late_payment_interest", *big, "each_month") == D("15.00")
    # whole delay over 62 days: 2000 x 6% x 62/365 = 20.38 -> 25; each month: 10.19 -> 15 and 10.19 -> 15.
    longer = (D("2000"), D0(2024, 11, 15), D0(2025, 1, 16), D("6"), D("5"), D("5"))
    assert call("late_payment_interest", *longer, "whole_delay") == D("25.00")
    assert call("late_payment_interest", *longer, "each_month") == D("30.00")
    assert call("late_payment_interest", D("100"), D0(2024, 11, 15), D0(2024, 11, 15), D("6"), D("5"), D("5"),
                "each_month") == D("0.00")


def test_rounding_to_a_step():
    assert call("round_up_to", D("7.2"), D("5")) == D("10")
    assert call("round_half_up_to", D("44.625"), D("0.05")) == D("44.65")
    assert call("round_down_to", D("12.375"), D("0.05")) == D("12.35")
    with pytest.raises(ex.EvaluationFailure):
        call("round_up_to", D("1"), D("0"))


SCHEDULE = """
parameters:
  s.table:
    title: t
    unit: schedule
    values:
      2020-01-01:
        source: s
        confidence: low
        value:
          - [0, 30, 20, 0.40, 0.10, 0.50, 0.30]
          - [40, 50, 40, 0.70, 0.20, 0.80, 0.50]
          - [50, 60, 55, 0.70, 0.20, 0.90]
          - [60, 70, 65, 0.70, 0.20, 0.90, 0.50]
"""


def test_a_schedule_with_gaps_bad_totals_or_short_rows_is_refused_with_its_row(tmp_path):
    root = write_rules(tmp_path, {"p.yaml": SCHEDULE})
    with pytest.raises(RuleSetError) as error:
        load_ruleset(root)
    text = error.value.render()
    assert "row 2: the band starts above 40, but the previous band ends at 30" in text
    assert "row 2: employer 0.70 + employee 0.20 is not the total 0.80" in text
    assert "row 3: expected 7 numbers" in text
    assert "the last row must have up_to null" in text
    assert "p.yaml:13:" in text  # the row's own line


def test_a_dated_parameter_read_as_a_plain_number_is_a_type_error(tmp_path):
    root = write_rules(tmp_path, {
        "p.yaml": """
            parameters:
              cap:
                title: t
                history: true
                values:
                  2020-01-01: {value: 10, source: s, confidence: low}
            """,
        "r.yaml": """
            ruleset: r
            title: r
            facts:
              x.y: {type: number, title: t}
            rules:
              - id: RR-001
                title: reads a dated parameter without a date
                citation: {source: s}
                effective: {from: 2020-01-01}
                then: {x.y: {compute: "parameters.cap + 1"}}
            """})
    with pytest.raises(RuleSetError) as error:
        load_ruleset(root)
    assert "'+' needs numbers, not a dated_number" in error.value.render()


def test_a_month_without_wages_is_not_a_contribution_month(schedule):
    history_ = months(("2024-10", "3000"), ("2024-11", "0"), ("2024-12", "3000"))
    assert call("months_on_record", history_, D0(2024, 10, 1), D0(2024, 12, 1)) == 2
    assert call("average_assumed_monthly_wage", schedule, history_, D0(2024, 10, 1), D0(2024, 12, 1)) == D("2950")


def test_the_count_of_a_class_of_dependants_is_exact_or_unknown():
    from engine.model import Dependant
    widow = Dependant(relation="widow").record()
    child = Dependant(relation="child", date_of_birth=D0(2015, 1, 1), married=False).record()
    unsure = Dependant(relation="child", date_of_birth=D0(2015, 1, 1)).record()  # married not recorded
    args = (D0(2025, 1, 1), D("21"))
    assert call("eligible_dependants_of", (widow, child, child), *args, "child") == 2
    assert call("eligible_dependants_of", (widow, child, unsure), *args, "child") is ex.UNKNOWN
    assert call("eligible_dependants_of", (widow, child, unsure), *args, "spouse") == 1
    assert call("eligible_dependants", (widow, child, unsure), *args) == 2  # at least: enough for ">= 1"


def test_a_month_listed_twice_and_more_days_worked_than_leave_are_contradictions():
    from engine import Case
    case = Case.model_validate({"case_id": "c", "contributions": {"months": [
        {"month": "2024-01", "paid": True}, {"month": "2024-01", "paid": True}]},
        "medical_leave": {"days": 4, "days_worked": 6}})
    messages = [message for _, message in case.contradictions()]
    assert any("2024-01 are listed more than once" in m for m in messages)
    assert any("days_worked (6) is more than the days of leave (4)" in m for m in messages)
