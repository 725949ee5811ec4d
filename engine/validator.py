"""Load and validate a rule set: JSON Schema for shape (every error collected), then the checks of meaning the
schema cannot make: unknown facts and parameters, types, duplicate ids, conflicts, cycles, dated gaps, engine limits."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import jsonschema
from pydantic import BaseModel, ValidationError

from . import expressions as ex
from .errors import Diagnostic, DiagnosticSink, Location, RuleSetError, did_you_mean
from .expressions import FactType
from .facts import case_facts
from .loader import Document, LoadError, impossible_date_code, load_document
from .model import FactDeclaration, ParameterFile, Rule, RuleFile
from .parameters import ParameterTable
from .schemas import schema

# Hard limits of the durable_rules C core (DURABLE_RULES.md), checked here so that `socso check` reports them
# instead of the engine hanging or crashing later.
MAX_RULES = 4096
MAX_PATTERNS_PER_RULE = 16
MAX_DNF_TERMS = 64
MAX_FACT_NAMES = 500  # 512 sibling tests on one alpha node hang the engine; keep a margin


@dataclass
class RuleInfo:
    """A validated rule with its parsed conditions and conclusions, and where it was written."""

    rule: Rule
    ruleset: str
    file: str
    line: int
    when: list[ex.Node]
    then: dict[str, ex.Node]
    when_positions: list[Location] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Computed once: the explainer asks for these for every rule of every case.
        self.id = self.rule.id
        self.when_fns = [ex.compile_node(node) for node in self.when]
        self.condition_names = [list(dict.fromkeys(ref.name for ref in ex.names_in(node))) for node in self.when]
        self._reads = list(dict.fromkeys(name for names in self.condition_names for name in names))
        self._reads_in_formulas = list(dict.fromkeys(ref.name for node in self.then.values()
                                                     for ref in ex.names_in(node)))
        self.presumed = sorted(set().union(*(ex.presumed_names(node) for node in self.when)))
        # the conditions as written, then those the validator added (known(x) for each formula input)
        self.condition_texts = list(self.rule.when) + [ex.render(node) for node in self.when[len(self.rule.when):]]

    def reads(self) -> list[str]:
        """Names read by the conditions (facts and parameters), first appearance first."""
        return self._reads

    def reads_in_formulas(self) -> list[str]:
        return self._reads_in_formulas


@dataclass
class RuleSet:
    """A validated rule set: everything the compiler and the explainer need, and its content hash."""

    directory: str
    rules: list[RuleInfo]
    facts: dict[str, FactType]
    declarations: dict[str, FactDeclaration]
    parameters: ParameterTable
    files: dict[str, RuleFile]
    version: str

    def rule(self, rule_id: str) -> RuleInfo:
        return next(r for r in self.rules if r.id == rule_id)

    def exceptions_of(self, rule_id: str) -> list[RuleInfo]:
        return [r for r in self.rules if r.rule.exception_of == rule_id]

    def fact_title(self, name: str) -> str:
        if name in self.declarations:
            return self.declarations[name].title
        return case_facts().get(name, (None, ""))[1]


def _json_ready(value: Any) -> Any:
    """The document as JSON Schema sees it: dates as ISO strings; Decimals stay numbers."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_diagnostics(doc: Document, kind: str, prefix: str) -> list[Diagnostic]:
    """Every shape error in `doc`, each at its own line and column, most specific message first."""
    validator = jsonschema.Draft202012Validator(schema(kind), format_checker=jsonschema.FormatChecker())
    found = []
    for error in sorted(validator.iter_errors(_json_ready(doc.data)), key=lambda e: list(map(str, e.absolute_path))):
        found.append(_describe(error, doc, kind, prefix))
    return found


