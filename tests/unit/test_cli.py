"""The `socso` command: exit codes, exact error output with file:line:col, no traceback unless --debug."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import jsonschema
import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.schemas import schema

from ..conftest import ROOT

CASE = "cases/commute-direct-route.yaml"
INVALID = "tests/fixtures/invalid"


@pytest.fixture
def socso(monkeypatch):
    """Run the CLI in-process from the project root (the default --rules is ./rules)."""
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def socso_process(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    """Run the CLI as a separate process: the only way to see main()'s traceback and to survive a crash."""
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def pinned(expected_file: str) -> str:
    """A fixture's expected diagnostic, its paths made relative to the project root as the CLI shows them."""
    return expected_file.rsplit("/", 1)[0] + "/" + (ROOT / expected_file).read_text(encoding="utf-8")


# ---------------------------------------------------------------- adjudicate


def test_adjudicate_prints_the_decision(socso):
    result = socso("adjudicate", CASE)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == "DECISION  case commute-direct-route   governing date 2025-02-03"
    assert "COVERED       Employment injury as a commuting accident (s.24)" in lines


def test_adjudicate_json_validates_against_the_decision_schema(socso):
    result = socso("adjudicate", CASE, "--format", "json")
    assert result.exit_code == 0
    decision = json.loads(result.stdout)
    jsonschema.Draft202012Validator(schema("decision")).validate(decision)
    assert decision["case_file"] == CASE
    assert [(c["fact"], c["outcome"]) for c in decision["contingencies"]] == [
        ("employment_injury.commuting.outcome", "covered"), ("employment_injury.emergency.outcome", "not_covered"),
        ("employment_injury.industrial.outcome", "not_covered"), ("employment_injury.outcome", "covered"),
        ("non_employment_injury.outcome", "not_covered")]


def test_adjudicate_output_writes_the_file_and_prints_nothing(socso, tmp_path):
    out = tmp_path / "decision.txt"
    result = socso("adjudicate", CASE, "--output", str(out))
    assert (result.exit_code, result.stdout) == (0, "")
    assert out.read_text(encoding="utf-8") == socso("adjudicate", CASE).stdout


@pytest.mark.parametrize("case", [
    f"{INVALID}/cases/CASE-102_wrong_type_person.yaml",
    f"{INVALID}/cases/CASE-102_wrong_type.yaml",
], ids=["person.foreign_worker", "medical_leave.days"])
def test_a_case_with_a_wrong_type_exits_2_with_its_location(socso, case):
    result = socso("adjudicate", case)
    assert (result.exit_code, result.stdout) == (2, "")
    # the exact pinned diagnostic: file:line:col of the value and the field's dotted name
    assert result.stderr == pinned(case.replace(".yaml", ".expected.txt"))
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, error", [
    (["adjudicate", f"{INVALID}/cases/CASE-103_impossible_date.yaml"], "engine.errors.CaseError"),
    (["check", f"{INVALID}/rules/RS-103_unknown_fact"], "engine.errors.RuleSetError"),
], ids=["adjudicate", "check"])
def test_debug_shows_the_traceback_and_keeps_the_exit_code(args, error):
    plain, debug = socso_process(*args), socso_process(*args, "--debug")
    assert "Traceback" not in plain.stderr
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert error in debug.stderr
    assert (plain.returncode, debug.returncode) == (2, 2)


def test_an_unwritable_output_is_a_clean_error(socso, tmp_path):
    result = socso("adjudicate", CASE, "--output", str(tmp_path / "missing" / "decision.txt"))
    assert result.exit_code == 2
    assert "decision.txt" in result.stderr
    assert isinstance(result.exception, SystemExit)


def test_a_case_that_no_rule_reads_is_decided_not_crashed(tmp_path):
    # In a subprocess: before rete.py stopped calling the core's delete_state, this killed the process (SIGSEGV).
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "rules.yaml").write_text(textwrap.dedent("""\
        ruleset: fixture.one
        title: One rule on a police report
        facts:
          fixture.flag: {type: boolean, title: A flag}
        rules:
          - id: FX-001
            title: A police report was made
            citation: {section: "s.1"}
            effective: {from: 2000-01-01}
            when: [evidence.police_report == true]
            then: {fixture.flag: true}
        """), encoding="utf-8")
    (tmp_path / "case.yaml").write_text("case_id: no-report\naccident:\n  date: 2025-02-03\n", encoding="utf-8")
    result = socso_process("adjudicate", str(tmp_path / "case.yaml"), "--rules", str(tmp_path / "rules"))
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-300:]}"
    assert result.stdout.startswith("DECISION  case no-report")


# ---------------------------------------------------------------- check


def test_check_passes_on_the_real_rules(socso):
    result = socso("check", "rules")
    assert result.exit_code == 0
    assert re.fullmatch(r"rules: \d+ rules in \d+ files, \d+ parameters — no errors   sha256:[0-9a-f]{64}\n",
                        result.stdout)


def test_check_reports_a_misspelt_fact_with_its_location_and_a_guess(socso):
    fixture = f"{INVALID}/rules/RS-103_unknown_fact"
    result = socso("check", fixture)
    assert result.exit_code == 2
    assert result.stderr == pinned(f"{fixture}/expected.txt") + f"1 error in {fixture}\n"
    assert result.stderr.startswith(f"{fixture}/rules.yaml:11:9: error [RS-103 unknown-fact]")
    assert "hint: did you mean 'accident.journey.purpose'?" in result.stderr


