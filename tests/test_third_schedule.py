"""The Third Schedule (rates of contribution) and the Fourth Schedule's assumed monthly wage, stored as data in
rules/parameters/third_schedule.yaml (parameter contributions.third_schedule), checked three ways:

1. the derived generating rule of DOMAIN.md §1.6 regenerates every era's table; the data may differ from it only
   by the statutory corrections of DOMAIN.md §8.2 (listed below), and every other difference fails with a list;
2. published figures (DOMAIN.md §1.6 and §4), each case naming its source in its id;
3. the structure of every table (contiguous bands, totals, row counts, top band, amounts never falling).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import pytest

NAME = "contributions.third_schedule"
COLUMNS = ["above", "up_to", "assumed_wage", "employer", "employee", "total", "second_category"]
MONEY = ["employer", "employee", "total", "second_category"]

# Wage-ceiling eras (DOMAIN.md §1.5): the date each table takes effect -> the ceiling in RM.
ERAS = {
    dt.date(2006, 1, 1): 3000,   # RM3,000 (Act A1232; dated from the 2006 reprint, as coverage.compulsory_wage_limit)
    dt.date(2016, 6, 1): 4000,   # RM4,000 (Act A1508)
    dt.date(2022, 9, 1): 5000,   # RM5,000 (Amendment Act 2022)
    dt.date(2024, 10, 1): 6000,  # RM6,000 (Act A1724)
}

# Row counts: every band up to the ceiling plus one row for wages above it. The RM3,000 table's "34 categories"
# (DOMAIN.md §1.6, eiza2.pressbooks) are its 34 bands (7 bands up to RM300, then 27 RM100 bands to RM3,000); with the
# row above the ceiling that is 35 rows. §1.6's "45 rows" for RM4,000 and "65 rows" for RM6,000 count that row.
ROW_COUNTS = {dt.date(2006, 1, 1): 35, dt.date(2016, 6, 1): 45, dt.date(2022, 9, 1): 55, dt.date(2024, 10, 1): 65}

# DOMAIN.md §8.2 (high): the statute differs from the generating rule in the RM4,000 era (1 Jun 2016 - 31 Aug 2022),
# until the 2022 Act rectified it. (era, band's lower bound `above`, column) -> the statutory value in the data.
# The RM3,000-3,100 total was 68.40; its split is not published: employee 15.25 (as every source) and employer
# 53.15 by subtraction. The top band (RM3,900-4,000) and the row above RM4,000 were 69.05 / 19.75 / 88.80.
STATUTORY_CORRECTIONS_8_2 = {
    (dt.date(2016, 6, 1), 3000, "employer"): Decimal("53.15"),
    (dt.date(2016, 6, 1), 3000, "total"): Decimal("68.40"),
    (dt.date(2016, 6, 1), 3900, "employer"): Decimal("69.05"),
    (dt.date(2016, 6, 1), 3900, "total"): Decimal("88.80"),
    (dt.date(2016, 6, 1), 4000, "employer"): Decimal("69.05"),
    (dt.date(2016, 6, 1), 4000, "total"): Decimal("88.80"),
}


@pytest.fixture(scope="module")
def schedule(ruleset):
    return ruleset.parameters.parameters[NAME]


@pytest.fixture(scope="module")
def tables(schedule):
    return {start: value.value for start, value in schedule.values.items() if value is not None}


def as_dict(row) -> dict:
    return dict(zip(COLUMNS, row))


def rows_on(ruleset, day: dt.date) -> list[dict] | None:
    """The table in force on `day`, as the engine reads it (its dated history of the parameter), one dict a row."""
    entry = ruleset.parameters.history(NAME).entry_on(day)
    return None if entry is None else [dataclasses.asdict(row) for row in entry.value]


def band(rows: list[dict], wage: Decimal) -> dict:
    """The row for an actual monthly wage: wage > above and wage <= up_to (the last row: up_to null); a wage up to
    RM30 is the first row."""
    if wage <= rows[0]["up_to"]:
        return rows[0]
    for row in rows:
        if wage > row["above"] and (row["up_to"] is None or wage <= row["up_to"]):
            return row
    raise AssertionError(f"no band for a wage of RM{wage}")


# ---------------------------------------------------------------- 1. the generating rule (DOMAIN.md §1.6)

def generated_bands(ceiling: int) -> list[tuple[int, int | None, int]]:
    """(above, up_to, assumed wage): the first seven bands, then RM100 bands to the ceiling with their midpoint,
    then the row above the ceiling with the top band's assumed wage (ceiling - 50)."""
    bands = [(0, 30, 20), (30, 50, 40), (50, 70, 60), (70, 100, 85), (100, 140, 120), (140, 200, 170), (200, 300, 250)]
    bands += [(low, low + 100, low + 50) for low in range(300, ceiling, 100)]
    bands.append((ceiling, None, ceiling - 50))
    return bands


