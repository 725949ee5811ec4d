"""SOCSO benefits adjudicator: Act 4 as YAML rules, run on durable_rules, with an explainable trace."""
from __future__ import annotations

__version__ = "0.1.0"

from .api import adjudicate  # noqa: E402
from .errors import CaseError, EvaluationError, RuleSetError, SocsoError  # noqa: E402
from .model import Case, Decision  # noqa: E402
from .runner import Engine  # noqa: E402
from .trace import to_json, to_text  # noqa: E402
from .validator import RuleSet, load_case, load_ruleset  # noqa: E402

__all__ = [
    "__version__", "adjudicate", "Case", "CaseError", "Decision", "Engine", "EvaluationError", "load_case",
    "load_ruleset", "RuleSet", "RuleSetError", "SocsoError", "to_json", "to_text",
]
