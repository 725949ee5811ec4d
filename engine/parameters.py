"""Dated parameters: the value in force on a date, and the date that value took effect."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
class ParameterTable:
    parameters: dict[str, Parameter]

    def __contains__(self, name: str) -> bool:
        return name in self.parameters

    def reading(self, name: str, day: dt.date) -> ParameterReading | None:
        """The value in force on `day`, or None if the parameter has none (not yet in force, or ended by null)."""
        chosen: tuple[dt.date, ParameterValue | None] | None = None
        for start, value in sorted(self.parameters[name].values.items()):
            if start <= day:
                chosen = (start, value)
        if chosen is None or chosen[1] is None:
            return None
        start, value = chosen
        return ParameterReading(name, value.value, start, value.source, value.confidence)

    def gaps(self, name: str, period: Effective) -> dt.date | None:
        """The first day of `period` on which the parameter has no value, or None if it has one throughout."""
        if self.reading(name, period.from_) is None:
            return period.from_
        for start, value in sorted(self.parameters[name].values.items()):
            if value is None and period.contains(start):
                return start
        return None