def generated_amounts(assumed_wage: Decimal) -> dict[str, Decimal]:
    """total = 2.25% of AW rounded half up to 0.10; employee = 0.5% of AW floored to 0.05; employer = total -
    employee; Second Category = 1.25% of AW rounded half up to 0.10."""
    total = (assumed_wage * Decimal("0.0225")).quantize(Decimal("0.1"), ROUND_HALF_UP)
    employee = (assumed_wage * Decimal("0.005") / Decimal("0.05")).to_integral_value(ROUND_FLOOR) * Decimal("0.05")
    cat2 = (assumed_wage * Decimal("0.0125")).quantize(Decimal("0.1"), ROUND_HALF_UP)
    cent = Decimal("0.01")
    return {"employer": (total - employee).quantize(cent), "employee": employee.quantize(cent),
            "total": total.quantize(cent), "second_category": cat2.quantize(cent)}


def generated_table(ceiling: int) -> list[dict]:
    return [{"above": Decimal(low), "up_to": None if high is None else Decimal(high), "assumed_wage": Decimal(aw),
             **generated_amounts(Decimal(aw))} for low, high, aw in generated_bands(ceiling)]


def differences(tables) -> list[tuple[tuple | None, str]]:
    """Every cell where data and rule differ, as ((era, above, column), line naming era, band, column, data value
    and rule value); a band or era that only one side has comes with the key None."""
    found: list[tuple[tuple | None, str]] = []
    for era, rows in sorted(tables.items()):
        ceiling = ERAS.get(era)
        if ceiling is None:
            found.append((None, f"{era}: an era DOMAIN.md §1.5 does not list"))
            continue
        data = {row[0]: as_dict(row) for row in rows}
        rule = {row["above"]: row for row in generated_table(ceiling)}
        for above in sorted(set(data) | set(rule)):
            if above not in data or above not in rule:
                side = "missing from the data" if above in rule else "not in the rule"
                found.append((None, f"{era} band above RM{above}: {side}"))
                continue
            for column in COLUMNS[1:]:
                mine, theirs = data[above][column], rule[above][column]
                if mine != theirs:
                    up_to = data[above]["up_to"]
                    band_name = f"RM{above}-{up_to}" if up_to is not None else f"above RM{above}"
                    found.append(((era, int(above), column),
                                  f"era {era}, band {band_name}, {column}: data {mine}, rule {theirs}"))
    return found


def test_the_generating_rule_reproduces_every_table_but_the_statutory_corrections(tables):
    found = differences(tables)
    unexplained = [line for key, line in found
                   if key is None or STATUTORY_CORRECTIONS_8_2.get(key) != as_dict_value(tables, key)]
    absent = [f"era {era}, band above RM{above}, {column}: the data should hold {value} (DOMAIN.md §8.2)"
              for (era, above, column), value in STATUTORY_CORRECTIONS_8_2.items()
              if as_dict_value(tables, (era, above, column)) != value]
    report = "\n".join(["data and the generating rule of DOMAIN.md §1.6 differ in:"] + [line for _, line in found])
    assert not unexplained and not absent, (
        report + "\n\nnot a documented statutory correction (STATUTORY_CORRECTIONS_8_2):\n" + "\n".join(unexplained)
        + "\n\ndocumented corrections missing from the data:\n" + "\n".join(absent))


def as_dict_value(tables, key) -> Decimal | None:
    """The data's value of one cell (era, band's `above`, column); None if the data has no such band."""
    era, above, column = key
    return next((as_dict(row)[column] for row in tables.get(era, []) if row[0] == above), None)


def test_the_generating_rule_reproduces_appendix_a_spot_rows():
    # DOMAIN.md §4 derived checks: E2 (AW 2,250: total 50.60, employee 11.25, employer 39.35), E4 (AW 4,950) and
    # the 70-100 band's employee share 0.425 -> 0.40.
    assert generated_amounts(Decimal(2250)) == {"employer": Decimal("39.35"), "employee": Decimal("11.25"),
                                               "total": Decimal("50.60"), "second_category": Decimal("28.10")}
    assert generated_amounts(Decimal(4950))["total"] == Decimal("111.40")
    assert generated_amounts(Decimal(85))["employee"] == Decimal("0.40")


