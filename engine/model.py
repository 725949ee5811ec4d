"""Typed, immutable models of rule files, parameter files, case files and decisions (the published contracts)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar, Literal, NamedTuple, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

# ---------------------------------------------------------------- shared


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


RULE_ID = r"^[A-Z]{2,}(-[A-Z0-9]+)+$"
FACT_NAME = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
Scalar = Union[bool, Decimal, dt.date, str]


class Citation(Strict):
    section: Optional[str] = Field(None, description="Section of Act 4, regulation or schedule applied, e.g. 's.24(1)(a)'.")
    source: Optional[str] = Field(None, description="Address of the source, where the text is not the Act itself.")
    text: Optional[str] = Field(None, description="The words of the law (or of the source) this rule implements.")

    def short(self) -> str:
        """The section, or failing that the source's host name: what a one-line trace shows."""
        if self.section:
            return self.section
        source = (self.source or "").split()[0] if self.source else ""
        host = source.split("//", 1)[-1].split("/", 1)[0]
        return host or source[:30]


class Effective(Strict):
    from_: dt.date = Field(alias="from", description="First day the rule is in force (the law's own date).")
    to: Optional[dt.date] = Field(None, description="Last day the rule is in force; absent or null while it still is.")

    def contains(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)

    def overlaps(self, other: "Effective") -> bool:
        return self.from_ <= (other.to or dt.date.max) and other.from_ <= (self.to or dt.date.max)


# ---------------------------------------------------------------- rule files


class Compute(Strict):
    compute: str = Field(description="A formula in the expression language; its result is the concluded value.")
    rounding: Optional[str] = Field(
        None, description="For an amount: the rounding the formula applies and its source, in words (shown with the "
                          "amount in the decision).")


class Rule(Strict):
    id: str = Field(pattern=RULE_ID, description="Stable identifier, never reused, e.g. EI-COMMUTE-001.")
    title: str = Field(min_length=3, description="What the rule decides, in one line.")
    citation: Citation = Field(description="The provision applied; at least a section or a source.")
    effective: Effective = Field(description="The dates the rule is in force.")
    when: list[str] = Field(default_factory=list, description="Conditions, all of which must hold (expressions).")
    then: dict[str, Union[Scalar, Compute]] = Field(
        min_length=1, description="Facts the rule concludes: fact name -> literal value or {compute: formula}.")
    exception_of: Optional[str] = Field(None, pattern=RULE_ID, description="The rule this one overrides when it applies.")
    note: Optional[str] = Field(None, description="Why the rule reads as it does (interpretation, simplification).")


EventName = Literal["accident", "disease", "invalidity", "death", "contribution_month"]


class FactDeclaration(Strict):
    type: Literal["boolean", "string", "number", "date"] = Field(description="The type of the concluded value.")
    values: Optional[list[str]] = Field(None, description="For strings: the only values the fact can take.")
    title: str = Field(description="What the fact means, for the decision and the trace.")
    role: Optional[Literal["determination", "outcome", "benefit", "amount"]] = Field(
        None, description="outcome: a contingency's covered/not_covered; benefit: whether a benefit applies; "
                          "determination: a finding the decision reports (e.g. the contribution category); amount: "
                          "a figure the decision reports with its formula, parameters, rounding and period.")
    unit: Optional[Literal["RM", "RM a day", "RM a month", "days", "months", "percent", "date"]] = Field(
        None, description="For an amount: what the number counts.")
    period: Optional[list[str]] = Field(
        None, min_length=2, max_length=2,
        description="For an amount: the two date facts (first and last day) of the period it covers.")
    of_benefit: Optional[str] = Field(
        None, description="For an amount: the benefit fact (or other fact) it quantifies. The decision lists the "
                          "amount whenever it is computed, and, with why it is not, whenever that fact is true.")
    contingency: Optional[str] = Field(None, description="For a benefit: the outcome fact of its contingency.")
    undecided_note: Optional[str] = Field(
        None, description="Said in the decision when no rule in force can decide this fact for a case (for example "
                          "provisions not yet modelled).")
    about: Literal["claim", "employer"] = Field(
        "claim", description="For a determination: employer means a finding about the employer's own duties (the "
                             "accident report, who pays): the decision reports it, but never lists what it lacks "
                             "among what the claim still needs.")
    event: Optional[Union[EventName, list[EventName]]] = Field(
        None, description="For an outcome, a determination or an amount: the case section(s) that make it relevant "
                          "(it is reported only for cases that have one of them; absent: every case).")

    def events(self) -> tuple[str, ...]:
        if self.event is None:
            return ()
        return tuple(self.event) if isinstance(self.event, list) else (self.event,)


