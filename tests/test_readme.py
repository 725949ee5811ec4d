"""The README's coverage table names every rule file, and every file it names exists."""
from __future__ import annotations

import re

from .conftest import ROOT


def test_the_coverage_table_matches_the_rule_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## What the law covers so far", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_]+/[a-z_0-9]+\.yaml)`", table))
    files = {str(p.relative_to(ROOT / "rules")) for p in (ROOT / "rules").rglob("*.yaml")}
    assert files - named == set(), "rule files missing from the README's coverage table"
    assert named - files == set(), "the README's coverage table names files that do not exist"
