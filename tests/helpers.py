"""Shared test helpers: building a Case from dotted fact names, and running Python code in a child process (for
engine faults that kill the interpreter)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

from engine import Case

from .conftest import ROOT


def nested(facts: dict[str, Any]) -> dict[str, Any]:
    """{'a.b.c': v} -> {'a': {'b': {'c': v}}}."""
    tree: dict[str, Any] = {}
    for name, value in facts.items():
        *parents, leaf = name.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def make_case(facts: dict[str, Any], case_id: str = "t", sections: tuple[str, ...] = ()) -> Case:
    """A Case from dotted facts; `sections` are optional sections present even when none of their facts is."""
    data = nested(facts)
    for section in sections:
        data.setdefault(section, {})
    return Case.model_validate({"case_id": case_id, **data})


def run_python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter at the project root (a segfault there fails one test, not the session)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})
