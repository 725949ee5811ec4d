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


class ReteFailure(Exception):
    """durable_rules refused a fact or failed; the message says which."""


class ReteProgram:
    """A compiled ruleset registered once in the C core (a name cannot be registered twice, so each program gets a
    fresh name)."""

    def __init__(self, definition: dict[str, Any]):
        self.name = f"socso_{next(_names)}"
        self.definition = definition
        self._handle = _core.create_ruleset(self.name, json.dumps(definition, sort_keys=True))

    def run(self, facts: list[dict[str, Any]], on_action: Callable[[str], list[dict[str, Any]]]) -> None:
        """Assert `facts`, then fire actions one at a time until nothing is left to fire (quiescence).
        `on_action(rule_name)` returns the facts the action concludes; they are asserted before the next action,
        which is how the rules chain. One sid per run, deleted afterwards whatever happens: a state left behind
        counts against the core's limit of 1,024 live states per ruleset."""
        sid = str(next(_sids))
        try:
            state = self._assert(sid, facts)
            if state is None:
                return
            pending = _core.start_action_for_state(self._handle, state)
            message = pending[1] if pending else None
            while message:
                (rule_name,) = json.loads(message).keys()
                try:
                    concluded = on_action(rule_name)
                    self._assert(sid, concluded)
                except BaseException:
                    _core.abandon_action(self._handle, state)
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
        for fact in facts:
            fact["sid"] = sid
        try:
            code, state = _core.assert_facts(self._handle, json.dumps(facts, sort_keys=True))
        except Exception as exc:  # the core reports its limits as bare exceptions ("error code: 303")
            raise ReteFailure(f"durable_rules refused the facts: {exc}") from None
        if code == _OBSERVED:
            raise ReteFailure("durable_rules saw the same fact twice; facts are asserted once")
        # _NOT_HANDLED: some fact is read by no rule of this program; it is not stored, and that is fine.
        return state
