"""Properties of the money: contributions never fall as the wage rises within an era and stop at the ceiling band;
benefit daily rates stay within their dated minimum and maximum; the same case always gives the same amounts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import Case, adjudicate, load_ruleset
from engine import expressions as ex

from .conftest import RULES
from .test_properties import PROPERTY

RULESET = load_ruleset(RULES)
SCHEDULE = RULESET.parameters.history("contributions.third_schedule")
ERAS = [entry for entry in SCHEDULE.entries if entry.value is not None]
COLUMNS = ex.CONTRIBUTION_COLUMNS
MONTHS = st.builds(lambda era, offset: dt.date(era.year, era.month, 1) + dt.timedelta(days=offset),
                   st.sampled_from([e.start for e in ERAS]), st.integers(0, 27))
AMOUNTS = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)


def era_of(day: dt.date):
    return SCHEDULE.entry_on(day)


@PROPERTY
@given(MONTHS, AMOUNTS, AMOUNTS)
def test_a_higher_wage_never_pays_less_in_the_same_month(month, a, b):
    low, high = sorted((a, b))
    for column in COLUMNS:
        assert ex.FUNCTIONS["contribution"].impl(SCHEDULE, low, month, column) <= \
            ex.FUNCTIONS["contribution"].impl(SCHEDULE, high, month, column)


@PROPERTY
@given(MONTHS, st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
def test_every_wage_above_the_ceiling_pays_the_top_band(month, excess):
    bands = era_of(month).value
    ceiling = bands[-1].above
    top = bands[-2]
    for column in COLUMNS:
        assert ex.FUNCTIONS["contribution"].impl(SCHEDULE, ceiling + excess, month, column) == getattr(top, column)


def contribution_case(wage: Decimal, month: dt.date, category: str) -> Case:
    # the case `socso contribution --category` builds: an insured employee employed in the month
    from engine.cli import contribution_case as build
    case, _ = build(str(wage), month.strftime("%Y-%m"), category, None, None, None)
    return case


def amounts(decision) -> dict:
    return {a.fact: a.value for a in decision.amounts}


@settings(PROPERTY, max_examples=max(20, PROPERTY.max_examples // 4))
@given(MONTHS, AMOUNTS, AMOUNTS, st.sampled_from(["first", "second"]))
def test_the_rules_contribution_is_the_schedules_and_rises_with_the_wage(engine, month, a, b, category):
    low, high = sorted((a, b))
    assume(low > 0)  # no source says what a month without wages pays: the rules leave it undetermined
    # before June 2016 a wage above RM3,000 is insured only "once in, always in": the rules ask for that history
    assume(month >= dt.date(2016, 6, 1) or high <= 3000)
    column = "total" if category == "first" else "second_category"
    totals = []
    for wage in (low, high):
        got = amounts(adjudicate(engine, contribution_case(wage, month, category), check=True))
        assert Decimal(got["contribution.total"]) == ex.FUNCTIONS["contribution"].impl(SCHEDULE, wage, month, column)
        totals.append(Decimal(got["contribution.total"]))
    assert totals[0] <= totals[1]
