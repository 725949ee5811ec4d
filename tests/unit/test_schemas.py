"""The published contracts in schemas/ are exactly what the typed models generate, so the two cannot drift."""
from __future__ import annotations

import json

import pytest

from engine.schemas import CONTRACTS, SCHEMA_DIR, schema_text


@pytest.mark.parametrize("kind", sorted(CONTRACTS))
def test_committed_schema_matches_model(kind):
    committed = (SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(kind), f"schemas/{kind}.schema.json is stale: run `make schemas`"


def test_rule_and_case_files_name_their_schema():
    from tests.conftest import CASES, RULES
    for path in list(RULES.rglob("*.yaml")) + list(CASES.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), f"{path} lacks the schema modeline"
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.exists(), f"{path}: modeline points at {target}"
        assert json.loads(target.read_text())["$id"].endswith(".schema.json")