# ---------------------------------------------------------------- explain


def test_explain_shows_the_section_and_the_dates(socso):
    result = socso("explain", "EI-COMMUTE-001")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "EI-COMMUTE-001  Travelling between the usual residence and the place of work"
    assert "  section    s.24(1)(a)" in lines
    assert "  in force   from 1992-01-01" in lines


def test_explain_works_for_every_rule_id(socso):
    from engine import load_ruleset
    for info in load_ruleset(ROOT / "rules").rules:
        result = socso("explain", info.id)
        assert result.exit_code == 0, (info.id, result.stderr)
        lines = result.stdout.splitlines()
        assert lines[0].startswith(f"{info.id}  {info.rule.title}")
        assert any(line.startswith(("  section", "  source")) for line in lines), info.id
        assert any(line.startswith("  in force   from ") for line in lines), info.id


@pytest.mark.parametrize("rule_id, stderr", [
    ("NOPE-1", "error: no rule NOPE-1 in rules\n"),
    ("EI-COMUTE-001", "error: no rule EI-COMUTE-001 in rules\n  hint: did you mean 'EI-COMMUTE-001'?\n"),
])
def test_explain_an_unknown_rule_exits_2(socso, rule_id, stderr):
    result = socso("explain", rule_id)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", stderr)


def test_contribution_gives_the_band_the_shares_and_the_trace(socso):
    result = socso("contribution", "--wage", "1,350", "--month", "2024-10", "--category", "first")
    assert result.exit_code == 0, result.stdout
    text = result.stdout
    assert "Total contribution" in text and "RM30.40" in text  # DOMAIN.md §4 E1
    assert "RM23.65" in text and "RM6.75" in text
    assert "parameters.contributions.third_schedule = 65 bands from 2024-10-01" in text
    assert "NOT APPLIED" not in text  # only with --why-not


def test_contribution_from_a_date_of_birth_determines_the_category(socso):
    result = socso("contribution", "--wage", "9000", "--month", "2024-10", "--date-of-birth", "1962-03-01",
                   "--format", "json")
    assert result.exit_code == 0, result.stdout
    decision = json.loads(result.stdout)
    amounts = {a["fact"]: a["value"] for a in decision["amounts"]}
    values = {d["fact"]: d["value"] for d in decision["determinations"]}
    assert values["contribution.category"] == "second"  # aged 62 in October 2024
    assert amounts["contribution.total"] == "74.40" and amounts["contribution.employee_share"] == "0"


def test_contribution_for_a_late_entrant_age_asks_whether_he_contributed_before_55(socso):
    # aged 56 in October 2024: the category turns on a first contribution before 55 (s.6, DOMAIN.md §1.4(b))
    args = ["contribution", "--wage", "2500", "--month", "2024-10", "--date-of-birth", "1968-03-10"]
    unknown = json.loads(socso(*args, "--format", "json").stdout)
    assert "contributions.contributed_before_age_55" in [m["name"] for m in unknown["missing"]]
    late = json.loads(socso(*args, "--first-contributed-at-55-or-over", "--format", "json").stdout)
    assert {a["fact"]: a["value"] for a in late["amounts"]}["contribution.total"] == "30.60"  # Second Category
    early = json.loads(socso(*args, "--contributed-before-55", "--format", "json").stdout)
    assert {a["fact"]: a["value"] for a in early["amounts"]}["contribution.total"] == "55.10"


def test_contribution_paid_late_gives_the_deadline_and_the_interest(socso):
    result = socso("contribution", "--wage", "1350", "--month", "2025-07", "--category", "first", "--state", "kedah",
                   "--paid-on", "2025-09-20", "--format", "json")
    assert result.exit_code == 0, result.stdout
    amounts = {a["fact"]: a["value"] for a in json.loads(result.stdout)["amounts"]}
    # 15 August 2025 is a Friday, the weekend in Kedah: the deadline moves back to Thursday 14 August.
    assert amounts["contribution.payment_deadline"] == "2025-08-14"
    assert amounts["contribution.late_payment_interest"] == "10.00"  # two months or parts, RM5 each


@pytest.mark.parametrize("args, message", [
    (["--wage", "13x", "--month", "2024-10"], "--wage '13x': expected an amount in RM"),
    (["--wage", "100", "--month", "2024-13"], "--month '2024-13': expected a contribution month YYYY-MM"),
    (["--wage", "100", "--month", "2024-10", "--state", "johore"], "--state 'johore': expected one of johor"),
    (["--wage", "100", "--month", "2024-10", "--paid-on", "2024-02-30"], "--paid-on '2024-02-30': expected a date"),
    (["--wage", "100", "--month", "2024-10", "--paid-on", "2024-09-30"], "expected a date in or after the contribution"),
    (["--wage", "1,3,5,0", "--month", "2024-10"], "--wage '1,3,5,0': expected an amount in RM"),
])
def test_contribution_refuses_bad_options_naming_the_option(socso, args, message):
    result = socso("contribution", *args)
    assert result.exit_code == 2
    assert message in result.output
