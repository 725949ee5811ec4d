"""The loader: untrusted YAML in, plain data and a source map out; duplicate keys, aliases, unsafe tags, floats and
times of day never get through."""
from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

import pytest

from engine import loader
from engine.loader import LoadError, load_document, load_text


def load(text: str, prefix: str = "RS"):
    return load_text(textwrap.dedent(text), "t.yaml", prefix)


def refused(text: str, prefix: str = "RS"):
    """The diagnostic of a document the loader must refuse, as (code, name, 'line:col', message)."""
    with pytest.raises(LoadError) as caught:
        load(text, prefix)
    d = caught.value.diagnostic
    return d.code, d.name, f"{d.location.line}:{d.location.col}", d.message


# ---------------------------------------------------------------- duplicate keys


def test_duplicate_key_in_a_nested_mapping_is_refused_at_the_second_key():
    text = """\
        rules:
          - id: A-1
            title: first
            title: second
        """
    with pytest.raises(LoadError) as caught:
        load(text)
    d = caught.value.diagnostic
    assert (d.code, d.name, str(d.location)) == ("RS-101", "duplicate-key", "t.yaml:4:5")
    assert d.message == "the key 'title' appears twice in this mapping"
    assert d.hint == "its first occurrence is on line 3; keep one"


def test_duplicate_key_uses_the_case_prefix_for_case_files():
    assert refused("a: 1\na: 2\n", "CASE")[:2] == ("CASE-101", "duplicate-key")


def test_keys_that_read_the_same_are_duplicates():
    # 1 and "1" are both the key "1" once loaded: accepting both would silently drop one.
    assert refused('values:\n  1: a\n  "1": b\n')[:3] == ("RS-101", "duplicate-key", "3:3")


def test_the_same_key_in_sibling_mappings_is_not_a_duplicate():
    assert load("a: {x: 1}\nb: {x: 2}\n").data == {"a": {"x": 1}, "b": {"x": 2}}


# ---------------------------------------------------------------- anchors, aliases, merge keys


@pytest.mark.parametrize("text, where", [
    ("a: &x 1\n", "1:4"),                              # an anchor alone is refused
    ("a: &x 1\nb: *x\n", "1:4"),                        # refused at the anchor, before the alias
    ("b: *x\n", "1:4"),                                  # an alias without an anchor
    ("base: &b {x: 1}\nc:\n  <<: *b\n", "1:7"),
    ("c:\n  <<: {x: 1}\n  y: 2\n", "2:3"),               # a merge key even without an alias
], ids=["anchor", "alias", "undefined-alias", "merge-with-alias", "merge-inline"])
def test_anchors_aliases_and_merge_keys_are_refused(text, where):
    code, name, location, _ = refused(text)
    assert (code, name, location) == ("RS-113", "alias-not-allowed", where)


def test_billion_laughs_is_refused_at_its_first_anchor():
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    assert refused("\n".join(levels) + "\n")[:3] == ("RS-113", "alias-not-allowed", "1:4")


# ---------------------------------------------------------------- tags


@pytest.mark.parametrize("text", [
    "x: !!python/object:os.system {}\n",
    "x: !!python/object/apply:os.system ['true']\n",
    "x: !!python/name:os.system\n",
    "x: !!binary aGVsbG8=\n",
    "x: !!set {a, b}\n",
    "x: !local value\n",
], ids=["object", "apply", "name", "binary", "set", "local-tag"])
def test_tags_outside_plain_yaml_are_refused(text):
    code, name, location, message = refused(text)
    assert (code, name, location) == ("RS-102", "unsafe-tag", "1:4")
    assert message.startswith("the tag '") and message.endswith("' is not allowed")


def test_an_unsafe_tag_is_refused_without_running_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "x: !!python/object/apply:builtins.exec [\"open('PWNED', 'w').close()\"]\n"
    with pytest.raises(LoadError):
        load(text)
    assert not (tmp_path / "PWNED").exists()


# ---------------------------------------------------------------- numbers, dates, times


@pytest.mark.parametrize("text, value", [
    ("x: 0.80\n", Decimal("0.80")),
    ("x: 0.1\n", Decimal("0.1")),
    ("x: 1_000.50\n", Decimal("1000.50")),
    ("x: -2.5\n", Decimal("-2.5")),
    ("x: 1.5e+3\n", Decimal("1.5e+3")),
])
def test_floats_become_exact_decimals(text, value):
    loaded = load(text).data["x"]
    assert type(loaded) is Decimal
    assert loaded == value and str(loaded) == str(value)


def test_decimal_arithmetic_on_loaded_values_is_exact():
    data = load("a: 0.1\nb: 0.2\nc: 0.3\n").data
    assert data["a"] + data["b"] == data["c"]