class NotModelled(Strict):
    section: str = Field(description="The provision left out.")
    reason: str = Field(description="Why it is not modelled, and what happens instead.")


class RuleFile(Strict):
    ruleset: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", description="Dotted name of the rule set.")
    title: str
    description: Optional[str] = None
    facts: dict[str, FactDeclaration] = Field(default_factory=dict, description="Facts the rules of this file conclude.")
    rules: list[Rule] = Field(default_factory=list)
    not_modelled: list[NotModelled] = Field(default_factory=list, description="Provisions deliberately left out.")


ScheduleRow = list[Optional[Decimal]]


class ParameterValue(Strict):
    value: Union[Scalar, list[ScheduleRow]] = Field(
        description="The value in force from this date; for a schedule (unit: schedule), its rows.")
    source: str = Field(description="Where the value comes from (address, DOMAIN.md section, statute).")
    confidence: Literal["high", "medium-high", "medium", "low-medium", "low"] = Field(
        description="Confidence in the value, as DOMAIN.md grades it.")
    note: Optional[str] = None


class Parameter(Strict):
    title: str
    unit: Optional[str] = None
    description: Optional[str] = None
    history: bool = Field(
        False, description="true: the rules read this parameter at a date of their choosing (value_on(parameters.x, "
                           "date), or a schedule function with the month), not at the governing date. A schedule "
                           "(unit: schedule) is always read this way.")
    columns: Optional[list[str]] = Field(
        None, description="For a schedule: the names of its columns, in order (documentation; the functions read "
                          "them by position).")
    values: dict[dt.date, Optional[ParameterValue]] = Field(
        min_length=1, description="Date the value takes effect -> value; null ends the provision.")


class ParameterFile(Strict):
    parameters: dict[str, Parameter]


# ---------------------------------------------------------------- case files


class Person(Strict):
    name: Optional[str] = Field(None, description="For the record only.")
    date_of_birth: Optional[dt.date] = None
    foreign_worker: Optional[bool] = Field(None, description="Not a Malaysian citizen or permanent resident.")
    valid_work_pass: Optional[bool] = Field(
        None, description="For a foreign worker: holds a valid passport and a work pass issued by the Immigration "
                          "Department of Malaysia.")
    receiving_invalidity_pension: Optional[bool] = Field(None, description="Receives an invalidity pension (s.20).")
    receiving_periodic_disablement_benefit: Optional[bool] = Field(
        None, description="Receives periodic permanent disablement benefit (for the funeral benefit on death).")
    fwcs_policy_in_force: Optional[bool] = Field(
        None, description="For a foreign worker in 2019: a Foreign Workers Compensation Scheme policy (Workmen's "
                          "Compensation Act 1952) was still in force on the governing date.")
    previously_insured: Optional[bool] = Field(
        None, description="Was an insured person at some time before the governing date (before 1 Jun 2016: "
                          "'once in, always in').")


class Employment(Strict):
    employer: Optional[str] = Field(None, description="For the record only.")
    contract: Optional[Literal["service", "apprenticeship", "self_employed", "none"]] = Field(
        None, description="The contract under which the person works.")
    sector: Optional[Literal["private", "government_contract_or_temporary", "statutory_body_contract_or_temporary",
                             "government_permanent", "statutory_body_permanent"]] = None
    relationship_to_owner: Optional[Literal["none", "spouse", "sole_proprietor", "partner"]] = Field(
        None, description="The person's relation to the owner of the business.")
    domestic_worker: Optional[bool] = Field(
        None, description="Employed exclusively in or in connection with the work of a private dwelling house.")
    employer_is_resident: Optional[bool] = Field(
        None, description="The employer is a Malaysian citizen, a permanent resident or a temporary resident.")
    employer_role: Optional[Literal["principal", "immediate"]] = Field(
        None, description="principal: employs the person directly and pays the wages; immediate: a contractor (or a "
                          "lender of labour) whose worker works on the principal employer's premises or under its "
                          "supervision (s.2; DOMAIN.md §1.2).")
    principal_employer: Optional[str] = Field(None, description="For the record: the principal employer's name.")
    place_of_work: Optional[str] = None
    start_date: Optional[dt.date] = Field(None, description="First day of the employment.")
    end_date: Optional[dt.date] = Field(None, description="Last day of the employment; absent while it continues.")
    monthly_wage: Optional[Decimal] = Field(
        None, ge=0, description="Wages for contribution purposes in the month of the governing date, in RM.")
    state: Optional[Literal["johor", "kedah", "kelantan", "melaka", "negeri_sembilan", "pahang", "pulau_pinang",
                            "perak", "perlis", "selangor", "terengganu", "sabah", "sarawak", "kuala_lumpur",
                            "labuan", "putrajaya"]] = Field(
        None, description="The state or federal territory of the employer's place of business: its public holidays "
                          "and weekend move the contribution payment deadline.")


