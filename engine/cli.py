"""The `socso` command: the only module that prints or exits. Exit codes: 0 decided, 1 evaluation failure,
2 bad rule set or bad case file. No traceback unless --debug."""
from __future__ import annotations

import datetime as dt
import os
import re
import sys
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import expressions as ex
from .api import adjudicate as run_adjudication
from .errors import EXIT_BAD_INPUT, SocsoError, did_you_mean
from .model import Case
from .runner import Engine
from .trace import to_json, to_text
from .validator import load_case, load_ruleset

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Adjudicate SOCSO (PERKESO) cases under Act 4 from YAML rules, with an explainable trace.")

DEFAULT_RULES = Path(os.environ.get("SOCSO_RULES", "rules"))
RulesOption = typer.Option(DEFAULT_RULES, "--rules", help="Directory of rule and parameter files.")
DebugOption = typer.Option(False, "--debug", help="Show the Python traceback of a failure.")


class Format(str, Enum):
    text = "text"
    json = "json"


def _fail(error: SocsoError, debug: bool) -> None:
    if debug:
        raise error
    typer.echo(error.render(), err=True)
    raise typer.Exit(error.exit_code)


@app.command()
def adjudicate(case: Path = typer.Argument(..., help="Case file (YAML or JSON)."),
               rules: Path = RulesOption,
               format: Format = typer.Option(Format.text, "--format", help="text for people, json for machines."),
               output: Optional[Path] = typer.Option(None, "--output", help="Write the decision here, not stdout."),
               check: bool = typer.Option(False, "--check", help="Also check durable_rules against Python."),
               debug: bool = DebugOption) -> None:
    """Decide a case: outcomes, benefits, what is still needed, and the trace."""
    try:
        engine = Engine(load_ruleset(rules))
        decision = run_adjudication(engine, load_case(case, str(case)), str(case), check=check)
    except SocsoError as error:
        _fail(error, debug)
        return
    text = to_json(decision) if format is Format.json else to_text(decision)
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            typer.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
    else:
        typer.echo(text, nl=False)


class Category(str, Enum):
    first = "first"
    second = "second"


