"""The condition and formula language: a tokenizer and parser with positions, a type checker, and an exact
three-valued evaluator (Decimal numbers; a missing fact is *unknown*, never false). Nothing here calls eval."""
from __future__ import annotations

import calendar
import datetime as dt
import operator
import re
from dataclasses import dataclass
from functools import lru_cache
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any, Callable, Iterable, Mapping, Union

PARAMETER_PREFIX = "parameters."


class Unknown:
    """The value of a fact that is not known (Kleene logic's third value)."""

    _instance = None

    def __new__(cls):  # one shared instance, so `is UNKNOWN` works everywhere
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "unknown"


UNKNOWN = Unknown()


class ExpressionError(Exception):
    """A syntax or type error at `offset` (0-based, within the expression text)."""

    def __init__(self, code: str, name: str, message: str, offset: int, hint: str = ""):
        self.code, self.name, self.message, self.offset, self.hint = code, name, message, offset, hint
        super().__init__(message)


# ---------------------------------------------------------------- syntax tree

@dataclass(frozen=True)
class Lit:
    value: Any
    pos: int = 0


@dataclass(frozen=True)
class Ref:
    name: str
    pos: int = 0


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple
    pos: int = 0


@dataclass(frozen=True)
class Not:
    operand: Any
    pos: int = 0


@dataclass(frozen=True)
class Neg:
    operand: Any
    pos: int = 0


@dataclass(frozen=True)
class BoolOp:
    op: str  # 'and' | 'or'
    operands: tuple
    pos: int = 0


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >=
    left: Any
    right: Any
    pos: int = 0


@dataclass(frozen=True)
class In:
    operand: Any
    items: tuple  # of Lit
    negated: bool = False
    pos: int = 0


@dataclass(frozen=True)
class Arith:
    op: str  # + - * /
    left: Any
    right: Any
    pos: int = 0


Node = Union[Lit, Ref, Call, Not, Neg, BoolOp, Compare, In, Arith]

# ---------------------------------------------------------------- tokenizer

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"[^"\\]*"|'[^'\\]*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
""", re.VERBOSE)

KEYWORDS = {"and", "or", "not", "in", "true", "false"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ExpressionError("RS-107", "expression-syntax", f"unexpected character '{text[pos]}'", pos)
        kind = match.lastgroup
        if kind != "ws":
            word = match.group()
            if kind == "name" and word in KEYWORDS:
                kind = word
            tokens.append(Token(kind, word, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# ---------------------------------------------------------------- parser (precedence climbing)

class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self, *kinds_or_ops: str) -> Token | None:
        token = self.peek()
        if token.kind in kinds_or_ops or (token.kind == "op" and token.text in kinds_or_ops):
            self.i += 1
            return token
        return None

    def expect(self, op: str, what: str) -> Token:
        token = self.take(op)
        if token is None:
            found = self.peek()
            raise ExpressionError("RS-107", "expression-syntax",
                                  f"expected {what}, found {found.text or 'the end of the expression'}", found.pos)
        return token

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token.kind != "end":
            raise ExpressionError("RS-107", "expression-syntax", f"unexpected '{token.text}'", token.pos,
                                  "combine conditions with 'and' or 'or'")
        return node

    def parse_or(self) -> Node:
        first = self.parse_and()
        operands = [first]
        while self.take("or"):
            operands.append(self.parse_and())
        return first if len(operands) == 1 else BoolOp("or", tuple(operands), _pos(first))

    def parse_and(self) -> Node:
        first = self.parse_not()
        operands = [first]
        while self.take("and"):
            operands.append(self.parse_not())
        return first if len(operands) == 1 else BoolOp("and", tuple(operands), _pos(first))

    def parse_not(self) -> Node:
        token = self.take("not")
        if token:
            return Not(self.parse_not(), token.pos)
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_sum()
        token = self.peek()
        if token.kind == "op" and token.text in ("==", "!=", "<", "<=", ">", ">="):
            self.i += 1
            return Compare(token.text, left, self.parse_sum(), token.pos)
        negated = False
        if token.kind == "not" and self.tokens[self.i + 1].kind == "in":
            self.i += 1
            negated = True
        if self.take("in"):
            self.expect("[", "'[' to start a list")
            items = [self.parse_literal()]
            while self.take(","):
                items.append(self.parse_literal())
            self.expect("]", "']' to close the list")
            return In(left, tuple(items), negated, token.pos)
        return left

    def parse_literal(self) -> Lit:
        node = self.parse_unary()
        if isinstance(node, Neg) and isinstance(node.operand, Lit):
            return Lit(-node.operand.value, node.pos)
        if not isinstance(node, Lit):
            raise ExpressionError("RS-107", "expression-syntax", "a list may hold only literal values", _pos(node))
        return node

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while True:
            token = self.take("+", "-")
            if not token:
                return node
            node = Arith(token.text, node, self.parse_product(), token.pos)

    def parse_product(self) -> Node:
        node = self.parse_unary()
        while True:
            token = self.take("*", "/")
            if not token:
                return node
            node = Arith(token.text, node, self.parse_unary(), token.pos)

    def parse_unary(self) -> Node:
        token = self.take("-")
        if token:
            return Neg(self.parse_unary(), token.pos)
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.peek()
        self.i += 1
        if token.kind == "number":
            return Lit(Decimal(token.text), token.pos)
        if token.kind == "date":
            try:
                return Lit(dt.date.fromisoformat(token.text), token.pos)
            except ValueError:
                raise ExpressionError("RS-107", "expression-syntax", f"'{token.text}' is not a real calendar date",
                                      token.pos) from None
        if token.kind == "string":
            return Lit(token.text[1:-1], token.pos)
        if token.kind in ("true", "false"):
            return Lit(token.kind == "true", token.pos)
        if token.kind == "name":
            if self.take("("):
                args = []
                if not self.take(")"):
                    args.append(self.parse_sum())
                    while self.take(","):
                        args.append(self.parse_sum())
                    self.expect(")", "')' to close the call")
                return Call(token.text, tuple(args), token.pos)
            return Ref(token.text, token.pos)
        if token.kind == "op" and token.text == "(":
            node = self.parse_or()
            self.expect(")", "')'")
            return node
        raise ExpressionError("RS-107", "expression-syntax",
                              f"expected a value, found {token.text or 'the end of the expression'}", token.pos)


def _pos(node: Node) -> int:
    return getattr(node, "pos", 0)


def parse(text: str) -> Node:
    """Parse one expression; raises ExpressionError with the offset of the problem."""
    return _Parser(text).parse()


# ---------------------------------------------------------------- functions

@lru_cache(maxsize=8192)  # pure, and asked for by several rules of every case
def _age_on(birth: dt.date, on: dt.date) -> Decimal:
    # Age in completed years: a person born on 29 February attains a new age on 1 March in common years
    # (the anniversary has not yet come on 28 February).
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return Decimal(years)


@lru_cache(maxsize=8192)
def _months_between(start: dt.date, end: dt.date) -> Decimal:
    months = (end.year - start.year) * 12 + (end.month - start.month) - (end.day < start.day)
    return Decimal(months)


def _round_half_up(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: Decimal) -> dt.date:
    # The same day of the month, moved back to the month's last day where that month is shorter (31 Jan + 1 -> 28/29 Feb).
    if months != months.to_integral_value():
        raise EvaluationFailure(f"add_months needs a whole number of months, not {months}")
    index = day.year * 12 + day.month - 1 + int(months)
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise EvaluationFailure(f"add_months({day.isoformat()}, {months}) leaves the calendar")
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _months_in(history: tuple, start: dt.date, end: dt.date) -> Iterable:
    """The history's months from the month of `start` to the month of `end`, both included."""
    first, last = _month_index(start), _month_index(end)
    return (m for m in history if first <= m.ordinal <= last)


