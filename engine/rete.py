"""The one adapter to durable_rules: registers compiled rulesets and drives one case to quiescence in its own
state. It talks to the C core directly (not durable's Host), which avoids the Host's timer threads, runs every
action on the calling thread, and lets exceptions propagate instead of being swallowed into the state."""
from __future__ import annotations

import itertools
import json
from typing import Any, Callable

import durable_rules_engine as _core

# durable_rules' result codes for an assert (engine.py, Ruleset._handle_result)
_OK, _NOT_HANDLED, _OBSERVED = 0, 1, 2

_names = itertools.count(1)


class ReteFailure(Exception):
    """durable_rules refused a fact or failed; the message says which."""


class ReteProgram:
    """A compiled ruleset registered once in the C core (a name cannot be registered twice, so each program gets a
    fresh name)."""

    def __init__(self, definition: dict[str, Any]):
        self.name = f"socso_{next(_names)}"
        self.definition = definition
        self._handle = _core.create_ruleset(self.name, json.dumps(definition, sort_keys=True))
        self.sid = "1"

    def run(self, facts: list[dict[str, Any]], on_action: Callable[[str], list[dict[str, Any]]]) -> None:
        """Assert `facts`, then fire actions one at a time until nothing is left to fire (quiescence).
        `on_action(rule_name)` returns the facts the action concludes; they are asserted before the next action,
        which is how the rules chain.

        Isolation: every case runs in the program's one state (sid), and every fact it stored is retracted
        afterwards, whatever happens, so the next case starts from an empty state. The core's delete_state is
        not used: it frees uninitialised pointers in states that never started an action ("free(): invalid
        pointer", reproduced in tests/unit/test_rete.py), and one reused sid also stays far below the limit of
        1,024 live states per ruleset."""
        stored: list[str] = []
        try:
            state = self._assert(facts, stored)
            if state is None:
                return
            pending = _core.start_action_for_state(self._handle, state)
            message = pending[1] if pending else None
            while message:
                (rule_name,) = json.loads(message).keys()
                try:
                    concluded = on_action(rule_name)
                    self._assert(concluded, stored)
                except BaseException:
                    # Abandoning leaves the action's result queued, pointing at facts about to be retracted, and
                    # the next case is handed that freed frame. Complete every queued action without running it.
                    while _core.complete_and_start_action(self._handle, state):
                        pass
                    raise
                message = _core.complete_and_start_action(self._handle, state)
        finally:
            for fact in reversed(stored):
                _core.retract_fact(self._handle, fact)

    def _assert(self, facts: list[dict[str, Any]], stored: list[str]) -> int | None:
        if not facts:
            return None
        state = None
        # One fact per call, so that we know exactly which facts were stored and must be retracted.
        for fact in facts:
            fact["sid"] = self.sid
            text = json.dumps(fact)
            try:
                code, handle = _core.assert_fact(self._handle, text)
            except Exception as exc:  # the core reports its limits as bare exceptions ("error code: 303")
                raise ReteFailure(f"durable_rules refused the fact {fact.get('k')}: {exc}") from None
            if code == _OBSERVED:
                raise ReteFailure(f"durable_rules saw the fact {fact.get('k')} twice; facts are asserted once")
            if code == _OK:
                state = handle
                stored.append(text)
            # _NOT_HANDLED: no rule of this program accepts the fact; it is not stored, and that is fine.
        return state
