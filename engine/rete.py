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
_sids = itertools.count(1)
# A rule that fires first in every state, so that no state is deleted before an action has run (see run()).
_START = "~start"
_START_RULE = "~start#0"


class ReteFailure(Exception):
    """durable_rules refused a fact or failed; the message says which."""


class ReteProgram:
    """A compiled ruleset registered once in the C core (a name cannot be registered twice, so each program gets a
    fresh name)."""

    def __init__(self, definition: dict[str, Any]):
        self.name = f"socso_{next(_names)}"
        self.definition = definition
        if _START_RULE in definition:
            raise ReteFailure(f"the rule name {_START_RULE} is reserved by the adapter")
        full = {**definition, _START_RULE: {"all": [{"p0": {"k": _START}}]}}
        self._handle = _core.create_ruleset(self.name, json.dumps(full, sort_keys=True))

    def run(self, facts: list[dict[str, Any]], on_action: Callable[[str], list[dict[str, Any]]]) -> None:
        """Assert `facts`, then fire actions one at a time until nothing is left to fire (quiescence).
        `on_action(rule_name)` returns the facts the action concludes; they are asserted before the next action,
        which is how the rules chain.

        Isolation: one fresh state (sid) per run, deleted afterwards whatever happens, so at most one state is
        ever live (the core allows 1,024). Two bugs of the C core shape this (found with valgrind on this
        workload; tests/unit/test_rete.py runs the patterns that triggered them):
        - delete_state frees the state's action context, which stays uninitialised until an action has run: so
          every state first runs the adapter's own start rule, and every action is completed, never abandoned
          (completing sets the context to NULL);
        - retracting facts of a partly joined frame one by one walks past the frame's array (deleteMessageFromFrame
          never decrements its count) and corrupts memory: facts are never retracted."""
        sid = str(next(_sids))
        try:
            state = self._assert(sid, [{"k": _START}])
            _core.start_action_for_state(self._handle, state)  # the start rule's action: nothing to do
            if _core.complete_and_start_action(self._handle, state):
                raise ReteFailure("the start rule was not alone")
            self._assert(sid, facts)
            pending = _core.start_action_for_state(self._handle, state)
            message = pending[1] if pending else None
            while message:
                (rule_name,) = json.loads(message).keys()
                try:
                    concluded = on_action(rule_name)
                    self._assert(sid, concluded)
                except BaseException:
                    # Complete every queued action without running it, so no action is left half-started.
                    while _core.complete_and_start_action(self._handle, state):
                        pass
                    raise
                message = _core.complete_and_start_action(self._handle, state)
        finally:
            try:
                _core.delete_state(self._handle, sid)
            except Exception:  # a state that was never created: nothing to delete
                pass

    def _assert(self, sid: str, facts: list[dict[str, Any]]) -> int | None:
        if not facts:
            return None
        state = None
        # One fact per call: each result code is then about one fact.
        for fact in facts:
            fact["sid"] = sid
            try:
                code, handle = _core.assert_fact(self._handle, json.dumps(fact))
            except Exception as exc:  # the core reports its limits as bare exceptions ("error code: 303")
                raise ReteFailure(f"durable_rules refused the fact {fact.get('k')}: {exc}") from None
            if code == _OBSERVED:
                raise ReteFailure(f"durable_rules saw the fact {fact.get('k')} twice; facts are asserted once")
            if code == _OK:
                state = handle
            # _NOT_HANDLED: no rule of this program accepts the fact; it is not stored, and that is fine.
        return state
