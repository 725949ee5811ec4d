"""The published JSON Schemas, generated from the typed models (so the two cannot disagree) and written to schemas/."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .model import Case, Decision, ParameterFile, RuleFile

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

CONTRACTS: dict[str, tuple[type[BaseModel], str, str]] = {
    "ruleset": (RuleFile, "SOCSO rule file", "A rule file under rules/: facts it concludes, rules, and what is not modelled."),
    "parameters": (ParameterFile, "SOCSO parameter file", "Dated parameters: each value with the date it takes effect and its source."),
    "case": (Case, "SOCSO case file", "A case to adjudicate. A fact or finding that is absent is unknown, not false."),
    "decision": (Decision, "SOCSO decision", "A decision with its trace, as `socso adjudicate --format json` emits it."),
}


@lru_cache(maxsize=None)
def schema(kind: str) -> dict[str, Any]:
    model, title, description = CONTRACTS[kind]
    mode = "serialization" if kind == "decision" else "validation"
    generated = model.model_json_schema(by_alias=True, mode=mode)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{kind}.schema.json",
            **generated, "title": title, "description": description}


def schema_text(kind: str) -> str:
    return json.dumps(schema(kind), indent=2, sort_keys=True) + "\n"


def write_all(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(exist_ok=True)
    written = []
    for kind in CONTRACTS:
        path = directory / f"{kind}.schema.json"
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(f"wrote {path}")