@lru_cache(maxsize=8192)
def _invalidity_contributions(history: tuple, start: dt.date, end: dt.date) -> Decimal:
    # s.17 counts contributions paid, and only First Category ones carry the Invalidity Scheme (s.6(2), (4)).
    return Decimal(sum(1 for m in _months_in(history, start, end) if m.paid and m.category != "second"))


@lru_cache(maxsize=8192)
def _unpaid_months(history: tuple, start: dt.date, end: dt.date) -> Decimal:
    # Months on record as due but not paid (an employer's default, say): what s.17(3A) lets the Organisation excuse.
    return Decimal(sum(1 for m in _months_in(history, start, end) if not m.paid and m.category != "second"))


@lru_cache(maxsize=8192)
def _contributions_paid(history: tuple, start: dt.date, end: dt.date) -> Decimal:
    # Either category: a paid month of the Employment Injury Scheme shows insured employment in that month.
    return Decimal(sum(1 for m in _months_in(history, start, end) if m.paid))


def _eligible_dependants(dependants: tuple, on: dt.date, age: Decimal) -> Any:
    # s.2(3); DOMAIN.md §2.10, §3.6, §8.4: a widow, widower, parent or grandparent at any age (and the other class (b)
    # dependants the officer records); a child or sibling only while unmarried, and under `age` unless (a child) in
    # full-time study for a first degree or incapacitated: study and incapacity extend the age, never marriage.
    # Unknown (not zero) while a detail that could make one eligible is missing.
    count, unknown = 0, False
    for d in dependants:
        if d.relation not in ("child", "sibling"):
            count += 1
            continue
        if d.married is None:
            unknown = True
            continue
        if d.married:
            continue
        if d.relation == "child" and (d.incapacitated or d.full_time_study):
            count += 1
            continue
        if d.date_of_birth is None:
            unknown = True
        elif _age_on(d.date_of_birth, on) < age:
            count += 1
        elif d.relation == "child" and (d.incapacitated is None or d.full_time_study is None):
            unknown = True
    return UNKNOWN if unknown and count == 0 else Decimal(count)


def _counted(relation: str, dependants: tuple, on: dt.date, age: Decimal) -> Any:
    # An exact count, or unknown: the shares of the Fourth and Eighth Schedules turn on how many there are, so a
    # dependant whose eligibility is not yet known leaves the count unknown (eligible_dependants, which tests for
    # at least one, may use a partial count).
    members = tuple(d for d in dependants if d.relation in _RELATIONS[relation])
    count = _eligible_dependants(members, on, age)
    if count is UNKNOWN or any(_eligible_dependants((d,), on, age) is UNKNOWN for d in members):
        return UNKNOWN
    return count