class Wages(Strict):
    """The pay for one month, by component (DOMAIN.md §1.3). The section is the whole pay for the month: a component
    not listed was not paid (0)."""

    salary: Optional[Decimal] = Field(None, ge=0, description="Salary or basic wages.")
    overtime: Optional[Decimal] = Field(None, ge=0, description="Overtime pay.")
    commission: Optional[Decimal] = Field(None, ge=0, description="Commission.")
    service_charge: Optional[Decimal] = Field(None, ge=0, description="Service charge.")
    leave_pay: Optional[Decimal] = Field(
        None, ge=0, description="Pay for annual, sick, maternity and other leave.")
    allowances: Optional[Decimal] = Field(
        None, ge=0, description="Allowances: incentive, cost-of-living, meal, housing, shift and others (not travel).")
    employer_retirement_contributions: Optional[Decimal] = Field(
        None, ge=0, description="The employer's payments to a pension or provident fund.")
    travel_allowance: Optional[Decimal] = Field(None, ge=0, description="Mileage claims and travel allowance.")
    dismissal_gratuity: Optional[Decimal] = Field(
        None, ge=0, description="Gratuity on dismissal or retrenchment.")
    annual_bonus: Optional[Decimal] = Field(None, ge=0, description="Annual bonus.")
    festive_gift: Optional[Decimal] = Field(None, ge=0, description="Festive gifts in cash.")


class ContributionQuestion(Strict):
    """A contribution month asked about on its own: the contribution for a wage, its deadline, interest if late."""

    month: Optional[dt.date] = Field(
        None, description="The contribution (wage) month: any day of it, by convention the first.")
    wages: Optional[Wages] = Field(None, description="The month's pay by component.")
    declared_category: Optional[Literal["first", "second"]] = Field(
        None, description="The contribution category as the employer declares it, where the rules cannot determine it "
                          "(no date of birth on file).")
    paid_on: Optional[dt.date] = Field(None, description="The date the contribution was paid, if it has been.")


class ContributionMonth(Strict):
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    wage: Optional[Decimal] = Field(None, ge=0, description="Wages for the month, in RM.")
    paid: bool = Field(description="A contribution for this month has been paid (s.17 counts contributions paid).")
    category: Optional[Literal["first", "second"]] = Field(
        None, description="The category of the contribution; absent means First Category (Employment Injury and "
                          "Invalidity Schemes). Second Category contributions do not count for the Invalidity Scheme.")

    def record(self) -> "MonthRecord":
        year, month = self.month.split("-")
        return MonthRecord(int(year) * 12 + int(month) - 1, self.paid, self.category, self.wage)


class MonthRecord(NamedTuple):
    """A contribution month as the rules' functions read it: plain and hashable, so that a history is cheap to
    compare, hash and cache (a case may list hundreds of months)."""

    ordinal: int  # year * 12 + month - 1
    paid: bool
    category: Optional[str]
    wage: Optional[Decimal]


class DependantRecord(NamedTuple):
    relation: str
    date_of_birth: Optional[dt.date]
    married: Optional[bool]
    full_time_study: Optional[bool]
    incapacitated: Optional[bool]


class Contributions(Strict):
    contributed_before_age_55: Optional[bool] = Field(
        None, description="At least one contribution was paid for the person before age 55.")
    first_payable_date: Optional[dt.date] = Field(
        None, description="The date contributions first became payable for the person (entry into insurable "
                          "employment), from which s.17(2)(b) and (3) count complete months.")
    months: Optional[list[ContributionMonth]] = Field(
        None, description="The contribution history, one entry per month. A month not listed had no contribution "
                          "paid. Absent: the history is not on file; an empty list: no contribution was ever paid.")


