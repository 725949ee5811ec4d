"""Throughput of the adjudicator against bare durable_rules on the same seeded portfolio and the same programs.

    .venv/bin/python scripts/bench.py [--cases N] [--seed S]

Three paths, measured in one process on the same cases and the same compiled durable_rules programs:
  full      engine.adjudicate(...) then engine.to_json(decision): the decision with its trace, rendered
  decision  engine.adjudicate(...) only
  bare      the same compiled rulesets driven by ReteProgram.run with actions that only compute and assert the
            concluded facts (no firing records, no explanation, no pydantic): the least work that reaches the
            same quiescent state. Checked on a sample to conclude exactly what the full run concludes.
Every governing date is compiled before measuring (compiling is reported apart), and the paths are interleaved
block by block so that machine noise falls on all three alike. cases/s = cases / seconds spent in that path;
p50/p99 are per-case latencies; Δpeak RSS is the growth of ru_maxrss while that path ran.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import engine  # noqa: E402
from engine import expressions as ex  # noqa: E402
from engine.compiler import APPLIES, START_FACT, encode_fact  # noqa: E402
from engine.facts import flatten  # noqa: E402
from engine.runner import governing_date  # noqa: E402
from portfolio import check_schema, generate  # noqa: E402

DEFAULT_SEED = 20250203
WARMUP = 300
CHECK_SAMPLE = 1000
SCHEMA_SAMPLE = 300
BLOCK = 500  # cases per block of the interleaved measurement


# ---------------------------------------------------------------- the bare baseline


class BareResult:
    __slots__ = ("facts", "fired")

    def __init__(self, facts: dict[str, Any], fired: set[str]):
        self.facts, self.fired = facts, fired


def bare_run(eng: engine.Engine, case: engine.Case) -> BareResult:
    """Drive the engine's own compiled program for the case's date with actions that do nothing but conclude."""
    inputs = flatten(case)
    facts = dict(inputs)
    fired: set[str] = set()
    day = governing_date(inputs, case)
    if day is None:
        return BareResult(facts, fired)
    compiled, program = eng.program(day)
    actions, needs_applies, readings = compiled.actions, compiled.needs_applies, compiled.readings
    settled: set[str] = set()  # exceptions whose _applies fact is asserted

    def lookup(name: str) -> Any:
        if name in facts:
            return facts[name]
        if name in readings:
            return readings[name].value
        return ex.UNKNOWN

    def on_action(rule_name: str) -> list[dict[str, Any]]:
        action = actions[rule_name]
        kind = action.kind
        if kind == "lift":
            value = ex.evaluate(action.atom, lookup)
            return [] if value is ex.UNKNOWN else [encode_fact(action.fact, value)]
        rule_id = action.rule.id
        if kind == "applies_false":
            if rule_id in settled:
                return []
            settled.add(rule_id)
            return [{"k": APPLIES + rule_id, "b": False}]
        if rule_id in fired:
            return []  # another alternative of the same rule fired already
        fired.add(rule_id)
        new = []
        for name, node in action.rule.then.items():
            value = node.value if type(node) is ex.Lit else ex.evaluate(node, lookup)
            if name not in facts:
                facts[name] = value
                new.append(encode_fact(name, value))
        if rule_id in needs_applies:
            settled.add(rule_id)
            new.append({"k": APPLIES + rule_id, "b": True})
        return new

    # the same filter as the engine: only facts some pattern tests
    encoded = [encode_fact(name, value) for name, value in inputs.items() if name in compiled.read]
    encoded.append({"k": START_FACT, "b": True})
    program.run(encoded, on_action)
    return BareResult(facts, fired)


def check_bare(eng: engine.Engine, cases: list[engine.Case]) -> int:
    """The baseline must reach the state the engine reaches: the same facts known at quiescence (inputs and
    conclusions), the same rules fired, and those are the rules the decision's trace lists."""
    for case in cases:
        full = eng.run(case)
        bare = bare_run(eng, case)
        fired = {f.rule.id for f in full.firings}
        traced = {f.rule_id for f in engine.adjudicate(eng, case, case.case_id).fired}
        if bare.facts != full.facts or not bare.fired == fired == traced:
            raise SystemExit(f"bare baseline disagrees with the engine on {case.case_id}:\n"
                             f"  engine fired {sorted(fired)}\n  bare   fired {sorted(bare.fired)}")
    return len(cases)


# ---------------------------------------------------------------- measuring


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def rss_now_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


class Phase:
    def __init__(self, name: str, what: str):
        self.name, self.what = name, what
        self.latencies: list[int] = []
        self.seconds = 0.0
        self.peak_increase = 0.0
        self.rss_after = 0.0
        self.errors: list[str] = []

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] / 1000  # microseconds


def measure(phase: Phase, cases: list[engine.Case], work: Callable[[engine.Case], Any],
            observe: Callable[[Any], None] | None = None) -> None:
    """Run one block of cases through one path, adding to the phase's latencies, time and RSS growth."""
    peak_before = maxrss_mb()
    clock = time.perf_counter_ns
    latencies = phase.latencies
    start = time.perf_counter()
    for case in cases:
        t0 = clock()
        try:
            out = work(case)
        except engine.SocsoError as exc:
            phase.errors.append(f"{case.case_id}: {exc}")
            out = None
        latencies.append(clock() - t0)
        if observe is not None and out is not None:
            observe(out)
    phase.seconds += time.perf_counter() - start
    phase.peak_increase += maxrss_mb() - peak_before
    phase.rss_after = rss_now_mb()