def _bad_option(option: str, value: str, expected: str) -> None:
    typer.echo(f"error: {option} {value!r}: expected {expected}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _date_option(option: str, value: Optional[str]) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _bad_option(option, value, "a date YYYY-MM-DD")


AMOUNT = re.compile(r"(\d{1,3}(,\d{3})+|\d{1,9})(\.\d{1,2})?")


def contribution_case(wage: str, month: str, category: Optional[str], date_of_birth: Optional[dt.date],
                      state: Optional[str], paid_on: Optional[dt.date],
                      contributed_before_55: Optional[bool] = None) -> tuple[Case, list[str]]:
    """The case a contribution question stands for, and the assumptions it makes (said in the output)."""
    if not AMOUNT.fullmatch(wage):
        _bad_option("--wage", wage, "an amount in RM such as 1350 or 1,350.00")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        _bad_option("--month", month, "a contribution month YYYY-MM")
    first_day = dt.date.fromisoformat(month + "-01")
    if paid_on is not None and paid_on < first_day:
        _bad_option("--paid-on", paid_on.isoformat(), f"a date in or after the contribution month {month}")
    amount = Decimal(wage.replace(",", ""))
    data: dict = {"case_id": f"contribution-{month}",
                  "contribution_month": {"month": first_day, "wages": {"salary": amount}},
                  "person": {"foreign_worker": False, "valid_work_pass": True, "receiving_invalidity_pension": False},
                  "employment": {"contract": "service", "sector": "private", "relationship_to_owner": "none",
                                 "domestic_worker": False, "employer_is_resident": True, "monthly_wage": amount}}
    assumed = ["an employee under a contract of service in the private sector, employed in the month, a Malaysian "
               "citizen or permanent resident, not a domestic worker, not an invalidity pensioner (for other "
               "situations write a case file with a contribution_month section)",
               "the whole wage is salary (wages for contribution purposes); give components in a case file"]
    if category:
        data["contribution_month"]["declared_category"] = category
    if paid_on:
        data["contribution_month"]["paid_on"] = paid_on
    if state:
        data["employment"]["state"] = state
    if date_of_birth:
        data["person"]["date_of_birth"] = date_of_birth
        young = (first_day.year - date_of_birth.year - ((first_day.month, first_day.day) <
                                                          (date_of_birth.month, date_of_birth.day))) < 55
        if contributed_before_55 is None and young:
            contributed_before_55 = True  # under 55 in the month: a first contribution cannot have been later
    if contributed_before_55 is not None:
        data["contributions"] = {"contributed_before_age_55": contributed_before_55}
    return Case.model_validate(data), assumed


@app.command()
def contribution(wage: str = typer.Option(..., "--wage", help="Wages for contribution purposes for the month, RM."),
                 month: str = typer.Option(..., "--month", help="The contribution month, YYYY-MM."),
                 category: Optional[Category] = typer.Option(None, "--category", help="first or second, as declared "
                                                             "(else determined from --date-of-birth)."),
                 date_of_birth: Optional[str] = typer.Option(None, "--date-of-birth", help="YYYY-MM-DD: the "
                                                             "category is then determined by the rules."),
                 state: Optional[str] = typer.Option(None, "--state", help="The employer's state (e.g. selangor): "
                                                     "its holidays move the payment deadline."),
                 paid_on: Optional[str] = typer.Option(None, "--paid-on", help="YYYY-MM-DD the contribution was "
                                                       "paid: interest on late payment is computed."),
                 contributed_before_55: Optional[bool] = typer.Option(
                     None, "--contributed-before-55/--first-contributed-at-55-or-over",
                     help="Whether a contribution was paid for the person before age 55 (decides the category "
                          "from 55 to 59)."),
                 rules: Path = RulesOption,
                 format: Format = typer.Option(Format.text, "--format", help="text for people, json for machines."),
                 why_not: bool = typer.Option(False, "--why-not", help="Also list every rule that did not apply."),
                 debug: bool = DebugOption) -> None:
    """The contribution for a wage and month: the band, the shares, the category and why, with the trace."""
    if state is not None and state not in ex.STATES:
        _bad_option("--state", state, "one of " + ", ".join(ex.STATES))
    case, assumed = contribution_case(wage, month, category.value if category else None,
                                      _date_option("--date-of-birth", date_of_birth), state,
                                      _date_option("--paid-on", paid_on), contributed_before_55)
    try:
        engine = Engine(load_ruleset(rules))
        decision = run_adjudication(engine, case, "(command line)", check=True)
    except SocsoError as error:
        _fail(error, debug)
        return
    if format is Format.json:
        typer.echo(to_json(decision), nl=False)
        return
    typer.echo("ASSUMED\n" + "\n".join(f"  {a}" for a in assumed) + "\n")
    typer.echo(to_text(decision, not_applied=why_not), nl=False)
    if decision.missing:
        typer.echo("\nhint: give --date-of-birth or --category (and --state for the deadline), or write a case file "
                   "with the facts still needed")


@app.command("check")
def check_rules(rules: Path = typer.Argument(DEFAULT_RULES, help="Directory of rule and parameter files."),
                debug: bool = DebugOption) -> None:
    """Run every load-time check on a rule set and report every problem found."""
    try:
        ruleset = load_ruleset(rules)
    except SocsoError as error:
        count = len(error.diagnostics)
        if not debug:
            typer.echo(error.render(), err=True)
            typer.echo(f"{count} error{'s' if count != 1 else ''} in {rules}", err=True)
            raise typer.Exit(error.exit_code)
        raise
    typer.echo(f"{rules}: {len(ruleset.rules)} rules in {len(ruleset.files)} files, "
               f"{len(ruleset.parameters.parameters)} parameters — no errors   {ruleset.version}")


@app.command()
def explain(rule_id: str = typer.Argument(..., help="A rule id, e.g. EI-COMMUTE-001."),
            rules: Path = RulesOption, debug: bool = DebugOption) -> None:
    """Show a rule: its citation, its dates, what it reads and what it concludes."""
    try:
        ruleset = load_ruleset(rules)
    except SocsoError as error:
        _fail(error, debug)
        return
    ids = [r.id for r in ruleset.rules]
    if rule_id not in ids:
        hint = did_you_mean(rule_id, ids)
        typer.echo(f"error: no rule {rule_id} in {rules}" + (f"\n  hint: {hint}" if hint else ""), err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    info = ruleset.rule(rule_id)
    rule = info.rule
    out = [f"{rule.id}  {rule.title}", f"  rule set   {info.ruleset}   ({info.file}:{info.line})"]
    if rule.citation.section:
        out.append(f"  section    {rule.citation.section}")
    if rule.citation.source:
        out.append(f"  source     {rule.citation.source}")
    if rule.citation.text:
        out.append(f"  text       “{rule.citation.text.strip()}”")
    out.append(f"  in force   from {rule.effective.from_}" + (f" to {rule.effective.to}" if rule.effective.to else ""))
    if rule.exception_of:
        out.append(f"  exception  of {rule.exception_of}")
    overriders = ruleset.exceptions_of(rule.id)
    if overriders:
        out.append("  overridden by " + ", ".join(r.id for r in overriders))
    out.append("  when" if rule.when else "  when       (always)")
    out += [f"    - {text}" for text in rule.when]
    out.append("  then")
    out += [f"    {name} = {ex.render(node)}" for name, node in info.then.items()]
    reads = info.reads() + info.reads_in_formulas()
    if reads:
        out.append("  reads")
        out += [f"    {name} — {ruleset.fact_title(name) or ('parameter' if name.startswith(ex.PARAMETER_PREFIX) else 'case fact')}"
                for name in dict.fromkeys(reads)]
    if info.presumed:
        out.append("  presumes   " + ", ".join(info.presumed) + " (when the case does not record it)")
    if rule.note:
        out.append(f"  note       {rule.note.strip()}")
    typer.echo("\n".join(out))


def main() -> None:
    try:
        app()
    except SocsoError as error:  # raised again under --debug: show the traceback, keep the exit code
        import traceback
        traceback.print_exc()
        sys.exit(error.exit_code)


if __name__ == "__main__":
    main()