# The dependants' classes the shares of the Fourth and Eighth Schedules name (DOMAIN.md §8.4).
_RELATIONS = {"spouse": ("widow", "widower"), "child": ("child",), "parent": ("parent",),
              "grandparent": ("grandparent",), "sibling": ("sibling",), "other": ("other",)}


def _value_on(history: Any, day: dt.date) -> Any:
    entry = history.entry_on(day)
    return UNKNOWN if entry is None else entry.value


def _has_value_on(history: Any, day: dt.date) -> bool:
    return history.entry_on(day) is not None


def _band(schedule: Any, wage: Decimal, month: dt.date) -> Any:
    """The row of the schedule in force in `month` for an actual monthly wage; None if no schedule is on record."""
    entry = schedule.entry_on(_month_start(month))
    if entry is None:
        return None
    if wage < 0:
        raise EvaluationFailure(f"a wage cannot be negative ({wage})")
    for band in entry.value:
        if band.up_to is None or wage <= band.up_to:
            return band
    return entry.value[-1]


def _assumed_monthly_wage(schedule: Any, wage: Decimal, month: dt.date) -> Any:
    band = _band(schedule, wage, month)
    return UNKNOWN if band is None else band.assumed_wage


CONTRIBUTION_COLUMNS = ("employer", "employee", "total", "second_category")


def _contribution(schedule: Any, wage: Decimal, month: dt.date, column: str) -> Any:
    if column not in CONTRIBUTION_COLUMNS:
        raise EvaluationFailure(f"no schedule column '{column}'")
    band = _band(schedule, wage, month)
    return UNKNOWN if band is None else getattr(band, column)


def _months_on_record(history: tuple, start: dt.date, end: dt.date) -> Decimal:
    # A month listed with no wages (unpaid leave) had no contribution payable: it is not a contribution month.
    return Decimal(sum(1 for m in _months_in(history, start, end) if m.wage != 0))


def _average_assumed_monthly_wage(schedule: Any, history: tuple, start: dt.date, end: dt.date) -> Any:
    # DOMAIN.md §2.5: the assumed monthly wages of the months on record (contributions paid or payable) from the
    # month of `start` to the month of `end`, each read in the schedule in force in its own month, averaged. Unknown
    # when a month on record has no wage, when no schedule covers a month, or when no month is on record.
    months = [m for m in _months_in(history, start, end) if m.wage != 0]  # no wages: no contribution payable
    if not months:
        return UNKNOWN
    total = Decimal(0)
    for record in months:
        if record.wage is None:
            return UNKNOWN
        year, index = divmod(record.ordinal, 12)
        assumed = _assumed_monthly_wage(schedule, record.wage, dt.date(year, index + 1, 1))
        if assumed is UNKNOWN:
            return UNKNOWN
        total += assumed
    return total / len(months)


def _add_days(day: dt.date, days: Decimal) -> dt.date:
    if days != days.to_integral_value():
        raise EvaluationFailure(f"add_days needs a whole number of days, not {days}")
    try:
        return day + dt.timedelta(days=int(days))
    except OverflowError:
        raise EvaluationFailure(f"add_days({day.isoformat()}, {days}) leaves the calendar") from None


# Malaysian states and federal territories as the case model names them -> the `holidays` package's codes.
STATES = {"johor": "JHR", "kedah": "KDH", "kelantan": "KTN", "melaka": "MLK", "negeri_sembilan": "NSN",
          "pahang": "PHG", "pulau_pinang": "PNG", "perak": "PRK", "perlis": "PLS", "selangor": "SGR",
          "terengganu": "TRG", "sabah": "SBH", "sarawak": "SWK", "kuala_lumpur": "KUL", "labuan": "LBN",
          "putrajaya": "PJY"}


@lru_cache(maxsize=64)
def _calendar(state: str, year: int) -> Any:
    import holidays  # the maintained calendar of Malaysian public holidays and state weekends, never a hand list
    return holidays.country_holidays("MY", subdiv=STATES[state], years=range(year - 1, year + 2))


def _last_working_day_on_or_before(day: dt.date, state: str) -> dt.date:
    # A working day is neither a public holiday of the state nor its weekend (Friday-Saturday in Kedah, Kelantan
    # and Terengganu, and in Johor from 2014 to 2024; the package knows the dates).
    if state not in STATES:
        raise EvaluationFailure(f"unknown state '{state}'")
    current = day
    for _ in range(31):
        if _calendar(state, current.year).is_working_day(current):
            return current
        current -= dt.timedelta(days=1)
    raise EvaluationFailure(f"no working day in the 31 days up to {day.isoformat()} in {state}")


def _month_step(after: dt.date, count: int) -> dt.date:
    # Calendar months from `after`; from a month's last day, to the last day of each later month (30 April ->
    # 31 May -> 30 June), so that a month-end deadline counts whole calendar months of delay.
    moved = _add_months(after, Decimal(count))
    return _month_end(moved) if after == _month_end(after) else moved