# ---------------------------------------------------------------- 2. published figures

def published(id_, day, wage, **amounts):
    return pytest.param(dt.date.fromisoformat(day), Decimal(wage), {k: Decimal(v) for k, v in amounts.items()}, id=id_)


OFFICIAL = "perkeso.gov.my rate-of-contribution print page (DOMAIN 1.6)"
OFFICIAL_FIRST_ROWS = [
    # (wage, employer, employee, total, cat 2): DOMAIN.md §1.6, official first rows (the 30-50 band's employee
    # share is 0.20, not the "30 cents" typo of one copy).
    ("30", "0.40", "0.10", "0.50", "0.30"), ("50", "0.70", "0.20", "0.90", "0.50"),
    ("70", "1.10", "0.30", "1.40", "0.80"), ("100", "1.50", "0.40", "1.90", "1.10"),
    ("140", "2.10", "0.60", "2.70", "1.50"), ("200", "2.95", "0.85", "3.80", "2.10"),
    ("300", "4.35", "1.25", "5.60", "3.10"), ("400", "6.15", "1.75", "7.90", "4.40"),
    ("500", "7.85", "2.25", "10.10", "5.60"), ("600", "9.65", "2.75", "12.40", "6.90"),
    ("1400", "23.65", "6.75", "30.40", "16.90"),
]

PUBLISHED = [
    published(f"official first rows: wage {w} on 1 Oct 2024, {OFFICIAL}", "2024-10-01", w,
              employer=er, employee=ee, total=t, second_category=c2)
    for w, er, ee, t, c2 in OFFICIAL_FIRST_ROWS
] + [
    published(f"official first rows: wage {w} on 31 Aug 2022 (bands unchanged), {OFFICIAL}", "2022-08-31", w,
              employer=er, employee=ee, total=t, second_category=c2)
    for w, er, ee, t, c2 in OFFICIAL_FIRST_ROWS[:3]
] + [
    published("official: wage 0.01 is the first row, " + OFFICIAL, "2024-10-01", "0.01", total="0.50"),
    published("official: wage 30.01 is the 30-50 band, " + OFFICIAL, "2024-10-01", "30.01", total="0.90"),
    published("official top row 5,900-6,000, " + OFFICIAL, "2024-10-01", "6000",
              employer="104.15", employee="29.75", total="133.90"),
    published("E1 RM1,350 -> 30.40 (PERKESO guide via prezi.com/_xcvyycyw6tt/socso; hoosecretarialservices 2010)",
              "2010-09-01", "1350", employer="23.65", employee="6.75", total="30.40", second_category="16.90"),
    published("E2 RM2,250 -> 50.60 (imdavidlee.com how-to-calculate-our-socso, RM3,000 era)", "2012-01-01", "2250",
              total="50.60"),
    published("RM3,000 era maxima 14.75 / 51.65 (wanconnect amendment-to-socso2016)", "2016-05-31", "3500",
              employer="51.65", employee="14.75"),
    published("RM3,000 era maxima at the ceiling itself (wanconnect)", "2006-01-01", "3000",
              employer="51.65", employee="14.75"),
    published("RM3,000 era top band assumed wage RM2,950 (Act A1232 Fourth Schedule, DOMAIN 8.2)", "2010-01-01",
              "5000", assumed_wage="2950"),
    published("RM4,000 era maxima 69.05 / 19.75 / 88.80 on 1 Jun 2016 (DOMAIN 8.2; wanconnect; myfreelysacademy)",
              "2016-06-01", "4500", employer="69.05", employee="19.75", total="88.80", assumed_wage="3950"),
    published("RM4,000 era top band 3,900-4,000 on 31 Aug 2022 is 69.05 / 88.80 (DOMAIN 8.2)", "2022-08-31", "3950",
              employer="69.05", employee="19.75", total="88.80"),
    published("RM4,000 era 3,000-3,100 total 68.40 (DOMAIN 8.2)", "2016-06-01", "3050", total="68.40"),
    published("rectified 3,900-4,000 69.15 / 88.90 from 1 Sep 2022 (2022 Act, DOMAIN 8.2)", "2022-09-01", "3950",
              employer="69.15", employee="19.75", total="88.90"),
    published("rectified 3,000-3,100 total 68.60 from 1 Sep 2022 (2022 Act, DOMAIN 8.2)", "2022-09-01", "3100",
              total="68.60"),
    published("E4 above the ceiling on 1 Sep 2022 (easywork; payrollpanda; humanresourcesonline 61.90)",
              "2022-09-01", "5001", employer="86.65", employee="24.75", total="111.40", second_category="61.90",
              assumed_wage="4950"),
    published("E4 above the ceiling on 30 Sep 2024 (easywork; payrollpanda; humanresourcesonline 61.90)",
              "2024-09-30", "5500", employer="86.65", employee="24.75", total="111.40", second_category="61.90"),
    published("E6 above the ceiling on 1 Oct 2024 (centralhr.my new-socso-and-eis-contribution-tables 2024)",
              "2024-10-01", "8000", employer="104.15", employee="29.75", total="133.90", assumed_wage="5950"),
    published("E6 above the ceiling in 2025 (centralhr.my 2024; A1788 s.65 top band RM5,950)", "2025-06-01", "6000.01",
              employer="104.15", employee="29.75", total="133.90", assumed_wage="5950"),
    published("centralhr row 5,100 -> 25.25 / 88.35 / 113.60 (centralhr.my 2024)", "2024-10-01", "5100",
              employer="88.35", employee="25.25", total="113.60"),
    published("centralhr row 5,500 -> 27.25 / 95.35 / 122.60 (centralhr.my 2024)", "2024-10-01", "5500",
              employer="95.35", employee="27.25", total="122.60"),
]