def test_integers_stay_integers_and_booleans_stay_booleans():
    data = load("n: 12\nb: true\ns: '12'\n").data
    assert (type(data["n"]), type(data["b"]), type(data["s"])) == (int, bool, str)


@pytest.mark.parametrize("text", ["x: .inf\n", "x: -.inf\n", "x: .nan\n"])
def test_infinities_and_nan_are_refused(text):
    assert refused(text)[:3] == ("RS-102", "bad-number", "1:4")


def test_dates_become_dates():
    assert load("d: 2025-02-03\n").data["d"] == dt.date(2025, 2, 3)


@pytest.mark.parametrize("text", ["d: 2025-02-03 07:40:00\n", "d: 2025-02-03T07:40:00Z\n",
                                  "d: 2025-02-03t07:40:00+08:00\n"])
def test_datetimes_are_refused(text):
    code, name, location, message = refused(text, "CASE")
    assert (code, name, location) == ("CASE-102", "bad-value", "1:4")
    assert message.endswith("has a time of day; write the date alone (YYYY-MM-DD)")


def test_an_impossible_date_is_refused():
    assert refused("d: 2025-02-30\n", "CASE") == (
        "CASE-103", "impossible-date", "1:4",
        "'2025-02-30' is not a real calendar date (day is out of range for month)")


@pytest.mark.parametrize("text", ["true: 1\n", "? [a, b]\n: 1\n", "1.5: x\n"], ids=["bool", "list", "float"])
def test_mapping_keys_must_be_plain(text):
    assert refused(text)[:2] == ("RS-102", "bad-key")


# ---------------------------------------------------------------- positions

POSITIONS = """\
ruleset: x
rules:
  - id: A-1
    when:
      - first
      - "second"
  - id: B-2
    then: {x.y: true}
"""


@pytest.mark.parametrize("path, where", [
    ((), (1, 1)),
    (("ruleset",), (1, 10)),
    (("rules",), (3, 3)),
    (("rules", 0), (3, 5)),
    (("rules", 0, "id", "<key>"), (3, 5)),
    (("rules", 0, "id"), (3, 9)),
    (("rules", 0, "when", "<key>"), (4, 5)),
    (("rules", 0, "when", 0), (5, 9)),
    (("rules", 0, "when", 1), (6, 9)),
    (("rules", 1), (7, 5)),
    (("rules", 1, "then", "x.y", "<key>"), (8, 12)),
    (("rules", 1, "then", "x.y"), (8, 17)),
])
def test_positions_of_nested_keys_and_list_items(path, where):
    assert load(POSITIONS).positions[path] == where


def test_locate_falls_back_to_the_nearest_ancestor():
    doc = load(POSITIONS)
    assert str(doc.locate(("rules", 0, "effective", "from"))) == "t.yaml:3:5"
    assert str(doc.locate(("nowhere",))) == "t.yaml:1:1"


# ---------------------------------------------------------------- bounds and unreadable input


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x: " + b"a" * loader.MAX_FILE_BYTES)
    with pytest.raises(LoadError) as caught:
        load_document(path, "RS", "big.yaml")
    assert caught.value.diagnostic.render() == (
        "big.yaml: error [RS-113 file-too-large]\n"
        "  the file is 1,000,003 bytes; at most 1,000,000 are accepted\n"
        "  hint: split it into smaller files")


def test_a_document_with_too_many_values_is_refused(monkeypatch):
    monkeypatch.setattr(loader, "MAX_NODES", 10)
    # the mapping, the list and its first eight items make ten values; the ninth item (column 29) is one too many
    assert refused("x: [" + ", ".join(["0"] * 10) + "]\n") == (
        "RS-113", "too-many-nodes", "1:29", "the document has more than 10 values")


@pytest.mark.parametrize("content, code, name", [
    (b"a: caf\xe9\n", "RS-100", "not-utf8"),
    (b"", "RS-102", "empty-file"),
    (b"# only a comment\n", "RS-102", "empty-file"),
    (b"a: 1\n---\nb: 2\n", "RS-100", "yaml-syntax"),
    (b"a: [1, 2\n", "RS-100", "yaml-syntax"),
])
def test_unusable_files_are_refused(tmp_path, content, code, name):
    path = tmp_path / "f.yaml"
    path.write_bytes(content)
    with pytest.raises(LoadError) as caught:
        load_document(path, "RS")
    assert (caught.value.diagnostic.code, caught.value.diagnostic.name) == (code, name)


def test_a_missing_file_is_reported_not_raised(tmp_path):
    with pytest.raises(LoadError) as caught:
        load_document(tmp_path / "absent.yaml", "CASE", "absent.yaml")
    assert caught.value.diagnostic.render() == (
        "absent.yaml: error [CASE-100 unreadable-file]\n  cannot read the file: No such file or directory")