def _months_or_part(after: dt.date, until: dt.date) -> Decimal:
    """Months or parts of a month from the day after `after` to `until`, counted from `after` in calendar months
    (from a month's last day, to the last day of each later month); 0 when `until` is not after `after`."""
    count = 0
    while _month_step(after, count) < until:
        count += 1
    return Decimal(count)


def _late_payment_interest(amount: Decimal, deadline: dt.date, paid: dt.date, rate_percent: Decimal,
                           minimum: Decimal, multiple: Decimal, basis: str) -> Decimal:
    """Interest on a contribution paid after its deadline (s.14A; reg. 33 as described in DOMAIN.md §1.8):
    rate_percent a year for each day late (days / 365), with `minimum` and rounding up to a multiple of `multiple`
    for each month or part of a month of delay (basis "each_month": each month of delay is a slice of its own days)
    or once on the whole delay (basis "whole_delay": the minimum times the months of delay when the total is below
    it, else the total rounded up)."""
    if paid <= deadline:
        return Decimal("0.00")
    if basis not in ("each_month", "whole_delay"):
        raise EvaluationFailure(f"unknown late-payment interest basis '{basis}'")
    daily = amount * rate_percent / Decimal(100) / Decimal(365)

    def settle(interest: Decimal) -> Decimal:
        if interest < minimum:
            return minimum
        return (interest / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple

    months = int(_months_or_part(deadline, paid))
    if basis == "whole_delay":
        interest = daily * (paid - deadline).days
        return (minimum * months if interest < minimum else settle(interest)).quantize(Decimal("0.01"))
    total = Decimal(0)
    for index in range(months):
        start = _month_step(deadline, index)
        end = min(_month_step(deadline, index + 1), paid)
        total += settle(daily * (end - start).days)
    return total.quantize(Decimal("0.01"))


def _round_to(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    if step <= 0:
        raise EvaluationFailure(f"a rounding step must be positive, not {step}")
    return (value / step).to_integral_value(rounding=rounding) * step


@dataclass(frozen=True)
class Function:
    params: tuple[str, ...]
    result: str
    impl: Callable[..., Any]
    doc: str
    partial: bool = False  # may be unknown on known arguments: a rule computing with it waits until it is known
    choices: tuple[tuple[str, ...], ...] = ()  # per argument: the only string literals it takes (empty: any)


FUNCTIONS: dict[str, Function] = {
    "age_on": Function(("date", "date"), "number", _age_on,
                       "age_on(birth_date, on_date): completed years of age on a date"),
    "days_between": Function(("date", "date"), "number", lambda a, b: Decimal((b - a).days),
                             "days_between(start, end): days from start to end (end - start)"),
    "months_between": Function(("date", "date"), "number", _months_between,
                               "months_between(start, end): complete calendar months from start to end"),
    "min": Function(("number", "number"), "number", min, "min(a, b)"),
    "max": Function(("number", "number"), "number", max, "max(a, b)"),
    "round_half_up": Function(("number", "number"), "number", _round_half_up,
                              "round_half_up(x, places): x rounded half up to `places` decimals"),
    "floor": Function(("number",), "number", lambda x: x.to_integral_value(rounding=ROUND_FLOOR),
                      "floor(x): the greatest whole number not above x"),
    "month_start": Function(("date",), "date", _month_start, "month_start(d): the first day of d's month"),
    "month_end": Function(("date",), "date", _month_end, "month_end(d): the last day of d's month"),
    "add_months": Function(("date", "number"), "date", _add_months,
                           "add_months(d, n): the same day n calendar months later (or earlier, for negative n), "
                           "or the last day of that month when it is shorter"),
    "invalidity_contributions": Function(
        ("contribution_history", "date", "date"), "number", _invalidity_contributions,
        "invalidity_contributions(contributions.months, from, to): First Category contributions paid for the months "
        "from the month of `from` to the month of `to`, both included"),
    "contributions_paid": Function(
        ("contribution_history", "date", "date"), "number", _contributions_paid,
        "contributions_paid(contributions.months, from, to): contributions of either category paid for the months "
        "from the month of `from` to the month of `to`"),
    "unpaid_months": Function(
        ("contribution_history", "date", "date"), "number", _unpaid_months,
        "unpaid_months(contributions.months, from, to): months on record, First Category, with no contribution paid, "
        "from the month of `from` to the month of `to`"),
    "eligible_dependants": Function(
        ("dependant_list", "date", "number"), "number", _eligible_dependants,
        "eligible_dependants(death.dependants, on, age): dependants entitled on the date (s.2(3)): a widow, widower, "
        "parent, grandparent or other recorded dependant; a child or sibling unmarried and under `age`; a child also "
        "in full-time study or incapacitated", partial=True),
    "eligible_dependants_of": Function(
        ("dependant_list", "date", "number", "string"), "number",
        lambda dependants, on, age, relation: _counted(relation, dependants, on, age),
        "eligible_dependants_of(death.dependants, on, age, class): the exact number of eligible dependants of one "
        "class (spouse: widow or widower; child, parent, grandparent, sibling or other); unknown while any of that "
        "class lacks a detail that decides eligibility", partial=True,
        choices=((), (), (), tuple(_RELATIONS))),
    "add_days": Function(("date", "number"), "date", _add_days, "add_days(d, n): the date n days later (earlier if "
                                                                "negative)"),
    "round_up_to": Function(("number", "number"), "number", lambda x, step: _round_to(x, step, ROUND_CEILING),
                            "round_up_to(x, step): the least multiple of step not below x (round_up_to(7.2, 5) = 10)"),
    "round_down_to": Function(("number", "number"), "number", lambda x, step: _round_to(x, step, ROUND_FLOOR),
                              "round_down_to(x, step): the greatest multiple of step not above x"),
    "round_half_up_to": Function(("number", "number"), "number", lambda x, step: _round_to(x, step, ROUND_HALF_UP),
                                 "round_half_up_to(x, step): x rounded to the nearest multiple of step, halves up"),
    "value_on": Function(("dated", "date"), "undated", _value_on,
                         "value_on(parameters.x, date): a dated parameter's value in force on the date (for the "
                         "parameters marked history: true); unknown when it has none on that date", partial=True),
    "has_value_on": Function(("dated", "date"), "boolean", _has_value_on,
                             "has_value_on(parameters.x, date): the dated parameter has a value on the date"),
    "assumed_monthly_wage": Function(
        ("schedule", "number", "date"), "number", _assumed_monthly_wage,
        "assumed_monthly_wage(parameters.contributions.third_schedule, wage, month): the assumed monthly wage of the "
        "band the wage falls in, in the schedule in force in that month", partial=True),
    "contribution": Function(
        ("schedule", "number", "date", "string"), "number", _contribution,
        "contribution(parameters.contributions.third_schedule, wage, month, column): the amount of the band the wage "
        "falls in, in the schedule in force in that month; column: employer, employee, total (First Category) or "
        "second_category", partial=True, choices=((), (), (), CONTRIBUTION_COLUMNS)),
    "months_on_record": Function(
        ("contribution_history", "date", "date"), "number", _months_on_record,
        "months_on_record(contributions.months, from, to): months the history lists (contribution paid or payable; "
        "a month listed with a wage of 0 is not one) from the month of `from` to the month of `to`"),
    "average_assumed_monthly_wage": Function(
        ("schedule", "contribution_history", "date", "date"), "number", _average_assumed_monthly_wage,
        "average_assumed_monthly_wage(parameters.contributions.third_schedule, contributions.months, from, to): the "
        "average of the assumed monthly wages of the months on record from the month of `from` to the month of `to` "
        "(each in the schedule of its own month); unknown if a month has no wage or none is on record",
        partial=True),
    "last_working_day_on_or_before": Function(
        ("date", "string"), "date", _last_working_day_on_or_before,
        "last_working_day_on_or_before(date, state): the date itself if it is a working day in the state, else the "
        "last working day before it (public holidays and weekends of the state, from the `holidays` package)",
        choices=((), tuple(STATES))),
    "months_or_part": Function(("date", "date"), "number", _months_or_part,
                               "months_or_part(after, until): months or parts of a month from the day after `after` "
                               "to `until`"),
    "late_payment_interest": Function(
        ("number", "date", "date", "number", "number", "number", "string"), "number", _late_payment_interest,
        "late_payment_interest(amount, deadline, paid_on, rate_percent, minimum, multiple, basis): interest on a "
        "contribution paid late (s.14A, reg. 33): rate_percent a year for each day after the deadline (days/365), "
        "at least `minimum` and rounded up to a multiple of `multiple`, for each month or part of a month of delay "
        "(basis each_month) or on the whole delay (basis whole_delay)", choices=((), (), (), (), (), (),
                                                                                  ("each_month", "whole_delay"))),
    # known(x) is true once x is known and unknown before: never false, so it is safe in Kleene logic. The validator
    # adds it for each input of a rule's formulas, so that a rule never fires before it can compute its conclusion.
    "known": Function(("any",), "boolean", lambda value: True, "known(x): true once x is known (never false)"),
    # presume(fact, default): the value the case gives, or `default` when the case is silent. For the law's
    # rebuttable presumptions ("deemed ... unless the contrary is proved"): the officer's finding rebuts it.
    "presume": Function(("any", "any"), "any", lambda value, default: value,
                        "presume(finding, default): the finding if the case records it, otherwise the default the "
                        "law presumes"),
}
PRESUME = "presume"

# ---------------------------------------------------------------- types

TYPES = ("boolean", "string", "number", "date")
DATED = "dated_"  # the type of a history parameter: dated_number, dated_date, ...; a schedule is "schedule"


def is_dated(value: Any) -> bool:
    """A parameters.History (every dated value of a parameter); duck-typed, as this module imports no model."""
    return getattr(value, "kind", None) is not None


def type_of_value(value: Any) -> str:
    if is_dated(value):
        return "schedule" if value.kind == "schedule" else DATED + value.kind
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, Decimal)):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return "string"
    raise TypeError(f"unsupported value {value!r}")