@pytest.mark.parametrize(("day", "wage", "expected"), PUBLISHED)
def test_published_figures(ruleset, day, wage, expected):
    rows = rows_on(ruleset, day)
    assert rows is not None, f"no table in force on {day}"
    row = band(rows, wage)
    got = {column: row[column] for column in expected}
    assert got == expected, f"wage RM{wage} on {day}, band {row['above']}-{row['up_to']}"


def test_hhq_employer_increase_for_the_new_bands_is_between_1_70_and_17_50(ruleset):
    # https://hhq.com.my/posts/the-salary-ceiling-for-contributions-has-now-increased-to-rm6000/ (DOMAIN.md §1.6)
    before = rows_on(ruleset, dt.date(2024, 9, 30))
    after = rows_on(ruleset, dt.date(2024, 10, 1))
    increases = [band(after, Decimal(w))["employer"] - band(before, Decimal(w))["employer"] for w in range(5100, 6001, 100)]
    assert (min(increases), max(increases)) == (Decimal("1.70"), Decimal("17.50"))


def test_no_table_before_the_first_recorded_era(ruleset):
    # Earlier ceilings (RM500 in 1971, RM2,000 from 1991) are not recorded.
    assert rows_on(ruleset, dt.date(2005, 12, 31)) is None
    assert rows_on(ruleset, dt.date(2006, 1, 1)) is not None


# ---------------------------------------------------------------- 3. structure

def test_the_eras_are_those_of_domain_1_5(tables):
    assert sorted(tables) == sorted(ERAS)


def test_the_schedule_is_read_at_a_date_of_the_rules_choosing(schedule):
    assert schedule.unit == "schedule" and schedule.history is True and schedule.columns == COLUMNS


@pytest.mark.parametrize("era", sorted(ERAS), ids=str)
def test_table_structure(tables, era):
    rows = [as_dict(row) for row in tables[era]]
    ceiling = Decimal(ERAS[era])
    assert len(rows) == ROW_COUNTS[era]
    assert all(len(row) == len(COLUMNS) for row in tables[era])
    assert (rows[0]["above"], rows[0]["up_to"]) == (0, 30)
    for previous, row in zip(rows, rows[1:]):
        assert row["above"] == previous["up_to"], f"gap or overlap at RM{row['above']}"
        for column in ["assumed_wage"] + MONEY:
            assert row[column] >= previous[column], f"{column} falls at RM{row['above']}"
    for row in rows:
        assert row["up_to"] is None or row["up_to"] > row["above"]
        assert row["total"] == row["employer"] + row["employee"], f"total at RM{row['above']}"
        assert all(row[c].as_tuple().exponent == -2 for c in MONEY), f"money written with two decimals at RM{row['above']}"
    assert [row["up_to"] is None for row in rows] == [False] * (len(rows) - 1) + [True]
    top, above_ceiling = rows[-2], rows[-1]
    assert (top["up_to"], above_ceiling["above"]) == (ceiling, ceiling)
    # DOMAIN.md §8.2: the top band's assumed monthly wage is the ceiling - RM50; wages above the ceiling pay as
    # the top band.
    assert top["assumed_wage"] == above_ceiling["assumed_wage"] == ceiling - 50
    assert {c: top[c] for c in MONEY} == {c: above_ceiling[c] for c in MONEY}
