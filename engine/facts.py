"""The catalog of facts a case file provides (from the case model) and the flattening of a case into facts."""
from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel

from .expressions import FactType
from .model import Case, ContributionMonth, Dependant, Wages

# Lists the rules read whole, through functions (expressions.FUNCTIONS), never item by item.
LIST_TYPES = {ContributionMonth: "contribution_history", Dependant: "dependant_list"}

# Facts derived from the shape of the case file: which events it claims. They let a rule say that a basis of the
# law does not arise for this case (no accident is claimed), which a missing fact cannot say.
CLAIM_FACTS = {f"claim.{event}": f"The case claims for a {event.replace('_', ' ')} (its {event} section is present)"
               for event in ("accident", "disease", "invalidity", "death")}
CLAIM_FACTS["claim.contribution_month"] = "The case asks about a contribution month (its contribution_month section)"
CLAIM_DATE = "claim.date"  # the governing date: the date of the first event the case records (Case.GOVERNING_DATES)

# Parts of a case file that are record-keeping, not facts the law reads.
NOT_FACTS = {"case_id", "description", "expected"}
KIND_PREFIXES = {"findings.": "finding", "evidence.": "evidence"}


def fact_kind(name: str) -> str:
    """finding (the officer's judgement), evidence (a document on file) or fact."""
    for prefix, kind in KIND_PREFIXES.items():
        if name.startswith(prefix):
            return kind
    return "fact"


def _leaf_type(annotation: Any) -> FactType | None:
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    inner = args[0]
    if typing.get_origin(inner) is Literal:
        return FactType("string", tuple(typing.get_args(inner)))
    if inner is bool:
        return FactType("boolean")
    if inner in (int, Decimal):
        return FactType("number")
    if inner is dt.date:
        return FactType("date")
    if inner is str:
        return FactType("string")
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    for arg in typing.get_args(annotation) or (annotation,):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


@lru_cache(maxsize=1)
def case_facts() -> dict[str, tuple[FactType, str]]:
    """Every fact a case file can provide: dotted name -> (type, description)."""
    catalog: dict[str, tuple[FactType, str]] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            if not prefix and name in NOT_FACTS:
                continue
            dotted = f"{prefix}{name}"
            item = _list_item(field.annotation)
            if item is not None:
                if item in LIST_TYPES:
                    catalog[dotted] = (FactType(LIST_TYPES[item]), field.description or "")
                continue
            sub = _model_of(field.annotation)
            if sub is not None:
                walk(sub, dotted + ".")
                continue
            leaf = _leaf_type(field.annotation)
            if leaf is not None:
                catalog[dotted] = (leaf, field.description or "")

    walk(Case, "")
    for name, description in CLAIM_FACTS.items():
        catalog[name] = (FactType("boolean"), description)
    catalog[CLAIM_DATE] = (FactType("date"), "The governing date: the date of the first event the case records "
                                             "(accident, diagnosis, invalidity notice, death), or the contribution "
                                             "month asked about")
    return catalog


def _list_item(annotation: Any) -> Any:
    for arg in typing.get_args(annotation) or (annotation,):
        if typing.get_origin(arg) is list:
            return typing.get_args(arg)[0]
    return None


def flatten(case: Case) -> dict[str, Any]:
    """The case's known facts: dotted name -> value (ints become Decimal; absent values are left out)."""
    catalog = case_facts()
    facts: dict[str, Any] = {}

    def walk(model: BaseModel, prefix: str) -> None:
        for name in type(model).model_fields:
            value = getattr(model, name)
            dotted = f"{prefix}{name}"
            if value is None:
                continue
            if isinstance(value, Wages):
                # the whole pay for the month: a component not listed was not paid
                for component in Wages.model_fields:
                    amount = getattr(value, component)
                    facts[f"{dotted}.{component}"] = Decimal(0) if amount is None else amount
            elif isinstance(value, BaseModel):
                walk(value, dotted + ".")
            elif isinstance(value, list):
                if dotted in catalog:
                    facts[dotted] = tuple(item.record() for item in value)  # plain, hashable records
            elif dotted in catalog:
                facts[dotted] = Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value

    walk(case, "")
    for name in CLAIM_FACTS:
        facts[name] = getattr(case, name.split(".")[1]) is not None
    for name in Case.GOVERNING_DATES:  # the first event present decides; its date may still be missing
        if getattr(case, name.split(".")[0]) is not None:
            if name in facts:
                facts[CLAIM_DATE] = facts[name]
            break
    return facts