def _describe(error: jsonschema.ValidationError, doc: Document, kind: str, prefix: str) -> Diagnostic:
    # For an anyOf/oneOf failure (an optional section is "object or null"), the deepest, most relevant sub-error
    # says what is wrong; "is not of type 'null'" never does.
    while error.context:
        error = min(error.context, key=jsonschema.exceptions.relevance)
    path = tuple(error.absolute_path)
    where = ".".join(str(p) for p in path) or "(top level)"
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        key = extra[0] if extra else "?"
        hint = did_you_mean(key, allowed) or ("allowed keys: " + ", ".join(allowed))
        loc = doc.locate(path + (key, "<key>"))
        return Diagnostic(f"{prefix}-102", "unknown-key", f"unknown key '{key}' in {where}", loc, hint)
    if error.validator == "required":
        return Diagnostic(f"{prefix}-102", "missing-key", f"{where}: {error.message}", doc.locate(path))
    expected = error.schema.get("description") or ""
    message = f"{where}: {error.message}"
    hint = f"expected: {expected}" if expected and len(expected) < 160 else ""
    if error.validator == "format" and error.schema.get("format") == "date":
        return Diagnostic(impossible_date_code(prefix), "impossible-date", f"{where}: {error.instance!r} is not a date (YYYY-MM-DD)",
                          doc.locate(path), hint)
    return Diagnostic(f"{prefix}-102", "wrong-shape", message, doc.locate(path), hint)


def build_model(doc: Document, model: type[BaseModel], prefix: str, sink: DiagnosticSink) -> Any:
    """The typed model of a document whose shape is valid (pydantic errors here mean the schema is too loose)."""
    try:
        return model.model_validate(_normalise_numbers(doc.data))
    except ValidationError as exc:
        for err in exc.errors():
            path = tuple(err["loc"])
            sink.add(f"{prefix}-102", "wrong-shape", f"{'.'.join(map(str, path))}: {err['msg']}", doc.locate(path))
        return None