class Journey(Strict):
    purpose: Optional[Literal["residence_work", "employment", "meal_recess", "personal", "not_travelling"]] = Field(
        None, description="residence_work: between residence or place of stay and work (s.24(1)(a)); employment: a "
                          "journey for a reason connected with the employment (s.24(1)(b)); meal_recess: between work "
                          "and the place of a meal in a recess (s.24(1)(c)); personal; not_travelling.")
    origin: Optional[str] = Field(None, description="For the record: where the journey began.")
    destination: Optional[str] = Field(None, description="For the record: where it was going.")
    work_link: Optional[Literal["to_start_work", "after_finishing_work", "other"]] = Field(
        None, description="For residence_work: the journey was made to start work, or after finishing it; other: "
                          "on a rest day, on leave, or for a purpose other than working, which needs the officer's "
                          "finding (findings.residence_work_journey).")
    residence_kind: Optional[Literal["usual_residence", "other_place"]] = Field(
        None, description="For residence_work: whether the residence end is the usual residence, or another place "
                          "(second dwelling, family home, lodging) whose status needs an officer's finding.")
    employer_instructed: Optional[bool] = Field(
        None, description="For employment: the employer directed the journey (for the record; whether the journey is "
                          "directly connected to the employment is the officer's finding).")
    recess_authorised: Optional[bool] = Field(None, description="For meal_recess: the recess was authorised.")
    stop_or_detour: Optional[bool] = Field(
        None, description="The journey had a stop or a departure from the direct route before the accident.")
    stop_or_detour_description: Optional[str] = Field(None, description="For the record: what the stop or detour was.")


class Emergency(Strict):
    actual_or_supposed_emergency: Optional[bool] = Field(
        None, description="There was an emergency, or one the person believed there was (a fire, a collapse, a person "
                          "in danger).")
    at_or_about_employer_premises: Optional[bool] = Field(
        None, description="The accident happened in or about the premises where the person is employed.")
    rescuing_or_protecting_persons: Optional[bool] = Field(
        None, description="The person was taking steps to rescue, succour or protect persons who were, or were thought "
                          "to be, injured or in danger.")
    protecting_property: Optional[bool] = Field(
        None, description="The person was acting to prevent serious damage to property (a limb PERKESO's description "
                          "does not include: not verified for Act 4).")


class Accident(Strict):
    date: Optional[dt.date] = None
    time: Optional[str] = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, for the record.")
    place: Optional[str] = None
    outside_malaysia: Optional[bool] = Field(
        None, description="The accident happened outside Malaysia (s.44A of the Non-Employment Injury Scheme).")
    description: Optional[str] = None
    circumstances: Optional[Literal["at_work", "travelling", "emergency", "other"]] = Field(
        None, description="at_work: doing the work of the employment, or something incidental to it, at the time and "
                          "place of work; travelling: on a journey (s.24 decides); emergency: taking steps in an "
                          "emergency; other: none of these (at home, on leave, on a rest day, not travelling).")
    sudden_illness: Optional[bool] = Field(
        None, description="The injury was an illness or medical event with no outside incident (a heart attack, a "
                          "stroke, a faint): whether it was 'caused by an accident' is then the officer's finding.")
    journey: Optional[Journey] = None
    emergency: Optional[Emergency] = None
    employer_notified: Optional[dt.date] = Field(None, description="Date the employer was told of the accident.")
    employer_reported: Optional[dt.date] = Field(
        None, description="Date the employer submitted the accident report (Form 34) to PERKESO.")
    employer_report_delay_hours: Optional[Decimal] = Field(
        None, ge=0, description="Hours from the employer being told of the accident to its report, where the times "
                                "are known.")


class Disease(Strict):
    diagnosis: Optional[str] = Field(None, description="For the record: the diagnosis in the doctor's words.")
    diagnosis_date: Optional[dt.date] = Field(None, description="Date the disease was diagnosed (its governing date).")
    schedule_entry: Optional[str] = Field(
        None, description="The Fifth Schedule entry the disease is claimed under, by its key in "
                          "rules/employment_injury/fifth_schedule.yaml (e.g. noise_induced_hearing_loss).")
    occupation: Optional[str] = Field(None, description="For the record: the occupation exposed to the cause.")
    employed_in_scheduled_occupation: Optional[bool] = Field(
        None, description="The person is, or was, employed in an occupation the Fifth Schedule describes for this "
                          "disease (s.28(1)).")
    exposure: Optional[str] = Field(None, description="For the record: the exposure at work.")
    exposure_ended: Optional[dt.date] = Field(
        None, description="Last day employed in that occupation; absent while still so employed.")
    still_in_occupation: Optional[bool] = Field(None, description="Still employed in that occupation at diagnosis.")


