"""No float touches money: the engine has no float arithmetic at all, rule and case files load numbers as exact
decimals, and every amount in a decision is an exact decimal written as text."""
from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from engine import Engine, load_case
from engine.api import adjudicate

from .conftest import RULES

ROOT = Path(__file__).resolve().parent.parent
ENGINE_FILES = sorted((ROOT / "engine").glob("*.py"))


def float_uses(source: str) -> list[str]:
    """Float literals, calls of float(), the float type named anywhere, true division of two literals, and the
    math module (float functions): what would let a binary fraction into an amount."""
    found = []
    tree = ast.parse(source)
    # difflib's similarity cutoff for "did you mean" hints is a float by its API, and is not money
    allowed = {id(k.value) for k in ast.walk(tree) if isinstance(k, ast.keyword) and k.arg == "cutoff"}
    for node in ast.walk(tree):
        if id(node) in allowed:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.append(f"line {node.lineno}: float literal {node.value!r}")
        elif isinstance(node, ast.Name) and node.id == "float":
            found.append(f"line {node.lineno}: the float type")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            if "math" in names or "statistics" in names:
                found.append(f"line {node.lineno}: imports {names}")
    return sorted(found)


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: p.name)
def test_the_engine_has_no_float(path):
    assert float_uses(path.read_text(encoding="utf-8")) == []


def test_the_float_lint_finds_what_it_looks_for():
    assert float_uses("x = 0.8 * y\nz = float(w)\nimport math\n") == [
        "line 1: float literal 0.8", "line 2: the float type", "line 3: imports ['math']"]


def test_numbers_in_rule_and_parameter_files_are_exact_decimals(ruleset):
    def walk(value):
        if isinstance(value, float):
            raise AssertionError(f"a float in the rule set: {value!r}")
        if isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
    for name, parameter in ruleset.parameters.parameters.items():
        for dated in parameter.values.values():
            if dated is not None:
                walk(dated.value)
                if isinstance(dated.value, Decimal) and "E" in str(dated.value):
                    raise AssertionError(f"{name}: {dated.value} is written in exponent form")


def test_every_amount_in_every_golden_decision_is_an_exact_decimal(engine):
    seen = 0
    for path in sorted((ROOT / "cases").glob("*.yaml")):
        decision = adjudicate(engine, load_case(path, str(path)), str(path))
        for amount in decision.amounts:
            if amount.value is None or amount.unit == "date":
                continue
            assert isinstance(amount.value, str), (path.name, amount.fact, amount.value)
            assert str(Decimal(amount.value)) == amount.value, (path.name, amount.fact, amount.value)
            seen += 1
    assert seen > 0


@pytest.fixture(scope="module")
def ruleset():
    from engine import load_ruleset
    return load_ruleset(RULES)


@pytest.fixture(scope="module")
def engine(ruleset):
    return Engine(ruleset)