def _normalise_numbers(value: Any) -> Any:
    # YAML integers become Decimal, except where a model field wants an int (it accepts a whole Decimal too).
    if isinstance(value, dict):
        return {k: _normalise_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise_numbers(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())


def content_hash(directory: Path, files: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def load_ruleset(directory: str | Path) -> RuleSet:
    """Load, validate and index every rule and parameter file under `directory`; raises RuleSetError listing
    every problem found."""
    root = Path(directory)
    sink = DiagnosticSink()
    if not root.is_dir():
        sink.add("RS-100", "no-rules", f"'{root}' is not a directory of rule files", Location(str(root)))
        sink.raise_if_any(RuleSetError)
    paths = rule_files(root)
    rule_docs: list[tuple[Document, RuleFile]] = []
    parameter_docs: list[tuple[Document, ParameterFile]] = []
    for path in paths:
        shown = path.as_posix() if not path.is_absolute() else str(path)
        try:
            doc = load_document(path, "RS", shown)
        except LoadError as exc:
            sink.items.append(exc.diagnostic)
            continue
        is_parameters = isinstance(doc.data, dict) and "parameters" in doc.data and "rules" not in doc.data
        kind = "parameters" if is_parameters else "ruleset"
        problems = schema_diagnostics(doc, kind, "RS")
        if problems:
            sink.items.extend(problems)
            continue
        model = build_model(doc, ParameterFile if is_parameters else RuleFile, "RS", sink)
        if model is not None:
            (parameter_docs if is_parameters else rule_docs).append((doc, model))
    if not paths:
        sink.add("RS-100", "no-rules", f"no rule files (*.yaml) under '{root}'", Location(str(root)))
    sink.raise_if_any(RuleSetError)
    ruleset = _index(root, paths, rule_docs, parameter_docs, sink)
    sink.raise_if_any(RuleSetError)
    return ruleset


def _index(root: Path, paths: list[Path], rule_docs: list[tuple[Document, RuleFile]],
           parameter_docs: list[tuple[Document, ParameterFile]], sink: DiagnosticSink) -> RuleSet:
    parameters: dict[str, Any] = {}
    for doc, pfile in parameter_docs:
        for name, parameter in pfile.parameters.items():
            if name in parameters:
                sink.add("RS-116", "duplicate-name", f"the parameter '{name}' is defined twice",
                         doc.locate(("parameters", name, "<key>")))
            parameters[name] = parameter
    table = ParameterTable(parameters)
    inputs = case_facts()
    facts: dict[str, FactType] = {name: t for name, (t, _) in inputs.items()}
    declarations: dict[str, FactDeclaration] = {}
    for doc, rfile in rule_docs:
        for name, decl in rfile.facts.items():
            loc = doc.locate(("facts", name, "<key>"))
            if name in inputs:
                sink.add("RS-114", "concludes-input", f"'{name}' is a fact of the case file; rules cannot conclude it",
                         loc, "give the concluded fact its own name")
            elif name in declarations:
                sink.add("RS-116", "duplicate-name", f"the fact '{name}' is declared twice", loc)
            if decl.type != "string" and decl.values:
                sink.add("RS-108", "type-error", f"'{name}': only string facts can list values", loc)
            declarations[name] = decl
            facts[name] = FactType(decl.type, tuple(decl.values or ()))
    _check_roles(rule_docs, declarations, sink)
    rules: list[RuleInfo] = []
    seen_ids: dict[str, Location] = {}
    parameter_types = _parameter_types(parameter_docs, sink)
    for doc, rfile in rule_docs:
        for index, rule in enumerate(rfile.rules):
            path = ("rules", index)
            loc = doc.locate(path + ("id",))
            if rule.id in seen_ids:
                sink.add("RS-104", "duplicate-rule-id", f"the rule id {rule.id} is used twice", loc,
                         f"it is first used at {seen_ids[rule.id]}; ids are never reused", rule.id)
                continue
            seen_ids[rule.id] = loc
            info = _parse_rule(rule, rfile.ruleset, doc, path, facts, parameter_types, declarations, sink)
            if info is not None:
                rules.append(info)
    for info in rules:
        for name in info.presumed:
            if name not in inputs:  # a concluded fact's absence is not final until the run ends
                sink.add("RS-108", "type-error", f"rule {info.id} presumes '{name}', which is concluded by rules; "
                         "presume() takes only facts of the case file (findings, evidence, facts)",
                         Location(info.file, info.line, 1), rule_id=info.id)
    ids = {r.id for r in rules}
    if len(rules) > MAX_RULES:
        sink.add("RS-112", "engine-limit", f"{len(rules)} rules; the engine takes at most {MAX_RULES}", Location(str(root)))
    for info in rules:
        target = info.rule.exception_of
        if target and target not in ids and target not in seen_ids:
            sink.add("RS-111", "unknown-rule", f"rule {info.id} is an exception of {target}, which no rule file defines",
                     Location(info.file, info.line, 1), did_you_mean(target, ids), info.id)
        for name in info.reads() + info.reads_in_formulas():
            if name.startswith(ex.PARAMETER_PREFIX) and name[len(ex.PARAMETER_PREFIX):] in table:
                gap = table.gaps(name[len(ex.PARAMETER_PREFIX):], info.rule.effective)
                if gap:
                    sink.add("RS-110", "parameter-gap",
                             f"rule {info.id} is in force on {gap.isoformat()}, but '{name}' has no value on that date",
                             Location(info.file, info.line, 1), "add a value from that date, or end the rule earlier",
                             info.id)
    _check_exception_loops(rules, sink)
    if sink.items:
        return RuleSet(str(root), rules, facts, declarations, table, {}, "")
    _check_conflicts(rules, declarations, sink)
    _check_cycles(rules, sink)
    _check_engine_limits(rules, facts, sink)
    files = {doc.file: rfile for doc, rfile in rule_docs}
    return RuleSet(str(root), sorted(rules, key=lambda r: r.id), facts, declarations, table, files,
                   content_hash(root, paths))


def _parameter_types(parameter_docs: list[tuple[Document, ParameterFile]], sink: DiagnosticSink) -> dict[str, str]:
    """Each parameter's type; every dated value of one parameter must have the type of its first value."""
    types: dict[str, str] = {}
    for doc, pfile in parameter_docs:
        for name, parameter in pfile.parameters.items():
            schedule = parameter.unit == "schedule"
            if schedule:
                types[name] = "schedule"
            for day, value in sorted(parameter.values.items()):
                if value is None:
                    continue
                where = ("parameters", name, "values", day.isoformat(), "value")
                if schedule or isinstance(value.value, list):
                    _check_schedule(name, value.value, schedule, doc, where, sink)
                    continue
                got = ex.type_of_value(value.value)
                if parameter.history:
                    got = ex.DATED + got
                want = types.setdefault(name, got)
                if got != want:
                    sink.add("RS-108", "type-error", f"parameter '{name}' is a {want}, but its value from {day} is a "
                             f"{got}", doc.locate(where))
    return types


SCHEDULE_COLUMNS = ("above", "up_to", "assumed_wage", "employer", "employee", "total", "second_category")


def _check_schedule(name: str, rows: Any, schedule: bool, doc: Document, where: tuple, sink: DiagnosticSink) -> None:
    """A schedule's rows: seven numbers each (the last row's up_to null), contiguous bands, total = employer +
    employee. Every error names the row."""
    if not schedule:
        sink.add("RS-108", "type-error", f"parameter '{name}' has rows, which only a schedule (unit: schedule) has",
                 doc.locate(where))
        return
    if not isinstance(rows, list) or not rows:
        sink.add("RS-108", "type-error", f"schedule '{name}' needs a list of rows", doc.locate(where))
        return
    previous = None
    for index, row in enumerate(rows):
        loc = doc.locate(where + (index,))
        last = index == len(rows) - 1
        if len(row) != len(SCHEDULE_COLUMNS) or any(v is None for i, v in enumerate(row) if not (i == 1 and last)):
            sink.add("RS-108", "type-error", f"schedule '{name}' row {index + 1}: expected 7 numbers "
                     f"[{', '.join(SCHEDULE_COLUMNS)}] (up_to null on the last row only)", loc)
            continue
        above, up_to, _, employer, employee, total, _ = row
        if last and up_to is not None:
            sink.add("RS-108", "type-error", f"schedule '{name}': the last row must have up_to null (every wage above "
                     "the ceiling)", loc)
        if up_to is not None and up_to <= above:
            sink.add("RS-108", "type-error", f"schedule '{name}' row {index + 1}: up_to {up_to} is not above {above}",
                     loc)
        if previous is not None and above != previous:
            sink.add("RS-108", "type-error", f"schedule '{name}' row {index + 1}: the band starts above {above}, but "
                     f"the previous band ends at {previous}", loc, "bands must follow one another without gaps")
        if employer + employee != total:
            sink.add("RS-108", "type-error", f"schedule '{name}' row {index + 1}: employer {employer} + employee "
                     f"{employee} is not the total {total}", loc)
        previous = up_to


def _check_exception_loops(rules: list[RuleInfo], sink: DiagnosticSink) -> None:
    by_id = {r.id: r for r in rules}
    for info in rules:
        seen, current = [info.id], info
        while current.rule.exception_of in by_id:
            current = by_id[current.rule.exception_of]
            if current.id in seen:
                sink.add("RS-106", "cycle", "the exceptions loop: " + " -> ".join(seen + [current.id]),
                         Location(info.file, info.line, 1), "an exception cannot (even indirectly) override itself",
                         info.id)
                return
            seen.append(current.id)


def _check_roles(rule_docs: list[tuple[Document, RuleFile]], declarations: dict[str, FactDeclaration],
                 sink: DiagnosticSink) -> None:
    for doc, rfile in rule_docs:
        for name, decl in rfile.facts.items():
            loc = doc.locate(("facts", name, "<key>"))
            if decl.role == "outcome" and (decl.type != "string" or set(decl.values or ()) != {"covered", "not_covered"}):
                sink.add("RS-117", "bad-role", f"outcome fact '{name}' must be a string with values covered, not_covered",
                         loc)
            if decl.role == "benefit":
                if decl.type != "boolean":
                    sink.add("RS-117", "bad-role", f"benefit fact '{name}' must be boolean (applies or not)", loc)
                target = declarations.get(decl.contingency or "")
                if target is None or target.role != "outcome":
                    sink.add("RS-117", "bad-role", f"benefit fact '{name}' must name its contingency's outcome fact",
                             loc, did_you_mean(decl.contingency or "", [n for n, d in declarations.items()
                                                                           if d.role == "outcome"]))


def _condition_location(doc: Document, path: tuple, offset: int) -> Location:
    base = doc.locate(path)
    line_text = doc.lines[base.line - 1] if 0 < base.line <= len(doc.lines) else ""
    quoted = base.col - 1 < len(line_text) and line_text[base.col - 1] in "\"'"
    return Location(base.file, base.line, base.col + offset + (1 if quoted else 0))


def _parse_rule(rule: Rule, ruleset: str, doc: Document, path: tuple, facts: dict[str, FactType],
                parameter_types: dict[str, str], declarations: dict[str, FactDeclaration],
                sink: DiagnosticSink) -> RuleInfo | None:
    ok = True
    if rule.effective.to is not None and rule.effective.to < rule.effective.from_:
        sink.add("RS-115", "bad-period", f"rule {rule.id} ends ({rule.effective.to}) before it starts "
                 f"({rule.effective.from_})", doc.locate(path + ("effective",)), rule_id=rule.id)
        ok = False
    if not (rule.citation.section or rule.citation.source):
        sink.add("RS-102", "missing-key", f"rule {rule.id}: the citation needs a section or a source",
                 doc.locate(path + ("citation",)), rule_id=rule.id)
        ok = False

    def parse_checked(text: str, where: tuple, want: str) -> ex.Node | None:
        def unknown(name: str, offset: int) -> ex.ExpressionError:
            if name.startswith(ex.PARAMETER_PREFIX):
                return ex.ExpressionError("RS-109", "unknown-parameter",
                                          f"rule {rule.id} ({rule.citation.section or rule.citation.source}) reads "
                                          f"'{name}', which no parameter file defines", offset,
                                          did_you_mean(name, [ex.PARAMETER_PREFIX + p for p in parameter_types]))
            return ex.ExpressionError("RS-103", "unknown-fact",
                                      f"rule {rule.id} ({rule.citation.section or rule.citation.source}) reads "
                                      f"'{name}', which no rule concludes and the case schema does not declare",
                                      offset, did_you_mean(name, facts))
        try:
            node = ex.parse(text)
            got = ex.check(node, facts, parameter_types, unknown)
            if got != want:
                raise ex.ExpressionError("RS-108", "type-error", f"this must be a {want}, not a {got}", 0)
            return node
        except ex.ExpressionError as err:
            sink.add(err.code, err.name, err.message, _condition_location(doc, where, err.offset), err.hint, rule.id)
            return None

    when, positions = [], []
    for index, text in enumerate(rule.when):
        node = parse_checked(text, path + ("when", index), "boolean")
        ok &= node is not None
        if node is not None:
            when.append(node)
            positions.append(_condition_location(doc, path + ("when", index), 0))
    then: dict[str, ex.Node] = {}
    for name, value in rule.then.items():
        where = path + ("then", name)
        if name not in declarations:
            sink.add("RS-103", "unknown-fact", f"rule {rule.id} concludes '{name}', which no rule file declares in its "
                     "facts", doc.locate(where + ("<key>",)),
                     did_you_mean(name, declarations) or "declare it under 'facts:' in the rule file", rule.id)
            ok = False
            continue
        decl = declarations[name]
        if isinstance(value, BaseModel):
            node = parse_checked(value.compute, where + ("compute",), decl.type)
        else:
            node = ex.Lit(value)
            got = ex.type_of_value(value)
            if got != decl.type or (decl.values and value not in decl.values):
                allowed = ", ".join(decl.values) if decl.values else f"a {decl.type}"
                sink.add("RS-108", "type-error", f"rule {rule.id} concludes {name} = {ex.render_value(value)}, but it "
                         f"takes {allowed}", doc.locate(where), did_you_mean(str(value), decl.values or ()), rule.id)
                node = None
        ok &= node is not None
        if node is not None:
            then[name] = node
    if not ok:
        return None
    # A formula's inputs are conditions too: the rule applies only once it can compute what it concludes (even when
    # a condition reads the same fact in only one of its alternatives).
    added: set[str] = set()
    for name, node in then.items():
        for ref in dict.fromkeys(r.name for r in ex.names_in(node)):
            if ref not in added and not ref.startswith(ex.PARAMETER_PREFIX):
                added.add(ref)
                when.append(ex.Call("known", (ex.Ref(ref),)))
                positions.append(doc.locate(path + ("then", name)))
        # a function that can be unknown on known inputs (no schedule for a month, a detail of a dependant missing)
        # is a condition too: known(call) waits for its value
        for call in _partial_calls(node):
            text = ex.render(call)
            if text not in added:
                added.add(text)
                when.append(ex.Call("known", (call,)))
                positions.append(doc.locate(path + ("then", name)))
    return RuleInfo(rule, ruleset, doc.file, doc.locate(path).line, when, then, positions)


def _partial_calls(node: ex.Node) -> list[ex.Call]:
    found = []

    def walk(current: ex.Node) -> None:
        if isinstance(current, ex.Call) and ex.FUNCTIONS[current.fn].partial:
            found.append(current)
            return  # the outer call's value decides; its inner calls are part of it
        for child in ex.children(current):
            walk(child)
    walk(node)
    return found


# ---------------------------------------------------------------- conflicts: two rules, one fact, two values


def _exception_chain(rule: RuleInfo, by_id: dict[str, RuleInfo]) -> set[str]:
    chain, current = set(), rule
    while current.rule.exception_of and current.rule.exception_of not in chain:
        chain.add(current.rule.exception_of)
        current = by_id.get(current.rule.exception_of, current)
    return chain


def _terms(rule: RuleInfo) -> list[tuple[ex.Node, ...]]:
    node = ex.BoolOp("and", tuple(rule.when)) if rule.when else ex.Lit(True)
    try:
        return ex.disjunctive_normal_form(ex.negation_normal_form(node), MAX_DNF_TERMS)
    except OverflowError:
        return [()]


def _constraint(atom: ex.Node) -> tuple[str, str, Any] | None:
    """(operand, operator, literal or ('param', name)) for an atom that compares something with a constant."""
    def constant(node: ex.Node) -> Any:
        if isinstance(node, ex.Lit):
            return node.value
        if isinstance(node, ex.Ref) and node.name.startswith(ex.PARAMETER_PREFIX):
            return ("param", node.name)
        return None
    flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}
    if isinstance(atom, ex.Compare):
        right, left = constant(atom.right), constant(atom.left)
        if right is not None and left is None:
            return ex.render(atom.left), atom.op, right
        if left is not None and right is None:
            return ex.render(atom.right), flip[atom.op], left
    if isinstance(atom, ex.In):
        return ex.render(atom.operand), "not in" if atom.negated else "in", frozenset(i.value for i in atom.items)
    return None


def _contradict(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    """Whether `x a` and `x b` can never hold together (False when it cannot be proven)."""
    (op1, v1), (op2, v2) = a, b
    sets = {"==": lambda v: frozenset([v]), "in": lambda v: v}
    if op1 in sets and op2 in sets:
        return not (sets[op1](v1) & sets[op2](v2)) and not any(isinstance(v, tuple) for v in sets[op1](v1) | sets[op2](v2))
    if op2 in sets:
        (op1, v1), (op2, v2) = (op2, v2), (op1, v1)
    if op1 in sets:  # a set of values against != / not in / an order
        values = sets[op1](v1)
        if op2 in ("!=", "not in"):
            excluded = frozenset([v2]) if op2 == "!=" else v2
            return values <= excluded
        if any(isinstance(v, tuple) for v in values) or isinstance(v2, tuple):
            return values == frozenset([v2]) and op2 in ("<", ">")
        return all(not ex.compare(op2, v, v2) for v in values if type(v) is type(v2) or ex.type_of_value(v) == ex.type_of_value(v2))
    if op1 in ("!=", "not in") or op2 in ("!=", "not in"):
        return False
    if isinstance(v1, tuple) or isinstance(v2, tuple):
        if v1 != v2:
            return False
        v1 = v2 = 0  # the same parameter on both sides: compare the operators alone
    lower = {">": True, ">=": True}
    if (op1 in lower) == (op2 in lower):
        return False
    lo_op, lo, hi_op, hi = (op1, v1, op2, v2) if op1 in lower else (op2, v2, op1, v1)
    if lo > hi:
        return True
    return lo == hi and (lo_op == ">" or hi_op == "<")


def provably_disjoint(first: RuleInfo, second: RuleInfo) -> bool:
    """True when no case can satisfy both rules' conditions (checked term by term of their DNFs)."""
    for term1 in _terms(first):
        for term2 in _terms(second):
            cons1 = [c for c in map(_constraint, term1) if c]
            cons2 = [c for c in map(_constraint, term2) if c]
            if not any(k1 == k2 and _contradict((o1, v1), (o2, v2)) for k1, o1, v1 in cons1 for k2, o2, v2 in cons2):
                return False
    return True


def _check_conflicts(rules: list[RuleInfo], declarations: dict[str, FactDeclaration], sink: DiagnosticSink) -> None:
    by_id = {r.id: r for r in rules}
    concluding: dict[str, list[RuleInfo]] = {}
    for info in rules:
        for name in info.then:
            concluding.setdefault(name, []).append(info)
    for name, group in concluding.items():
        for i, first in enumerate(group):
            for second in group[i + 1:]:
                a, b = first.then[name], second.then[name]
                same_literal = isinstance(a, ex.Lit) and isinstance(b, ex.Lit) and a.value == b.value
                if same_literal or not first.rule.effective.overlaps(second.rule.effective):
                    continue
                if second.id in _exception_chain(first, by_id) or first.id in _exception_chain(second, by_id):
                    continue
                if provably_disjoint(first, second):
                    continue
                sink.add("RS-105", "conflicting-conclusions",
                         f"rules {first.id} and {second.id} can both apply on the same dates and conclude different "
                         f"values for '{name}' ({ex.render(a)} vs {ex.render(b)})",
                         Location(second.file, second.line, 1),
                         f"make one an exception of the other (exception_of: {first.id}), or give them conditions "
                         "that cannot hold together", second.id)


def _check_cycles(rules: list[RuleInfo], sink: DiagnosticSink) -> None:
    edges: dict[str, set[str]] = {}
    owner: dict[tuple[str, str], str] = {}
    by_id = {r.id: r for r in rules}
    for info in rules:
        sources = set(info.reads()) | set(info.reads_in_formulas())
        for exc in [r for r in rules if r.rule.exception_of == info.id]:
            sources |= set(exc.reads())  # an exception's conditions decide whether this rule applies
        for target in info.then:
            for source in sources:
                edges.setdefault(source, set()).add(target)
                owner.setdefault((source, target), info.id)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        stack.pop()
        return None

    for start in sorted(edges):
        if start not in state:
            cycle = visit(start)
            if cycle:
                rule = by_id[owner[(cycle[-2], cycle[-1])]]
                sink.add("RS-106", "cycle", "the facts depend on themselves: " + " -> ".join(cycle),
                         Location(rule.file, rule.line, 1), "a fact cannot be a condition of its own conclusion",
                         rule.id)
                return


def _check_engine_limits(rules: list[RuleInfo], facts: dict[str, FactType], sink: DiagnosticSink) -> None:
    read: set[str] = set()
    for info in rules:
        try:
            node = ex.BoolOp("and", tuple(info.when)) if info.when else ex.Lit(True)
            terms = ex.disjunctive_normal_form(ex.negation_normal_form(node), MAX_DNF_TERMS)
        except OverflowError:
            sink.add("RS-112", "engine-limit", f"rule {info.id}: its conditions expand to more than {MAX_DNF_TERMS} "
                     "alternatives", Location(info.file, info.line, 1), "split it into several rules", info.id)
            continue
        for term in terms:
            names = {ref.name for atom in term for ref in ex.names_in(atom)
                     if not ref.name.startswith(ex.PARAMETER_PREFIX)}
            # every exception adds one pattern (its 'does not apply' fact)
            patterns = len(names) + len([r for r in rules if r.rule.exception_of == info.id])
            if patterns > MAX_PATTERNS_PER_RULE:
                sink.add("RS-112", "engine-limit", f"rule {info.id} reads {patterns} facts in one alternative; the "
                         f"engine joins at most {MAX_PATTERNS_PER_RULE}", Location(info.file, info.line, 1),
                         "conclude an intermediate fact in a separate rule", info.id)
                break
            read |= names
    if len(read) > MAX_FACT_NAMES:
        sink.add("RS-112", "engine-limit", f"the rules read {len(read)} distinct facts; at most {MAX_FACT_NAMES}",
                 Location(rules[0].file if rules else ""))


def load_case(path: str | Path, display_name: str | None = None) -> "Case":
    """Load and validate one case file; raises CaseError listing every problem, each with file, line and field."""
    from .errors import CaseError
    from .model import Case
    sink = DiagnosticSink()
    try:
        doc = load_document(path, "CASE", display_name)
    except LoadError as exc:
        raise CaseError([exc.diagnostic]) from None
    sink.items.extend(schema_diagnostics(doc, "case", "CASE"))
    sink.raise_if_any(CaseError)
    case = build_model(doc, Case, "CASE", sink)
    sink.raise_if_any(CaseError)
    for path, message in case.contradictions():
        sink.add("CASE-104", "contradictory-input", message, doc.locate(path))
    sink.raise_if_any(CaseError)
    return case