class Invalidity(Strict):
    notice_date: Optional[dt.date] = Field(None, description="Date the Invalidity Notice was received.")
    condition_onset: Optional[dt.date] = Field(None, description="Date the morbid condition set in.")
    customary_earnings: Optional[Decimal] = Field(
        None, ge=0, description="RM a month: the customary earnings of a sound insured person of similar education "
                                "working in the same region (s.16).")
    capable_earnings: Optional[Decimal] = Field(
        None, ge=0, description="RM a month the person can still earn by work suited to his strength and ability.")
    gainfully_employed_since_onset: Optional[bool] = Field(
        None, description="The person has been gainfully employed since the condition set in.")
    resignation_date: Optional[dt.date] = Field(None, description="Date the person resigned, if after the notice.")


class Dependant(Strict):
    name: Optional[str] = Field(None, description="For the record only.")
    relation: Literal["widow", "widower", "child", "parent", "grandparent", "sibling", "other"] = Field(
        description="Relation to the insured person (s.2(3)); child includes step, adopted and illegitimate "
                    "children; other: the other class (b) dependants of s.2(3).")
    date_of_birth: Optional[dt.date] = None
    married: Optional[bool] = None
    full_time_study: Optional[bool] = Field(
        None, description="In full-time study at a local institution of higher learning (first degree or below).")
    incapacitated: Optional[bool] = Field(None, description="Incapable of earning a living (for a child).")

    def record(self) -> DependantRecord:
        return DependantRecord(self.relation, self.date_of_birth, self.married, self.full_time_study,
                               self.incapacitated)


class Death(Strict):
    date: Optional[dt.date] = None
    cause: Optional[str] = Field(None, description="For the record: the cause of death.")
    funeral_expenses: Optional[Decimal] = Field(None, ge=0, description="Funeral expenses shown by receipts, in RM.")
    dependants: Optional[list[Dependant]] = Field(
        None, description="The dependants the deceased left (s.2(3)); an empty list: none; absent: not yet known.")


class MedicalLeave(Strict):
    days: Optional[int] = Field(None, ge=0, description="Days of certified medical leave, the accident day included.")
    start: Optional[dt.date] = None
    end: Optional[dt.date] = None
    days_worked: Optional[int] = Field(
        None, ge=0, description="Days of the certified leave on which the person nevertheless worked and was paid "
                                "wages (no temporary disablement benefit for them); 0 when none.")