@dataclass(frozen=True)
class FactType:
    """What the type checker knows of a fact: its type and, for enumerations, the allowed values."""

    type: str
    values: tuple[str, ...] = ()


def _err(code: str, name: str, message: str, node: Node, hint: str = "") -> ExpressionError:
    return ExpressionError(code, name, message, _pos(node), hint)


def check(node: Node, facts: Mapping[str, FactType], parameters: Mapping[str, str],
          unknown_name: Callable[[str, int], ExpressionError]) -> str:
    """Type-check `node`; returns its type. `unknown_name` builds the error for a name nothing defines."""
    if isinstance(node, Lit):
        return type_of_value(node.value)
    if isinstance(node, Ref):
        if node.name.startswith(PARAMETER_PREFIX):
            name = node.name[len(PARAMETER_PREFIX):]
            if name not in parameters:
                raise unknown_name(node.name, node.pos)
            return parameters[name]
        if node.name not in facts:
            raise unknown_name(node.name, node.pos)
        return facts[node.name].type
    if isinstance(node, Call):
        fn = FUNCTIONS.get(node.fn)
        if fn is None:
            from .errors import did_you_mean
            raise _err("RS-108", "type-error", f"unknown function '{node.fn}'", node,
                       did_you_mean(node.fn, FUNCTIONS) or "functions: " + ", ".join(sorted(FUNCTIONS)))
        if len(node.args) != len(fn.params):
            raise _err("RS-108", "type-error", f"{node.fn} takes {len(fn.params)} argument(s), not {len(node.args)}",
                       node, fn.doc)
        if node.fn == PRESUME and not (isinstance(node.args[0], Ref)
                                       and not node.args[0].name.startswith(PARAMETER_PREFIX)):
            raise _err("RS-108", "type-error", "presume's first argument must be a fact of the case file", node,
                       fn.doc)
        generic = undated = None
        for index, (arg, want) in enumerate(zip(node.args, fn.params)):
            got = check(arg, facts, parameters, unknown_name)
            if want == "any":
                generic = generic or got
                want = generic
            if want == "dated" and got.startswith(DATED):
                undated, want = got[len(DATED):], got
            if got != want:
                shown = "dated parameter (history: true)" if want == "dated" else want
                raise _err("RS-108", "type-error", f"{node.fn} expects a {shown} here, not a {got}", arg, fn.doc)
            allowed = fn.choices[index] if index < len(fn.choices) else ()
            if allowed and isinstance(arg, Lit) and arg.value not in allowed:
                from .errors import did_you_mean
                raise _err("RS-108", "unknown-value", f"{node.fn} takes one of: " + ", ".join(allowed) + " here",
                           arg, did_you_mean(str(arg.value), allowed) or fn.doc)
        if fn.result == "undated":
            return undated
        return generic if fn.result == "any" else fn.result
    if isinstance(node, (Not, BoolOp)):
        for operand in (node.operands if isinstance(node, BoolOp) else (node.operand,)):
            got = check(operand, facts, parameters, unknown_name)
            if got != "boolean":
                raise _err("RS-108", "type-error", f"'{_op_word(node)}' needs true/false operands, not a {got}",
                           operand)
        return "boolean"
    if isinstance(node, Neg):
        if check(node.operand, facts, parameters, unknown_name) != "number":
            raise _err("RS-108", "type-error", "'-' needs a number", node)
        return "number"
    if isinstance(node, Arith):
        for side in (node.left, node.right):
            got = check(side, facts, parameters, unknown_name)
            if got != "number":
                raise _err("RS-108", "type-error", f"'{node.op}' needs numbers, not a {got}", side,
                           "for dates use days_between, months_between or age_on")
        return "number"
    if isinstance(node, Compare):
        left = check(node.left, facts, parameters, unknown_name)
        right = check(node.right, facts, parameters, unknown_name)
        if left != right:
            raise _err("RS-108", "type-error", f"cannot compare a {left} with a {right}", node)
        if node.op not in ("==", "!=") and left in ("boolean", "string"):
            raise _err("RS-108", "type-error", f"'{node.op}' orders numbers and dates, not {left}s", node)
        _check_enum_literals(node.left, (node.right,), facts)
        _check_enum_literals(node.right, (node.left,), facts)
        return "boolean"
    if isinstance(node, In):
        left = check(node.operand, facts, parameters, unknown_name)
        for item in node.items:
            got = type_of_value(item.value)
            if got != left:
                raise _err("RS-108", "type-error", f"the list holds a {got}, but the value tested is a {left}", item)
        _check_enum_literals(node.operand, node.items, facts)
        return "boolean"
    raise TypeError(node)


