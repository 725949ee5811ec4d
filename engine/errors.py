"""One hierarchy of errors: each carries diagnostics with a code, a location and a hint, and an exit code."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable

EXIT_DECIDED = 0
EXIT_EVALUATION = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True)
class Location:
    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a rule set or case file, in the form `file:line:col: error [CODE name] message`."""

    code: str
    name: str
    message: str
    location: Location
    hint: str = ""
    rule_id: str = ""

    def render(self) -> str:
        text = f"{self.location}: error [{self.code} {self.name}]\n  {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def sort_key(self) -> tuple:
        return (self.location.file, self.location.line, self.location.col, self.code, self.message)


class SocsoError(Exception):
    """Base of every error the engine raises to a user."""

    exit_code = EXIT_EVALUATION

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


class RuleSetError(SocsoError):
    """The rule files are malformed or inconsistent; nothing was adjudicated."""

    exit_code = EXIT_BAD_INPUT


class CaseError(SocsoError):
    """The case file is malformed; nothing was adjudicated."""

    exit_code = EXIT_BAD_INPUT


class EvaluationError(SocsoError):
    """Adjudication failed on a well-formed case (a formula could not be evaluated, or the engine misbehaved)."""

    exit_code = EXIT_EVALUATION


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A 'did you mean …?' hint, or '' when nothing is close enough to suggest."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.75)
    return f"did you mean '{close[0]}'?" if close else ""


@dataclass
class DiagnosticSink:
    """Collects diagnostics so that a check reports every problem, not only the first."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, code: str, name: str, message: str, location: Location, hint: str = "", rule_id: str = "") -> None:
        self.items.append(Diagnostic(code, name, message, location, hint, rule_id))

    def raise_if_any(self, error_class: type[SocsoError]) -> None:
        if self.items:
            raise error_class(self.items)