class Findings(Strict):
    """What the law leaves to the officer's judgement. Absent means not yet found, never false."""

    place_of_residence_or_stay: Optional[bool] = Field(
        None, description="s.24(1)(a): the residence end of the journey is, in law, a place of residence or stay.")
    residence_work_journey: Optional[bool] = Field(
        None, description="s.24(1)(a): a journey between residence or stay and the place of work, made neither to start "
                          "nor after finishing work, is in law 'travelling on a route between' them.")
    journey_connected_to_employment: Optional[bool] = Field(
        None, description="s.24(1)(b): the journey was made for a reason directly connected to the employment.")
    interruption_or_deviation: Optional[bool] = Field(
        None, description="s.24(2): the accident occurred during an interruption of, or deviation from, the journey.")
    medical_board_certified_invalidity: Optional[bool] = Field(
        None, description="s.16: the Medical Board (or Appellate Medical Board) certifies a specific morbid condition "
                          "of a permanent nature, incurable or not likely to be cured.")
    earning_capacity_below_one_third: Optional[bool] = Field(
        None, description="s.16: the Board finds the person cannot earn one third of the customary earnings of a "
                          "sound person of similar education in the same region (used when the figures are not given).")
    qualifying_period_deemed: Optional[bool] = Field(
        None, description="s.17(3A): the Organisation deems the qualifying period completed (failure not due to the "
                          "person's fault or ignorance).")
    injury_by_accident: Optional[bool] = Field(
        None, description="s.2(6): the personal injury was caused by an accident (asked where the case records a "
                          "sudden illness).")
    in_course_of_employment: Optional[bool] = Field(
        None, description="s.2(6): the accident happened in the course of the employment (for an accident that was "
                          "not at work proper).")
    arising_out_of_employment: Optional[bool] = Field(
        None, description="s.2(6), s.23: the accident arose out of the employment; false records that the "
                          "presumption is rebutted by evidence to the contrary.")
    scheduled_disease_confirmed: Optional[bool] = Field(
        None, description="s.32A: the (Special) Medical Board decides the person suffers from a Fifth Schedule "
                          "disease relating to his occupation.")
    disease_contrary_proved: Optional[bool] = Field(
        None, description="s.28(1): it is proved that the scheduled disease was not due to the employment.")
    disease_caused_by_employment_accident: Optional[bool] = Field(
        None, description="s.28(4): the disease was directly caused by a specific injury by accident arising out of "
                          "and in the course of the employment.")
    disease_period_extended: Optional[bool] = Field(
        None, description="s.28(1) proviso: the Organisation extends the 60 months after leaving the occupation.")
    invalidity_due_to_employment_injury: Optional[bool] = Field(
        None, description="The invalidity results from the employment injury the case records (the Invalidity Scheme "
                          "covers invalidity from causes not related to the employment).")
    death_due_to_employment_injury: Optional[bool] = Field(
        None, description="The death resulted from the employment injury.")
    loss_of_earning_capacity_percent: Optional[Decimal] = Field(
        None, ge=0, le=100, description="The Medical Board's assessment of the permanent loss of earning capacity, "
                                        "in percent (0 = no permanent disablement).")
    constant_attendance_needed: Optional[bool] = Field(
        None, description="The Medical Board finds the person so severely disabled that he constantly needs the "
                          "personal attendance of another person.")
    non_employment_injury_excluded: Optional[bool] = Field(
        None, description="s.44B (Act A1788): the non-employment injury is excluded (an offence under s.93 is "
                          "involved, a foreign worker misused a pass, or a circumstance of s.96B).")
    comparable_average_assumed_monthly_wage: Optional[Decimal] = Field(
        None, ge=0, description="Fourth Schedule para 4(a), where the person's own contribution months cannot be used: "
                                "the average assumed monthly wage of a person employed in similar work by the same "
                                "employer, or by any employer in the same locality, in RM.")
    pension_average_monthly_wage: Optional[Decimal] = Field(
        None, ge=0, description="The average monthly wage on which the invalidity or survivors' pension is computed "
                                "(s.20), in RM, as PERKESO's records give it: the months it averages are not "
                                "established (DOMAIN.md §3.4, §8.3).")
    contribution_category: Optional[Literal["first", "second"]] = Field(
        None, description="The contribution category of the month as PERKESO's records give it, where the rules "
                          "cannot determine it (the month of the 55th or 60th birthday, an invalidity pensioner's "
                          "one-third wage test).")
    payment_deadline: Optional[dt.date] = Field(
        None, description="The last day for paying the month's contribution, as PERKESO's records give it, for a "
                          "month whose deadline rule is not established (DOMAIN.md §1.7, §8.5).")
    funeral_benefit_cap: Optional[Decimal] = Field(
        None, ge=0, description="The funeral benefit limit in force on the date of death, as PERKESO's records give it, "
                                "for a date on which the limit is not established (DOMAIN.md §2.11).")
    rehabilitation_recommended: Optional[bool] = Field(
        None, description="The Medical Board or the treating doctor recommends physical or vocational rehabilitation "
                          "(or, under the Invalidity Scheme, dialysis).")


class Evidence(Strict):
    """Documents on file. Absent or false means not yet provided."""

    police_report: Optional[bool] = Field(None, description="The original police report of a commuting accident.")
    sketch_map: Optional[bool] = Field(None, description="A sketch map of the journey: start, route, accident site, destination.")
    medical_certificate: Optional[bool] = Field(None, description="The doctor's certificate of medical leave.")


class Expected(Strict):
    """A golden case's expected decision, checked by the test suite (the engine ignores it)."""

    outcomes: dict[str, Literal["covered", "not_covered", "undetermined"]] = Field(default_factory=dict)
    determinations: dict[str, Scalar] = Field(default_factory=dict)
    benefits: dict[str, Literal["applies", "does_not_apply", "undetermined"]] = Field(default_factory=dict)
    fired: list[str] = Field(default_factory=list, description="Rule ids that must fire.")
    not_fired: list[str] = Field(default_factory=list, description="Rule ids that must not fire.")
    missing: list[str] = Field(default_factory=list, description="Facts or findings the decision must ask for.")
    not_missing: list[str] = Field(default_factory=list, description="Facts or findings it must not ask for.")
    amounts: dict[str, Optional[Scalar]] = Field(
        default_factory=dict, description="Amounts the decision must give, exactly (numbers compare by value: 30.4 = "
                                          "30.40); null: listed as not computed.")


