"""Diagnostics render as `file:line:col: error [CODE name]`, sort by place, and carry the exit code of their kind."""
from __future__ import annotations

from engine.errors import (EXIT_BAD_INPUT, EXIT_EVALUATION, CaseError, Diagnostic, EvaluationError, Location,
                           RuleSetError, did_you_mean)


def test_rendering_with_and_without_hint():
    d = Diagnostic("RS-103", "unknown-fact", "rule X reads 'a.b'", Location("r.yaml", 3, 9), "did you mean 'a.c'?")
    assert d.render() == "r.yaml:3:9: error [RS-103 unknown-fact]\n  rule X reads 'a.b'\n  hint: did you mean 'a.c'?"
    assert Diagnostic("RS-100", "no-rules", "none", Location("rules")).render() == \
        "rules: error [RS-100 no-rules]\n  none"


def test_errors_sort_by_place_and_keep_exit_codes():
    late = Diagnostic("RS-104", "x", "late", Location("b.yaml", 9, 1))
    early = Diagnostic("RS-104", "x", "early", Location("a.yaml", 1, 1))
    error = RuleSetError([late, early])
    assert [d.message for d in error.diagnostics] == ["early", "late"]
    assert (RuleSetError.exit_code, CaseError.exit_code, EvaluationError.exit_code) == \
        (EXIT_BAD_INPUT, EXIT_BAD_INPUT, EXIT_EVALUATION)


def test_did_you_mean_only_when_close():
    assert did_you_mean("accident.journey.knd", ["accident.journey.kind", "accident.date"]) == \
        "did you mean 'accident.journey.kind'?"
    assert did_you_mean("zzz", ["accident.date"]) == ""
