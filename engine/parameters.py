"""Dated parameters: the value in force on a date, and the date that value took effect."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .model import Effective, Parameter, ParameterValue


@dataclass(frozen=True)
class ParameterReading:
    """A parameter's value as read on a date, with everything an auditor needs to check it."""

    name: str
    value: Any
    effective_from: dt.date
    source: str
    confidence: str


@dataclass(frozen=True)
class Band:
    """One row of a schedule: actual monthly wage above `above` and up to `up_to` (None: no upper bound)."""

    above: Decimal
    up_to: Decimal | None
    assumed_wage: Decimal
    employer: Decimal
    employee: Decimal
    total: Decimal
    second_category: Decimal


@dataclass(frozen=True)
class DatedEntry:
    start: dt.date
    value: Any  # None: the provision has no value from `start` (ended, or not established)
    source: str
    confidence: str


@dataclass(frozen=True)
class History:
    """A parameter the rules read at a date of their choosing (a month's schedule, the funeral cap on the date of
    death): every dated value, so that one case can use the values of several dates. Hashable and immutable."""

    name: str
    entries: tuple[DatedEntry, ...]
    kind: str  # "number" | "schedule" | ...

    def entry_on(self, day: dt.date) -> DatedEntry | None:
        chosen = None
        for entry in self.entries:
            if entry.start <= day:
                chosen = entry
        return chosen if chosen is not None and chosen.value is not None else None

    def __str__(self) -> str:
        parts = []
        for entry in self.entries:
            if entry.value is None:
                shown = "no value"
            elif self.kind == "schedule":
                shown = f"{len(entry.value)} bands"
            else:
                shown = str(entry.value)
            parts.append(f"{shown} from {entry.start.isoformat()}")
        return f"{self.name} (dated: " + "; ".join(parts) + ")"


def to_bands(rows: list) -> tuple[Band, ...]:
    return tuple(Band(*row) for row in rows)


@dataclass(frozen=True)
class ParameterTable:
    parameters: dict[str, Parameter]

    def __contains__(self, name: str) -> bool:
        return name in self.parameters

    def is_history(self, name: str) -> bool:
        parameter = self.parameters[name]
        return parameter.history or parameter.unit == "schedule"

    def history(self, name: str) -> History:
        parameter = self.parameters[name]
        schedule = parameter.unit == "schedule"
        entries = tuple(
            DatedEntry(start, None if value is None else (to_bands(value.value) if schedule else value.value),
                       value.source if value else "", value.confidence if value else "")
            for start, value in sorted(parameter.values.items()))
        kind = "schedule" if schedule else next(
            (_kind(e.value) for e in entries if e.value is not None), "number")
        return History(name, entries, kind)

    def reading(self, name: str, day: dt.date) -> ParameterReading | None:
        """The value in force on `day`, or None if the parameter has none (not yet in force, or ended by null).
        A history parameter's value is its whole history, whatever the day (the rules pick the date)."""
        if self.is_history(name):
            history = self.history(name)
            first = history.entries[0]
            return ParameterReading(name, history, first.start, "; ".join(
                dict.fromkeys(e.source for e in history.entries if e.source)), _lowest(history.entries))
        chosen: tuple[dt.date, ParameterValue | None] | None = None
        for start, value in sorted(self.parameters[name].values.items()):
            if start <= day:
                chosen = (start, value)
        if chosen is None or chosen[1] is None:
            return None
        start, value = chosen
        return ParameterReading(name, value.value, start, value.source, value.confidence)

    def gaps(self, name: str, period: Effective) -> dt.date | None:
        """The first day of `period` on which the parameter has no value, or None if it has one throughout.
        A history parameter has no gaps to check: a rule reads it at its own dates, and a date with no value gives
        an unknown result that the decision reports."""
        if self.is_history(name):
            return None
        if self.reading(name, period.from_) is None:
            return period.from_
        for start, value in sorted(self.parameters[name].values.items()):
            if value is None and period.contains(start):
                return start
        return None


CONFIDENCE_ORDER = ("low", "low-medium", "medium", "medium-high", "high")


def _lowest(entries: tuple[DatedEntry, ...]) -> str:
    grades = [e.confidence for e in entries if e.confidence]
    return min(grades, key=CONFIDENCE_ORDER.index) if grades else ""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "string"
