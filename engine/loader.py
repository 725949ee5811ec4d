"""Safe YAML/JSON loading with a source map: every value's `file:line:col`; no aliases, unsafe tags or duplicate keys."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Diagnostic, Location

# Bounds on untrusted input: a rule or case file is small; anything larger is a mistake or an attack.
MAX_FILE_BYTES = 1_000_000
MAX_NODES = 200_000

SAFE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}

Path_ = tuple  # a path into the document: keys and list indexes


@dataclass
class Document:
    """Plain data (dict/list/str/int/Decimal/bool/date/None) plus the position of every node in it."""

    file: str
    data: Any
    positions: dict[Path_, tuple[int, int]]
    lines: list[str]

    def locate(self, path: Path_ = ()) -> Location:
        """The position of the node at `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path and path not in self.positions:
            path = path[:-1]
        line, col = self.positions.get(path, (0, 0))
        return Location(self.file, line, col)


class LoadError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        super().__init__(diagnostic.render())


class _Builder(yaml.SafeLoader):
    """Composes nodes with SafeLoader, then builds plain data itself so that it can refuse aliases and tags."""

    file_name = ""
    error_prefix = ""

    def compose_node(self, parent, index):  # type: ignore[override]
        # Refused at the event, before any expansion: aliases are how a small file becomes a huge document.
        event = self.peek_event()
        if isinstance(event, yaml.events.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise _fail(self.error_prefix, "113", "alias-not-allowed", "anchors and aliases are not allowed",
                        Location(self.file_name, mark.line + 1, mark.column + 1),
                        "write the value out in full; aliases can expand without bound")
        return super().compose_node(parent, index)


def _fail(prefix: str, code: str, name: str, message: str, loc: Location, hint: str = "") -> LoadError:
    return LoadError(Diagnostic(f"{prefix}-{code}", name, message, loc, hint))


def impossible_date_code(prefix: str) -> str:
    # RS-103 already means unknown-fact in rule files; case files keep CASE-103.
    return "CASE-103" if prefix == "CASE" else "RS-118"


def load_document(path: str | Path, prefix: str, display_name: str | None = None) -> Document:
    """Load one YAML or JSON file (JSON is YAML) as untrusted input. `prefix` is 'RS' or 'CASE' for error codes."""
    path = Path(path)
    name = display_name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(prefix, "100", "unreadable-file", f"cannot read the file: {exc.strerror}", Location(name)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(prefix, "113", "file-too-large",
                    f"the file is {len(raw):,} bytes; at most {MAX_FILE_BYTES:,} are accepted", Location(name),
                    "split it into smaller files") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(prefix, "100", "not-utf8", f"the file is not UTF-8 text (byte {exc.start})", Location(name)) from None
    return load_text(text, name, prefix)


def load_text(text: str, name: str, prefix: str) -> Document:
    loader = _Builder(text)
    loader.file_name, loader.error_prefix = name, prefix
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        problem = exc.problem or "malformed YAML"
        raise _fail(prefix, "100", "yaml-syntax", f"malformed YAML: {problem}", loc,
                    "check the indentation and quoting on this line") from None
    finally:
        loader.dispose()
    if node is None:
        raise _fail(prefix, "102", "empty-file", "the file is empty", Location(name, 1, 1))
    positions: dict[Path_, tuple[int, int]] = {}
    counter = [0]
    data = _build(node, (), positions, name, prefix, counter, loader)
    return Document(name, data, positions, text.splitlines())


def _build(node: Node, path: Path_, positions: dict, name: str, prefix: str, counter: list[int], loader: _Builder) -> Any:
    counter[0] += 1
    loc = Location(name, node.start_mark.line + 1, node.start_mark.column + 1)
    if counter[0] > MAX_NODES:
        raise _fail(prefix, "113", "too-many-nodes", f"the document has more than {MAX_NODES:,} values", loc)
    if node.tag not in SAFE_TAGS:
        raise _fail(prefix, "102", "unsafe-tag", f"the tag '{node.tag}' is not allowed", loc,
                    "use plain YAML values: strings, numbers, booleans, dates, lists and mappings")
    positions[path] = (loc.line, loc.col)
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _fail(prefix, "113", "alias-not-allowed", "merge keys ('<<') are not allowed",
                            Location(name, key_node.start_mark.line + 1, key_node.start_mark.column + 1))
            key = _scalar(key_node, name, prefix, loader) if isinstance(key_node, ScalarNode) else None
            key_loc = Location(name, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key, (str, int, dt.date)) or isinstance(key, bool):
                raise _fail(prefix, "102", "bad-key", "mapping keys must be plain strings", key_loc)
            key = key.isoformat() if isinstance(key, dt.date) else str(key)
            if key in result:
                first = positions.get(path + (key,), (0, 0))
                raise _fail(prefix, "101", "duplicate-key", f"the key '{key}' appears twice in this mapping",
                            key_loc, f"its first occurrence is on line {first[0]}; keep one")
            positions[path + (key, "<key>")] = (key_loc.line, key_loc.col)
            result[key] = _build(value_node, path + (key,), positions, name, prefix, counter, loader)
        return result
    if isinstance(node, SequenceNode):
        return [_build(item, path + (i,), positions, name, prefix, counter, loader) for i, item in enumerate(node.value)]
    return _scalar(node, name, prefix, loader)


def _scalar(node: ScalarNode, name: str, prefix: str, loader: _Builder) -> Any:
    loc = Location(name, node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag == "tag:yaml.org,2002:float":
        # Money and rates are exact decimals; a float never enters the engine.
        try:
            value = Decimal(node.value.replace("_", ""))
        except InvalidOperation:
            raise _fail(prefix, "102", "bad-number", f"'{node.value}' is not a finite decimal number", loc) from None
        if not value.is_finite():
            raise _fail(prefix, "102", "bad-number", f"'{node.value}' is not a finite decimal number", loc)
        return value
    try:
        value = loader.construct_object(node)
    except (ValueError, yaml.constructor.ConstructorError) as exc:
        if node.tag == "tag:yaml.org,2002:timestamp":
            raise LoadError(Diagnostic(impossible_date_code(prefix), "impossible-date", f"'{node.value}' is not a real calendar date ({exc})", loc,
                                        "dates are written YYYY-MM-DD")) from None
        raise _fail(prefix, "102", "bad-value", f"'{node.value}' cannot be read: {exc}", loc) from None
    if isinstance(value, dt.datetime):
        raise _fail(prefix, "102", "bad-value", f"'{node.value}' has a time of day; write the date alone (YYYY-MM-DD)", loc)
    return value