def _op_word(node: Node) -> str:
    return node.op if isinstance(node, BoolOp) else "not"


def _check_enum_literals(side: Node, others: Iterable[Node], facts: Mapping[str, FactType]) -> None:
    if not isinstance(side, Ref) or side.name not in facts or not facts[side.name].values:
        return
    allowed = facts[side.name].values
    for other in others:
        if isinstance(other, Lit) and isinstance(other.value, str) and other.value not in allowed:
            from .errors import did_you_mean
            raise _err("RS-108", "unknown-value",
                       f"'{side.name}' is never \"{other.value}\"; its values are: " + ", ".join(allowed), other,
                       did_you_mean(other.value, allowed))


# ---------------------------------------------------------------- evaluation

class EvaluationFailure(Exception):
    """A formula could not be evaluated on known values (division by zero, an invalid operation)."""


def evaluate(node: Node, lookup: Callable[[str], Any]) -> Any:
    """Evaluate `node` in three-valued logic. `lookup(name)` returns a value or UNKNOWN."""
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Ref):
        return lookup(node.name)
    if isinstance(node, BoolOp):
        values = [evaluate(operand, lookup) for operand in node.operands]
        decisive = node.op == "or"  # True decides an 'or', False decides an 'and'
        if decisive in values:
            return decisive
        return UNKNOWN if UNKNOWN in values else (not decisive)
    if isinstance(node, Not):
        value = evaluate(node.operand, lookup)
        return UNKNOWN if value is UNKNOWN else not value
    if isinstance(node, Call) and node.fn == PRESUME:
        value = evaluate(node.args[0], lookup)
        return evaluate(node.args[1], lookup) if value is UNKNOWN else value
    args = [evaluate(child, lookup) for child in children(node)]
    if any(arg is UNKNOWN for arg in args):
        return UNKNOWN
    try:
        if isinstance(node, Neg):
            return -args[0]
        if isinstance(node, Call):
            return FUNCTIONS[node.fn].impl(*args)
        if isinstance(node, Arith):
            left, right = args
            if node.op == "/" and right == 0:
                raise EvaluationFailure("division by zero")
            return {"+": left + right, "-": left - right, "*": left * right}[node.op] if node.op != "/" else left / right
        if isinstance(node, Compare):
            return compare(node.op, args[0], args[1])
        if isinstance(node, In):
            found = args[0] in [item.value for item in node.items]
            return found != node.negated
    except (InvalidOperation, DivisionByZero, ArithmeticError) as exc:
        raise EvaluationFailure(str(exc)) from None
    raise TypeError(node)


