"""The public operations: adjudicate a loaded case with an engine, optionally checking the Rete against Python."""
from __future__ import annotations

from .explain import explain
from .model import Case, Decision
from .runner import Engine, verify


def adjudicate(engine: Engine, case: Case, case_file: str = "", check: bool = False) -> Decision:
    """Run the case to quiescence and explain it. With `check`, also evaluate the same rules in plain Python and
    raise EvaluationError if durable_rules fired anything else."""
    result = engine.run(case)
    if check:
        verify(engine.ruleset, result)
    return explain(engine.ruleset, result, case_file, engine.explanations)
