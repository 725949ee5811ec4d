"""Renderers of a Decision: text for people (an officer or an auditor) and JSON for machines. They read the
decision; they never change it."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .expressions import render_value
from .model import Amount, Decision

OUTCOME_WORDS = {"covered": "COVERED", "not_covered": "NOT COVERED", "undetermined": "UNDETERMINED"}
BENEFIT_WORDS = {"applies": "applies", "does_not_apply": "does not apply", "undetermined": "undetermined"}


def to_json(decision: Decision) -> str:
    """Compact JSON in the models' field order (deterministic: the same decision is always the same bytes).
    Pretty-print it with any JSON tool; the text format is the one for people."""
    return decision.model_dump_json(by_alias=True) + "\n"


def _value(value) -> str:
    return "unknown" if value is None else (render_value(value) if not isinstance(value, str) else value)


def to_text(decision: Decision, not_applied: bool = True) -> str:
    lines = []
    day = decision.governing_date.isoformat() if decision.governing_date else "none"
    lines.append(f"DECISION  case {decision.case_id}   governing date {day}")
    lines.append(f"  rules {decision.rules_version[:19]}…  engine {decision.engine_version}  case {decision.case_file}")
    lines.append("")
    if not decision.contingencies and decision.amounts:
        lines.append("No contingency to decide: the case asks about a contribution month.")
    elif not decision.contingencies:
        lines.append("No contingency to decide: the case records no accident, disease, invalidity notice or death.")
    for c in decision.contingencies:
        lines.append(f"{OUTCOME_WORDS[c.outcome]:<13} {c.title}")
        lines.append(f"              {c.reason}")
        for b in c.benefits:
            lines.append(f"  - {b.title}: {BENEFIT_WORDS[b.status]} — {b.reason}")
    if decision.amounts:
        lines.append("")
        lines.append("AMOUNTS")
        groups: dict = {}
        for a in decision.amounts:  # under the benefit each amount belongs to, in the decision's order
            groups.setdefault(a.of_title or "Other amounts", []).append(a)
        for heading, members in groups.items():
            lines.append(f"  {heading}")
            for a in members:
                lines += _amount_lines(a)
    if decision.determinations:
        lines.append("")
        lines.append("DETERMINATIONS")
        for d in decision.determinations:
            by = f"   ({d.rule_id})" if d.rule_id else ""
            lines.append(f"  {d.title}: {_value(d.value)}{by}")
    if decision.missing:
        lines.append("")
        lines.append("STILL NEEDED")
        for m in decision.missing:
            needed = f"   needed by {', '.join(m.needed_by)}" if m.needed_by else ""
            lines.append(f"  {m.kind:<8} {m.name} — {m.description or 'no description'}{needed}")
    lines.append("")
    lines.append("FIRED")
    for f in decision.fired:
        cite = f.citation.short()
        lines.append(f"  {f.step:>2}  {f.rule_id:<22} {cite:<16} {f.title}")
        used = [f"{u.name} = {_value(u.value)} ({u.source})" for u in f.inputs]
        used += [f"{p.name} = {_value(p.value)} (parameter from {p.effective_from}, {p.confidence})" for p in f.parameters]
        if used:
            lines.append("        " + " · ".join(used))
        lines.append("        ⇒ " + ", ".join(f"{k} = {_value(v)}" for k, v in f.concluded.items()))
    if not not_applied:
        return "\n".join(lines) + "\n"
    lines.append("")
    lines.append("NOT APPLIED")
    for n in decision.not_applied:
        cite = n.citation.short()
        lines.append(f"  {n.rule_id:<22} {cite:<16} {n.detail}")
    return "\n".join(lines) + "\n"


def _figure(value, unit: str) -> str:
    """An amount as a letter writes it: RM1,234.56, 105.33 a day; the exact value, never rounded for display."""
    try:
        exact = Decimal(value)
        number = format(exact, ",")
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if unit.startswith("RM") and exact.as_tuple().exponent < -2:
        # an intermediate average (RM2,461.666…): the sen for reading, the exact value kept beside it
        number = f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,} (exactly {exact})"
    if unit.startswith("RM"):
        return f"RM{number}" + unit[2:]
    return f"{number} {unit}" if unit else number


def _amount_lines(a: Amount) -> list[str]:
    if a.value is None:
        return [f"    {a.title}: not computed — {a.reason}"]
    lines = [f"    {a.title}: {_figure(a.value, a.unit)}   ({a.rule_id})"]
    if a.period and any(a.period):
        lines.append(f"        period: {a.period[0] or '?'} to {a.period[1] or '?'}")
    lines.append(f"        = {a.formula}")
    used = [f"{u.name} = {_value(u.value)} ({u.source})" for u in a.inputs]
    if used:
        lines.append("        with " + " · ".join(used))
    for p in a.parameters:
        lines.append(f"        {p.name} = {_value(p.value)} from {p.effective_from} ({p.confidence}; {p.source})")
    if a.rounding:
        lines.append(f"        rounding: {a.rounding}")
    return lines