def compile_node(node: Node) -> Callable[[Callable[[str], Any]], Any]:
    """The same evaluation as `evaluate`, turned once into nested closures: the explainer evaluates every
    condition of every rule for every case, and walking the tree each time was its largest cost."""
    if isinstance(node, Lit):
        value = node.value
        return lambda lookup: value
    if isinstance(node, Ref):
        name = node.name
        return lambda lookup: lookup(name)
    if isinstance(node, BoolOp):
        parts = [compile_node(o) for o in node.operands]
        decisive = node.op == "or"

        def boolean(lookup):
            unknown = False
            for part in parts:
                value = part(lookup)
                if value is decisive:
                    return decisive
                unknown = unknown or value is UNKNOWN
            return UNKNOWN if unknown else (not decisive)
        return boolean
    if isinstance(node, Not):
        inner = compile_node(node.operand)

        def negate(lookup):
            value = inner(lookup)
            return UNKNOWN if value is UNKNOWN else not value
        return negate
    # Comparisons and membership: as in evaluate, an arithmetic error on known values is an EvaluationFailure.
    if isinstance(node, Compare) and isinstance(node.left, Ref) and isinstance(node.right, Lit):
        name, op, constant = node.left.name, _OPERATORS[node.op], node.right.value

        def compare_fact(lookup):  # `fact OP constant`, the commonest condition: one closure, one call
            value = lookup(name)
            if value is UNKNOWN:
                return UNKNOWN
            try:
                return op(value, constant)
            except (InvalidOperation, DivisionByZero, ArithmeticError) as exc:
                raise EvaluationFailure(str(exc)) from None
        return compare_fact
    if isinstance(node, Compare):
        op, left, right = _OPERATORS[node.op], compile_node(node.left), compile_node(node.right)

        def compare_values(lookup):
            a, b = left(lookup), right(lookup)
            if a is UNKNOWN or b is UNKNOWN:
                return UNKNOWN
            try:
                return op(a, b)
            except (InvalidOperation, DivisionByZero, ArithmeticError) as exc:
                raise EvaluationFailure(str(exc)) from None
        return compare_values
    if isinstance(node, In) and isinstance(node.operand, Ref):
        name, items, negated = node.operand.name, [i.value for i in node.items], node.negated

        def member_fact(lookup):  # `fact in [...]`
            value = lookup(name)
            if value is UNKNOWN:
                return UNKNOWN
            try:
                return (value in items) != negated
            except (InvalidOperation, DivisionByZero, ArithmeticError) as exc:
                raise EvaluationFailure(str(exc)) from None
        return member_fact
    if isinstance(node, Call) and node.fn == PRESUME:
        found, default = compile_node(node.args[0]), compile_node(node.args[1])

        def presume(lookup):
            value = found(lookup)
            return default(lookup) if value is UNKNOWN else value
        return presume
    if isinstance(node, Call):
        args, impl = [compile_node(a) for a in node.args], FUNCTIONS[node.fn].impl

        def call(lookup):
            values = [arg(lookup) for arg in args]
            if UNKNOWN in values:  # no value compares equal to UNKNOWN: this is `any(v is UNKNOWN ...)`
                return UNKNOWN
            try:
                return impl(*values)
            except (InvalidOperation, ArithmeticError) as exc:
                raise EvaluationFailure(str(exc)) from None
        return call
    return lambda lookup: evaluate(node, lookup)  # arithmetic and rarer forms: evaluate itself


# The same comparisons as `compare`, as functions picked once when a condition is compiled.
_OPERATORS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
              ">=": operator.ge}


def compare(op: str, left: Any, right: Any) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