class Case(Strict):
    case_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: Optional[str] = None
    person: Person = Field(default_factory=Person)
    employment: Employment = Field(default_factory=Employment)
    contributions: Contributions = Field(default_factory=Contributions)
    accident: Optional[Accident] = None
    disease: Optional[Disease] = None
    invalidity: Optional[Invalidity] = None
    death: Optional[Death] = None
    contribution_month: Optional[ContributionQuestion] = Field(
        None, description="A contribution month asked about on its own (not with an accident, disease, invalidity "
                          "or death: its governing date is the month).")
    medical_leave: Optional[MedicalLeave] = None
    findings: Findings = Field(default_factory=Findings)
    evidence: Evidence = Field(default_factory=Evidence)
    expected: Optional[Expected] = None

    def contradictions(self) -> list[tuple[tuple, str]]:
        """Facts and findings that cannot both be true, as (path of the field to correct, why). The rules read each
        fact where the law needs it; a contradiction between two of them would let one silently win."""
        found: list[tuple[tuple, str]] = []
        journey = self.accident.journey if self.accident and self.accident.journey else Journey()
        findings = self.findings
        if journey.stop_or_detour is False and findings.interruption_or_deviation is True:
            found.append((("findings", "interruption_or_deviation"),
                          "the officer found an interruption or deviation, but accident.journey.stop_or_detour is "
                          "false: record the stop or detour, or correct the finding"))
        if journey.stop_or_detour is False and journey.stop_or_detour_description:
            found.append((("accident", "journey", "stop_or_detour"),
                          "a stop or detour is described, but accident.journey.stop_or_detour is false"))
        if journey.residence_kind == "usual_residence" and findings.place_of_residence_or_stay is False:
            found.append((("findings", "place_of_residence_or_stay"),
                          "the officer found the place is not a place of residence or stay, but "
                          "accident.journey.residence_kind says it is the usual residence"))
        accident = self.accident or Accident()
        travelling = journey.purpose not in (None, "not_travelling")
        if accident.circumstances == "travelling" and journey.purpose == "not_travelling":
            found.append((("accident", "circumstances"),
                          "accident.circumstances is travelling, but accident.journey.purpose is not_travelling"))
        if accident.circumstances not in (None, "travelling") and travelling:
            found.append((("accident", "circumstances"),
                          f"accident.circumstances is {accident.circumstances}, but accident.journey.purpose says the "
                          f"person was travelling ({journey.purpose}): record the journey under travelling"))
        if accident.circumstances == "at_work" and findings.in_course_of_employment is False:
            found.append((("findings", "in_course_of_employment"),
                          "the officer found the accident was not in the course of the employment, but "
                          "accident.circumstances says the person was at work: correct one of them"))
        invalidity = self.invalidity or Invalidity()
        if invalidity.capable_earnings is not None and invalidity.customary_earnings is not None \
                and findings.earning_capacity_below_one_third is not None \
                and (invalidity.capable_earnings * 3 < invalidity.customary_earnings) \
                != findings.earning_capacity_below_one_third:
            found.append((("findings", "earning_capacity_below_one_third"),
                          "the Board's finding on the one-third test disagrees with invalidity.capable_earnings and "
                          "invalidity.customary_earnings: give the figures or the finding, not both"))
        if self.contribution_month is not None and any((self.accident, self.disease, self.invalidity, self.death)):
            found.append((("contribution_month",),
                          "a contribution month is a case of its own: its governing date is the month, and a case "
                          "with an accident, disease, invalidity or death is judged at that event's date"))
        months = [m.month for m in (self.contributions.months or [])]
        repeated = sorted({m for m in months if months.count(m) > 1})
        if repeated:
            found.append((("contributions", "months"),
                          f"the month(s) {', '.join(repeated)} are listed more than once: a month counts once "
                          "(s.6(9)-(10)); list each month once (several employers in one month are not modelled)"))
        leave = self.medical_leave or MedicalLeave()
        if leave.days is not None and leave.days_worked is not None and leave.days_worked > leave.days:
            found.append((("medical_leave", "days_worked"),
                          f"medical_leave.days_worked ({leave.days_worked}) is more than the days of leave "
                          f"({leave.days})"))
        disease = self.disease or Disease()
        if disease.still_in_occupation is True and disease.exposure_ended is not None:
            found.append((("disease", "exposure_ended"),
                          "disease.still_in_occupation is true, but disease.exposure_ended gives a last day"))
        for finding, purpose in (("place_of_residence_or_stay", "residence_work"),
                                 ("residence_work_journey", "residence_work"),
                                 ("journey_connected_to_employment", "employment")):
            if getattr(findings, finding) is not None and journey.purpose not in (None, purpose):
                found.append((("findings", finding),
                              f"findings.{finding} is about a journey whose purpose is {purpose}, but "
                              f"accident.journey.purpose is {journey.purpose}: correct the purpose or the finding"))
        return found

    def without_contradictions(self) -> "Case":
        """The same case with each field a contradiction names removed (for generated cases: a real case file
        with a contradiction is refused, CASE-104)."""
        case = self
        while case.contradictions():
            data = case.model_dump(exclude_none=True)
            for path, _ in case.contradictions():
                holder = data
                for key in path[:-1]:
                    holder = holder[key]
                holder.pop(path[-1], None)
            case = Case.model_validate(data)
        return case

    # The law's governing date: EI benefits follow the accident (or diagnosis) date, the invalidity scheme the
    # notice date, survivors' benefits the date of death.
    GOVERNING_DATES: ClassVar[tuple[str, ...]] = ("accident.date", "disease.diagnosis_date", "invalidity.notice_date",
                                                  "death.date", "contribution_month.month")