def outcome_counter(counts: Counter) -> Callable[[engine.Decision], None]:
    def observe(decision: engine.Decision) -> None:
        if not decision.contingencies:
            counts["(no contingency)"] += 1
        for c in decision.contingencies:
            counts[f"{c.fact} {c.outcome}"] += 1
            for b in c.benefits:
                counts[f"{b.fact}: {b.status}"] += 1
    return observe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    n = args.cases
    rss_start = rss_now_mb()

    t = time.perf_counter()
    cases = generate(n, args.seed)
    checked = check_schema(cases[:SCHEMA_SAMPLE])
    source = hashlib.sha256(b"".join(p.read_bytes() for p in sorted((ROOT / "engine").glob("*.py"))))
    print(f"engine/*.py sha256 {source.hexdigest()[:12]}, Python {sys.version.split()[0]}")
    print(f"portfolio: {n} cases, seed {args.seed}, built in {time.perf_counter() - t:.1f}s "
          f"({checked} checked against case.schema.json)")

    t = time.perf_counter()
    ruleset = engine.load_ruleset(ROOT / "rules")
    eng = engine.Engine(ruleset)
    days = sorted({d for d in (governing_date(flatten(c), c) for c in cases) if d is not None})
    for day in days:
        eng.program(day)  # compile every governing date up front, so no phase pays for compiling
    eras = {eng.program(day)[0].key for day in days}
    compile_s = time.perf_counter() - t
    print(f"rules loaded; {len(days)} governing dates -> {len(eras)} compiled programs "
          f"(rule-set eras) in {compile_s:.1f}s "
          f"({1000 * compile_s / max(1, len(days)):.2f} ms per date, paid once per distinct date)")

    sample = cases[:: max(1, n // CHECK_SAMPLE)]
    print(f"bare baseline checked against the engine on {check_bare(eng, sample)} cases: same facts, same firings")

    paths: dict[str, tuple[str, Callable[[engine.Case], Any]]] = {
        "full": ("adjudicate + to_json", lambda c: engine.to_json(engine.adjudicate(eng, c, c.case_id))),
        "decision": ("adjudicate, no render", lambda c: engine.adjudicate(eng, c, c.case_id)),
        "bare": ("bare durable_rules", lambda c: bare_run(eng, c)),
    }
    for _, work in paths.values():  # warm up every path on the same programs
        for case in cases[:WARMUP]:
            work(case)

    counts: Counter = Counter()
    eras_seen: dict[tuple, list] = {}  # program key -> [cases, first date, last date, rules in force]
    for case in cases:
        day = governing_date(flatten(case), case)
        if day is None:
            eras_seen.setdefault((), [0, None, None, 0])[0] += 1
            continue
        compiled = eng.program(day)[0]
        era = eras_seen.setdefault(compiled.key, [0, day, day, len(compiled.in_force)])
        era[0] += 1
        era[1], era[2] = min(era[1], day), max(era[2], day)
    # The portfolio and the compiled programs live for the whole run; keep the collector from rescanning them
    # after every few hundred allocations (an artefact of holding N cases at once, not of the engine).
    gc.collect()
    gc.freeze()
    rss_ready = rss_now_mb()
    peak_ready = maxrss_mb()

    # Interleaved: each block of cases goes through the three paths in a rotating order, so that a slower or
    # faster moment of the machine (another process, frequency scaling) falls on all three alike.
    phases = [Phase(name, what) for name, (what, _) in paths.items()]
    for number, first in enumerate(range(0, n, BLOCK)):
        block = cases[first:first + BLOCK]
        for k in range(len(phases)):
            phase = phases[(number + k) % len(phases)]
            observe = outcome_counter(counts) if phase.name == "decision" else None
            measure(phase, block, paths[phase.name][1], observe)
    full, decision, bare = phases

    print()
    header = f"{'path':<9} {'what':<22} {'cases/s':>9} {'p50 µs':>8} {'p99 µs':>8} {'Δpeak RSS':>10} {'RSS after':>10}"
    print(header)
    print("-" * len(header))
    for p in phases:
        print(f"{p.name:<9} {p.what:<22} {p.rate:>9,.0f} {p.percentile(50):>8.1f} {p.percentile(99):>8.1f} "
              f"{p.peak_increase:>8.1f}MB {p.rss_after:>8.1f}MB")
    print("-" * len(header))
    print(f"RSS: {rss_start:.1f} MB at start, {rss_ready:.1f} MB with portfolio and programs loaded; "
          f"peak {maxrss_mb():.1f} MB overall (+{maxrss_mb() - peak_ready:.1f} MB during the three phases)")
    for p in phases:
        if p.errors:
            print(f"{p.name}: {len(p.errors)} cases raised, e.g. {p.errors[0]}")

    print()
    print("outcome mix, per contingency (from the decisions):")
    for key in sorted(k for k in counts if " " in k and ":" not in k and not k.startswith("(")) + ["(no contingency)"]:
        print(f"  {key:<50} {counts[key]:>6}  ({100 * counts[key] / n:.1f}%)")
    for key in sorted(k for k in counts if ":" in k):
        print(f"  {key:<55} {counts[key]:>6}")
    print("rule-set eras (rules in force) in the portfolio:")
    for count, first, last, rules in sorted(eras_seen.values(), key=lambda e: (e[1] is not None, e[1])):
        span = f"{first} .. {last}" if first else "no governing date"
        print(f"  {span:<24} {rules:>2} rules in force  {count:>6} cases")

    print()
    print(f"decision without render = {decision.rate / bare.rate:.2f} × bare durable_rules")
    print(f"full-trace throughput = {full.rate / bare.rate:.2f} × bare durable_rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
