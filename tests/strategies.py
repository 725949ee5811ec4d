"""Hypothesis strategies for schema-valid cases over every case fact the rules read, any of them possibly absent."""
from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from engine import Case, load_case, load_ruleset
from engine.model import ContributionMonth, Dependant
from engine.facts import case_facts, flatten

from .conftest import CASES, RULES
from .helpers import make_case

RULESET = load_ruleset(RULES)
CATALOG = {name: fact_type for name, (fact_type, _) in case_facts().items()}
# claim.* facts are derived from which sections the case has, not written in it
READ = sorted({name for info in RULESET.rules for name in info.reads() + info.reads_in_formulas()
               if name in CATALOG and not name.startswith("claim.")} | set(Case.GOVERNING_DATES))
# Findings the law presumes when absent (presume()): recording one may rebut the presumption, so adding it can
# change a decided outcome; the monotonicity property leaves them out of what it adds.
PRESUMED = sorted({name for info in RULESET.rules for name in info.presumed})
FINDINGS = [name for name in READ if name.startswith("findings.")]
OPTIONAL_SECTIONS = ("accident", "disease", "invalidity", "death", "medical_leave")
# Record-only fields, to push free text and decimals through the Rete too (bounded: see
# test_runner.py::test_an_unread_huge_number_does_not_stop_adjudication).
EXTRA = {
    "person.name": st.text(max_size=20),
    "accident.description": st.text(max_size=20),
    "invalidity.customary_earnings": st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
}

# Every day on which a rule or parameter starts or stops, its eve, and anything else between 1960 and 2030.
BOUNDARIES = sorted({d + dt.timedelta(days=k) for info in RULESET.rules
                     for d in (info.rule.effective.from_, info.rule.effective.to) if d for k in (-1, 0, 1)})
DAYS = st.one_of(st.sampled_from(BOUNDARIES), st.dates(dt.date(1960, 1, 1), dt.date(2030, 12, 31)))
BIRTHS = st.dates(dt.date(1930, 1, 1), dt.date(2012, 12, 31))


WAGES = st.one_of(st.none(), st.decimals(min_value=0, max_value=9000, places=2, allow_nan=False, allow_infinity=False))
MONTHS = st.builds(lambda year, month, paid, category, wage: ContributionMonth(
    month=f"{year:04d}-{month:02d}", paid=paid, category=category, wage=wage),
    st.integers(1985, 2030), st.integers(1, 12), st.booleans(), st.sampled_from([None, "first", "second"]), WAGES)
HISTORIES = st.one_of(
    st.lists(MONTHS, max_size=12, unique_by=lambda m: m.month),
    # long, mostly paid runs ending near a boundary: where the s.17 counts (24 of 40 months, 2/3, 1/3) bite
    st.builds(lambda end, length, gaps, wage: [ContributionMonth(
        month=f"{(end - k) // 12:04d}-{(end - k) % 12 + 1:02d}", paid=k % gaps != 0, wage=wage) for k in range(length)],
        st.integers(2000 * 12, 2030 * 12), st.integers(20, 60), st.integers(2, 12), WAGES))
DEPENDANTS = st.lists(st.builds(Dependant, relation=st.sampled_from(
    ["widow", "widower", "child", "parent", "grandparent", "sibling", "other"]),
    date_of_birth=st.one_of(st.none(), BIRTHS), married=st.one_of(st.none(), st.booleans()),
    full_time_study=st.one_of(st.none(), st.booleans())), max_size=4)


def value_of(name: str) -> st.SearchStrategy:
    fact_type = CATALOG[name]
    if name == "person.date_of_birth":
        return BIRTHS
    if fact_type.type == "contribution_history":
        return HISTORIES
    if fact_type.type == "dependant_list":
        return DEPENDANTS
    if fact_type.type == "boolean":
        return st.booleans()
    if fact_type.type == "date":
        return DAYS
    if fact_type.type == "number":
        return st.integers(0, 30)
    if fact_type.values:
        return st.sampled_from(fact_type.values)
    return st.text(max_size=10)


VALUES = {**{name: value_of(name) for name in READ}, **EXTRA}


def case_values(case: Case) -> dict:
    """The case's facts as a case file writes them: lists as their items (flatten gives the rules' records)."""
    facts = flatten(case)
    for name, value in facts.items():
        if isinstance(value, tuple):
            holder = case
            for part in name.split("."):
                holder = getattr(holder, part)
            facts[name] = list(holder)
    return facts
# The golden cases are realistic starting points: most values are kept from one of them, so decided outcomes, findings
# and evidence that matter are common enough for the properties to bite.
TEMPLATES = [case_values(load_case(path)) for path in sorted(CASES.glob("*.yaml"))]
WITH_FINDINGS = [template for template in TEMPLATES if set(template) & set(FINDINGS)]


@st.composite
def fact_sets(draw, densities=st.integers(2, 10), fidelities=st.integers(5, 10), templates=TEMPLATES) -> dict:
    """Dotted facts, each present or absent: how many are present, and how many keep the value of the template case,
    in tenths, are drawn from `densities` and `fidelities`."""
    template = draw(st.sampled_from(templates))
    density, fidelity = draw(densities), draw(fidelities)
    facts = {}
    for name, strategy in VALUES.items():
        if draw(st.integers(1, 10)) <= density:
            keep = name in template and draw(st.integers(1, 10)) <= fidelity
            facts[name] = template[name] if keep else draw(strategy)
    return facts


def consistent(case: Case) -> Case:
    """Contradictory cases are refused (CASE-104): generate only decidable ones."""
    return case.without_contradictions()


@st.composite
def cases(draw) -> Case:
    facts = draw(fact_sets())
    sections = tuple(s for s in OPTIONAL_SECTIONS if draw(st.booleans()))
    return consistent(make_case(facts, sections=sections))


@st.composite
def case_and_extension(draw) -> tuple[Case, Case, dict]:
    """A case, and the same case with some of its absent facts added (never a governing date: see
    test_runner.py::test_an_accident_is_judged_on_its_own_date)."""
    drawn = draw(fact_sets(st.just(10), templates=draw(st.sampled_from([TEMPLATES, WITH_FINDINGS]))))
    # Both cases are parts of one contradiction-free case, so neither loses a fact the other has.
    full = {name: value for name, value in case_values(consistent(make_case(drawn))).items()
            if name in VALUES}
    dropped = draw(st.sets(st.sampled_from(sorted(full)), max_size=4)) if full else set()
    dropped |= {name for name in FINDINGS if name in full and draw(st.booleans())}  # the officer's findings come late
    base = {name: value for name, value in full.items() if name not in dropped}
    added = {name: full[name] for name in sorted(dropped)
             if name not in Case.GOVERNING_DATES and name not in PRESUMED and draw(st.booleans())}
    sections = tuple(s for s in OPTIONAL_SECTIONS if draw(st.booleans()))
    return make_case(base, sections=sections), make_case({**base, **added}, sections=sections), added


@st.composite
def cases_missing_findings(draw) -> Case:
    """A mostly complete case, like one whose decision rests on a finding, with some findings not yet recorded."""
    facts = draw(fact_sets(st.integers(9, 10), st.integers(8, 10), WITH_FINDINGS))
    return consistent(make_case({name: value for name, value in facts.items()
                                 if name not in FINDINGS or draw(st.booleans())}, sections=("accident",)))