def children(node: Node) -> tuple:
    if isinstance(node, (Neg, Not)):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, (Arith, Compare)):
        return (node.left, node.right)
    if isinstance(node, In):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    return ()


def names_in(node: Node) -> list[Ref]:
    """Every name an expression reads, in order of appearance."""
    if isinstance(node, Ref):
        return [node]
    found: list[Ref] = []
    for child in children(node):
        found.extend(names_in(child))
    return found


def presumed_names(node: Node) -> set[str]:
    """The facts an expression reads only as presume()'s first argument: their absence does not stop it being
    evaluated (a name also read elsewhere in the expression is an ordinary input)."""
    firsts: dict[str, int] = {}

    def walk(current: Node) -> None:
        if isinstance(current, Call) and current.fn == PRESUME and isinstance(current.args[0], Ref):
            firsts[current.args[0].name] = firsts.get(current.args[0].name, 0) + 1
        for child in children(current):
            walk(child)
    walk(node)
    reads = [ref.name for ref in names_in(node)] if firsts else []
    return {name for name, count in firsts.items() if reads.count(name) == count}


def substitute(node: Node, values: Mapping[str, Any]) -> Node:
    """Replace the names in `values` (parameters, on a given date) by literals."""
    if isinstance(node, Ref):
        return Lit(values[node.name], node.pos) if node.name in values else node
    if isinstance(node, Lit):
        return node
    if isinstance(node, Call):
        return Call(node.fn, tuple(substitute(a, values) for a in node.args), node.pos)
    if isinstance(node, (Neg, Not)):
        return type(node)(substitute(node.operand, values), node.pos)
    if isinstance(node, BoolOp):
        return BoolOp(node.op, tuple(substitute(o, values) for o in node.operands), node.pos)
    if isinstance(node, (Arith, Compare)):
        return type(node)(node.op, substitute(node.left, values), substitute(node.right, values), node.pos)
    if isinstance(node, In):
        return In(substitute(node.operand, values), node.items, node.negated, node.pos)
    raise TypeError(node)


# ---------------------------------------------------------------- normal forms, for compiling to a Rete

_NEGATED = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}


def negation_normal_form(node: Node, negate: bool = False) -> Node:
    """Push every 'not' down to the comparisons. Sound in Kleene logic: not(a and b) == not a or not b,
    and not(x < 5) == (x >= 5) for a known x, both being unknown for an unknown x."""
    if isinstance(node, Not):
        return negation_normal_form(node.operand, not negate)
    if isinstance(node, BoolOp):
        op = node.op if not negate else ("or" if node.op == "and" else "and")
        return BoolOp(op, tuple(negation_normal_form(o, negate) for o in node.operands), node.pos)
    if isinstance(node, Compare):
        return Compare(_NEGATED[node.op], node.left, node.right, node.pos) if negate else node
    if isinstance(node, In):
        return In(node.operand, node.items, node.negated != negate, node.pos)
    # A bare boolean value (a fact, a parameter, a literal): compare it with true or false.
    return Compare("==", node, Lit(not negate, _pos(node)), _pos(node))


def disjunctive_normal_form(node: Node, limit: int) -> list[tuple[Node, ...]]:
    """An NNF expression as a list of conjunctions of comparisons; raises OverflowError past `limit` terms."""
    if isinstance(node, BoolOp) and node.op == "or":
        terms: list[tuple[Node, ...]] = []
        for operand in node.operands:
            terms.extend(disjunctive_normal_form(operand, limit))
            if len(terms) > limit:
                raise OverflowError(len(terms))
        return terms
    if isinstance(node, BoolOp) and node.op == "and":
        terms = [()]
        for operand in node.operands:
            terms = [left + right for left in terms for right in disjunctive_normal_form(operand, limit)]
            if len(terms) > limit:
                raise OverflowError(len(terms))
        return terms
    return [(node,)]


def render(node: Node) -> str:
    """Canonical text of an expression (used as the identity of a computed condition and in traces)."""
    if isinstance(node, Lit):
        return render_value(node.value)
    if isinstance(node, Ref):
        return node.name
    if isinstance(node, Call):
        return f"{node.fn}({', '.join(render(a) for a in node.args)})"
    if isinstance(node, Not):
        return f"not {_wrap(node.operand)}"
    if isinstance(node, Neg):
        return f"-{_wrap(node.operand)}"
    if isinstance(node, BoolOp):
        return f" {node.op} ".join(_wrap(o) for o in node.operands)
    if isinstance(node, (Compare, Arith)):
        return f"{_wrap(node.left)} {node.op} {_wrap(node.right)}"
    if isinstance(node, In):
        items = ", ".join(render(i) for i in node.items)
        return f"{_wrap(node.operand)} {'not in' if node.negated else 'in'} [{items}]"
    raise TypeError(node)


def _wrap(node: Node) -> str:
    text = render(node)
    return f"({text})" if isinstance(node, (BoolOp, Compare, Arith, In, Not)) else text


def render_value(value: Any) -> str:
    if value is UNKNOWN:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dt.date):
        return value.isoformat()
    if is_dated(value):
        return str(value)
    if isinstance(value, tuple):  # a list the rules read through functions: summarised, never dumped
        return f"[{len(value)} entr{'y' if len(value) == 1 else 'ies'}]"
    return str(value)
