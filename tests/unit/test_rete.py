"""The durable_rules adapter: a hand-written definition fires and chains; runs are isolated from one another; the
core's state limits are never reached; an exception in an action propagates and leaves the program usable."""
from __future__ import annotations

import pytest

from engine.rete import ReteFailure, ReteProgram

from ..helpers import run_python


def when(*names: str) -> dict:
    return {"all": [{f"p{i}": {"$and": [{"k": name}, {"b": True}]}} for i, name in enumerate(names)]}


DEFINITION = {"a#0": when("x"), "b#0": when("y"), "c#0": when("z"), "joined#0": when("x", "w")}


def fact(name: str, value: bool = True) -> dict:
    return {"k": name, "b": value}


def record(fired: list[str], conclusions: dict[str, list[dict]] | None = None):
    def on_action(rule_name: str) -> list[dict]:
        fired.append(rule_name)
        return [dict(f) for f in (conclusions or {}).get(rule_name, [])]
    return on_action


@pytest.fixture
def program():
    return ReteProgram(DEFINITION)


def test_a_hand_written_definition_fires_and_chains(program):
    fired: list[str] = []
    program.run([fact("x")], record(fired, {"a#0": [fact("w")], "joined#0": [fact("z")]}))
    assert fired == ["a#0", "joined#0", "c#0"]


@pytest.mark.parametrize("facts, expected", [
    ([fact("x", False)], []),  # handled by the alpha network, matched by nothing
    ([{"k": "nobody", "b": True}], []),  # read by no rule at all
    ([], []),
    ([fact("y"), fact("z")], ["b#0", "c#0"]),
])
def test_only_matching_facts_fire(program, facts, expected):
    fired: list[str] = []
    program.run(facts, record(fired))
    assert sorted(fired) == expected


def test_runs_are_isolated_from_one_another(program):
    program.run([fact("x")], record([]))
    fired: list[str] = []
    program.run([fact("w")], record(fired))  # joins with nothing left over from the previous run
    assert fired == []
    program.run([fact("x")], record(fired))  # and an identical fact is accepted again
    assert fired == ["a#0"]


def test_two_thousand_sequential_runs_leave_nothing_behind(program):
    # The core holds at most 1,024 live states per ruleset; a leaked state or fact would show here.
    for i in range(2000):
        fired: list[str] = []
        program.run([fact("x"), fact("w") if i % 2 else fact("y")], record(fired))
        assert sorted(fired) == (["a#0", "joined#0"] if i % 2 else ["a#0", "b#0"]), i


def test_the_same_fact_twice_is_refused(program):
    with pytest.raises(ReteFailure, match="twice"):
        program.run([fact("x"), fact("x")], record([]))


def test_an_exception_in_an_action_propagates(program):
    def boom(rule_name: str) -> list[dict]:
        raise RuntimeError(f"boom in {rule_name}")
    with pytest.raises(RuntimeError, match="boom in a#0"):
        program.run([fact("x")], boom)


# A fault in the C core kills the interpreter, so these run in a child process.
AFTER_AN_EXCEPTION = """
    from engine.rete import ReteProgram
    when = lambda k: {"all": [{"p0": {"$and": [{"k": k}, {"b": True}]}}]}
    program = ReteProgram({"a#0": when("x"), "b#0": when("y"), "c#0": when("z")})
    def boom(name):
        raise RuntimeError(name)
    for _ in range(20):
        try:
            program.run([{"k": "x", "b": True}, {"k": "y", "b": True}], boom)
        except RuntimeError:
            pass
        fired = []
        program.run([{"k": "z", "b": True}], lambda name: fired.append(name) or [])
        assert fired == ["c#0"], fired
    print("ok")
"""


def test_the_next_run_after_an_exception_still_works():
    outcome = run_python(AFTER_AN_EXCEPTION)
    assert outcome.returncode == 0 and outcome.stdout.strip() == "ok", outcome.stderr[-800:]


FIRST_RUN_FIRES_NOTHING = """
    from engine.rete import ReteProgram
    for _ in range(20):
        program = ReteProgram({"a#0": {"all": [{"p0": {"$and": [{"k": "a"}, {"b": True}]}}]}})
        fired = []
        program.run([{"k": "a", "b": False}], lambda name: fired.append(name) or [])
        program.run([{"k": "a", "b": True}], lambda name: fired.append(name) or [])
        assert fired == ["a#0"], fired
    print("ok")
"""


def test_a_fresh_program_whose_first_run_fires_nothing_does_not_crash():
    # Regression: the core's delete_state freed uninitialised pointers of a state that never started an action.
    outcome = run_python(FIRST_RUN_FIRES_NOTHING)
    assert outcome.returncode == 0 and outcome.stdout.strip() == "ok", outcome.stderr[-800:]