# ---------------------------------------------------------------- decisions


class ValueUse(Strict):
    name: str
    value: Any
    source: str = Field(description="'input' (the case file), 'computed', or the id of the rule that concluded it.")


class ParameterUse(Strict):
    name: str
    value: Any
    effective_from: dt.date
    source: str
    confidence: str


class Firing(Strict):
    step: int
    rule_id: str
    title: str
    citation: Citation
    effective: Effective
    file: str
    line: int
    inputs: list[ValueUse]
    parameters: list[ParameterUse]
    concluded: dict[str, Any]


class NotApplied(Strict):
    rule_id: str
    title: str
    citation: Citation
    status: Literal["not_in_force", "condition_false", "needs_facts", "overridden"]
    detail: str
    condition: Optional[str] = None
    actual: list[ValueUse] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


class MissingItem(Strict):
    name: str
    kind: Literal["finding", "evidence", "fact"]
    description: str
    needed_by: list[str]


class BenefitStatus(Strict):
    fact: str
    title: str
    status: Literal["applies", "does_not_apply", "undetermined"]
    rule_id: Optional[str] = None
    reason: str


class ContingencyDecision(Strict):
    fact: str
    title: str
    outcome: Literal["covered", "not_covered", "undetermined"]
    rule_id: Optional[str] = None
    reason: str
    benefits: list[BenefitStatus]


class Determination(Strict):
    fact: str
    title: str
    value: Any
    rule_id: Optional[str] = None


class Amount(Strict):
    """A figure of the decision with everything needed to check it by hand."""

    fact: str
    title: str
    unit: str
    of: Optional[str] = Field(None, description="The benefit (or other fact) the amount quantifies.")
    of_title: Optional[str] = Field(None, description="Its title: the heading the amount is listed under.")
    value: Any = Field(description="The amount (exact decimal as text), or null when it could not be computed.")
    rule_id: Optional[str] = None
    formula: Optional[str] = None
    rounding: Optional[str] = None
    inputs: list[ValueUse] = Field(default_factory=list)
    parameters: list[ParameterUse] = Field(default_factory=list)
    period: Optional[list[Optional[dt.date]]] = Field(None, description="First and last day the amount covers.")
    reason: Optional[str] = Field(None, description="Why there is no amount, when there is none.")


class Decision(Strict):
    case_id: str
    case_file: str
    governing_date: Optional[dt.date]
    rules_version: str = Field(description="sha256 of the rule files' content: replaying needs the same rules.")
    engine_version: str
    contingencies: list[ContingencyDecision]
    determinations: list[Determination]
    amounts: list[Amount] = Field(default_factory=list)
    missing: list[MissingItem]
    fired: list[Firing]
    not_applied: list[NotApplied]
